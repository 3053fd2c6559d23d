"""The 台账 workbook's columns, and how a cell's value is normalised, parsed and fingerprinted.

No Django here: ``ledger.py`` collects rows from the database, this module knows only cells.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

SHEET = "台账"
META_SHEET = "元数据"
FORMAT_VERSION = "1"
TITLE = "西青区国际消费中心城市建设任务台账"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float  # in Excel units (≈ 2 per CJK character, measured finding in stack-notes §4)
    kind: str = "text"  # text | date | percent
    editable_on: frozenset[str] = frozenset()  # row kinds ("task", "item") where the column may be filled
    fingerprinted: bool = True  # part of the row's version; computed columns (状态, 备注) are not
    wrap: bool = False


TASK, ITEM = "task", "item"

COLUMNS: list[Column] = [
    Column("task_key", "任务编号", 10),
    Column("task", "任务", 30, wrap=True),
    Column("item_key", "事项编号", 10),
    Column("item", "事项", 36, wrap=True),
    Column("lead", "牵头单位", 18, wrap=True),
    Column("co", "配合单位", 24, wrap=True),
    Column("baseline", "原定时限", 12, kind="date"),
    Column("deadline", "完成时限", 12, kind="date"),
    Column("status", "状态", 20, fingerprinted=False),
    Column("completed", "完成日期", 12, kind="date", editable_on=frozenset({ITEM})),
    Column("progress_text", "本期进展", 50, editable_on=frozenset({TASK}), wrap=True),
    Column("progress", "完成进度（%）", 14, kind="percent", editable_on=frozenset({TASK})),
    Column("ext_to", "延期申请至", 12, kind="date", editable_on=frozenset({ITEM})),
    Column("ext_reason", "延期理由", 30, editable_on=frozenset({ITEM}), wrap=True),
    Column("note", "备注", 28, fingerprinted=False, wrap=True),
]
BY_KEY = {c.key: c for c in COLUMNS}
BY_HEADER = {c.header: c for c in COLUMNS}
# Headers people retype slightly differently (half-width brackets, no unit) still match.
HEADER_ALIASES = {"完成进度(%)": "progress", "完成进度%": "progress", "完成进度": "progress", "完成进度 %": "progress"}
EDITABLE = [c for c in COLUMNS if c.editable_on]


def cjk_width(text: str) -> float:
    """Display width in Excel units: about 2 per CJK/full-width character, 1.1 per Latin one."""
    return sum(2.0 if ord(ch) >= 0x2E80 else 1.1 for ch in str(text))


def normalise(value) -> str:
    """The canonical text of a cell value, used for comparison and fingerprints."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class CellError(ValueError):
    """A cell that cannot be read; the message is Chinese and names what is expected."""


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value) -> dt.date | None:
    """Excel dates, date serial numbers and text dates such as 2026年3月5日, 2026-03-05, 2026/3/5, 20260305."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:  # an Excel serial number left unformatted (1954–2119)
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellError(f"“{value}”不是日期，请填写如 2026-03-05 或 2026年3月5日")
    text = str(value).strip()
    text = text.translate(str.maketrans("０１２３４５６７８９－／．", "0123456789-/."))
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise CellError(f"“{value}”不是有效日期（月份或日期超出范围）") from None
    raise CellError(f"“{value}”不是日期，请填写如 2026-03-05 或 2026年3月5日")


def parse_percent(value) -> int | None:
    """0–100, whole numbers; “60%”, “60”, 0.6 formatted as a percentage (≤1 with a decimal) are all 60."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError("完成进度应为 0 到 100 的整数")
    if isinstance(value, (int, float)):
        number = float(value)
        if isinstance(value, float) and 0 < number < 1:  # a cell formatted as 60% stores 0.6
            number *= 100
    else:
        text = str(value).strip().translate(str.maketrans("０１２３４５６７８９．％", "0123456789.%")).rstrip("%").strip()
        try:
            number = float(text)
        except ValueError:
            raise CellError(f"“{value}”不是数字，完成进度应为 0 到 100 的整数") from None
    if not number.is_integer():
        number = round(number)
    if not 0 <= number <= 100:
        raise CellError(f"完成进度 {value} 超出范围，应在 0 到 100 之间")
    return int(number)


def parse_cell(column: Column, value):
    """The typed value of a cell (date, int or text), or CellError."""
    if column.kind == "date":
        return parse_date(value)
    if column.kind == "percent":
        return parse_percent(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return normalise(value)
    return normalise(value)


@dataclass
class LedgerRow:
    """One row of the ledger as exported (or as it is now): display values, and what each refers to."""

    key: str
    kind: str  # TASK or ITEM
    values: dict = field(default_factory=dict)
    editable: set[str] = field(default_factory=set)  # editable columns unlocked on this row
    refs: dict = field(default_factory=dict)  # {"item": id} or {"task": id, "report": id|None}
    is_demo: bool = False

    def fingerprints(self) -> dict[str, str]:
        data = {c.key: fingerprint(normalise(self.values.get(c.key))) for c in COLUMNS if c.fingerprinted}
        for extra, value in self.refs.items():
            if extra.startswith("_"):  # hidden state (e.g. the work item's state, the report's state)
                data[extra] = fingerprint(normalise(value))
        return data

    def version(self) -> dict:
        return {"kind": self.kind, "f": self.fingerprints(),
                "ref": {k: v for k, v in self.refs.items() if not k.startswith("_")}}
