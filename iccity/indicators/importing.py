"""Data entry by file: read an xlsx/csv table, check every row before anything is written, and build templates.

Decisions (shown to users in the template's 填报说明 sheet):
- Rows are numbered as the spreadsheet shows them (header = row 1); problems about the file or the release use row 0.
- Numbers: plain digits; a comma is accepted only as a thousands separator ("5,000.5"); a unit ("5000亿元", "300万")
  is refused rather than guessed, because "万" would silently change the magnitude. A trailing "%" is accepted
  for growth rates and for indicators whose unit is "%". At most 4 decimals (the database keeps 4).
- Release information (title, publisher, date) comes from the upload form; a 发布信息 sheet fills what the form
  left blank. A blank 地区 means 西青区. Unknown extra columns are warnings, everything else is an error.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from collections.abc import Iterable

from iccity.core import clock
from iccity.core.periods import MONTHLY, Period, PeriodError
from iccity.core.periods import make as make_period
from iccity.core.periods import parse_period as _parse_period

from .models import Indicator, Observation, Release, ReleaseStatus
from .models.catalogue import Frequency, Publication, ValueKind

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_DECIMALS = 4
GROWTH_MIN, GROWTH_MAX = Decimal(-100), Decimal(1000)
VALUE_LIMIT = Decimal(10) ** 16          # Observation.value: 20 digits, 4 of them decimals
DEFAULT_AREA = "西青区"
AREAS = {"西青区": "西青区", "西青": "西青区", "天津市": "天津市", "天津": "天津市"}
BREAKDOWN_LABELS = {"town": "镇街", "district": "商圈", "category": "品类"}
DATA_SHEET, RELEASE_SHEET, HELP_SHEET, LISTS_SHEET = "数据", "发布信息", "填报说明", "代码表"
YES = {"是", "y", "yes", "true", "1", "累计"}
NO = {"否", "n", "no", "false", "0", "当期"}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: str = ""


COLUMNS = (
    Column("code", "指标代码", ("code", "indicator", "indicator_code", "指标编码"), True, "必填，见下方指标清单"),
    Column("area", "地区", ("area", "geocode", "region"), False, "西青区或天津市，留空视为西青区"),
    Column("period", "期间", ("period", "year", "年份", "时期"), True,
           "年度 2024；季度 2024Q1 或 2024年第一季度；月度 2024-03 或 2024年3月；累计 2024年1-3月"),
    Column("breakdown_kind", "分组类型", ("breakdown_kind", "breakdown", "分组"), False,
           "town 镇街、district 商圈、category 品类；总量留空"),
    Column("breakdown_value", "分组值", ("breakdown_value", "分组名称"), False, "如“张家窝镇”；与分组类型同填同空"),
    Column("value", "数值", ("value", "数据", "值"), True, "只填数字，单位以指标清单为准；仅发布增速的指标留空"),
    Column("growth_rate", "公布增速(%)", ("growth_rate", "growth", "公布增速", "增速", "同比增速(%)", "同比(%)"), False,
           "按公布口径填写，如 5.2 表示增长5.2%"),
    Column("cumulative", "累计", ("cumulative", "is_cumulative", "是否累计"), False, "是/否：年初至该期累计（1—N月）填“是”"),
    Column("note", "备注", ("note", "remark", "说明"), False, "可选，300字以内"),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
RELEASE_LABELS = {"title": "发布名称", "publisher": "发布机构", "published_on": "发布日期", "status": "状态",
                  "url": "链接", "confidence": "可信度", "note": "说明"}


def _norm_header(text: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).lower()


_HEADER_INDEX = {_norm_header(name): c.key for c in COLUMNS for name in (c.label, c.key, *c.aliases)}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


class Table(list):
    """The rows of an uploaded table (dicts keyed by column key, plus ``_row``) and what was wrong with the file."""

    def __init__(self, rows: Iterable[dict] = ()):
        super().__init__(rows)
        self.problems: list[RowError] = []
        self.warnings: list[RowError] = []
        self.release_fields: dict = {}


def _problem(table: Table, code: str, message: str, *, row: int = 0, column: str = "文件") -> Table:
    table.problems.append(RowError(row, column, code, message))
    return table


# ---- reading ---------------------------------------------------------------------------------------------------

def read_table(data: bytes, filename: str) -> Table:
    """Rows of an xlsx (sheet 数据, else the first sheet) or csv file. Never raises: problems ride on the table."""
    table = Table()
    name = (filename or "").lower()
    if len(data) > MAX_FILE_BYTES:
        return _problem(table, "file_too_large",
                        f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {MAX_FILE_BYTES // 1024 // 1024} MB，请分批上传")
    if not data.strip():
        return _problem(table, "empty_file", "文件是空的：请使用模板填写后上传")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return _problem(table, "file_type", "这是旧版Excel（.xls）文件：请在Excel中“另存为”.xlsx后上传")
    if name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data, table)
    if name.endswith((".csv", ".txt")):
        return _read_csv(data, table)
    return _problem(table, "file_type", f"不支持的文件类型“{filename}”：请上传 .xlsx 或 .csv 文件")


_NOT_WORKBOOK = "文件不是有效的Excel工作簿（.xlsx），无法读取（可能已损坏或被改名）：请用模板重新填写"


def _read_xlsx(data: bytes, table: Table) -> Table:
    from openpyxl import load_workbook

    from iccity.core import uploads

    rows = []
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return _problem(table, "not_workbook", _NOT_WORKBOOK)
    try:
        uploads.check_zip(data, what="指标工作簿")  # bombs are refused before openpyxl inflates anything
    except uploads.UploadRefused as exc:
        return _problem(table, "zip_bomb", exc.message)
    try:
        # Two passes: cached values, then the formulas themselves, to tell a formula Excel never computed from a blank.
        values_wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas_wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        names = values_wb.sheetnames
        sheet = DATA_SHEET if DATA_SHEET in names else next(
            (n for n in names if n not in (RELEASE_SHEET, HELP_SHEET, LISTS_SHEET)), names[0])
        values_ws, formulas_ws = values_wb[sheet], formulas_wb[sheet]
        values_ws.reset_dimensions()   # some exporters write wrong <dimension> tags
        formulas_ws.reset_dimensions()
        for number, (values, formulas) in enumerate(zip(uploads.sheet_rows(values_ws, what="指标工作表"),
                                                        uploads.sheet_rows(formulas_ws, what="指标工作表")), start=1):
            rows.append((number, list(values), {i for i, f in enumerate(formulas) if str(f).startswith("=")}))
        if RELEASE_SHEET in names:
            table.release_fields = _release_sheet(values_wb[RELEASE_SHEET])
        values_wb.close()
        formulas_wb.close()
    except uploads.UploadRefused as exc:  # row or cell cap reached while streaming
        return _problem(table, "too_many_cells", exc.message)
    except Exception:  # openpyxl raises many kinds (BadZipFile, KeyError, InvalidFileException, XML errors…)
        return _problem(table, "not_workbook", _NOT_WORKBOOK)
    return _rows_to_table(table, rows)


def _release_sheet(ws) -> dict:
    labels = {_norm_header(v): k for k, v in RELEASE_LABELS.items()}
    fields = {}
    for row in ws.iter_rows(min_col=1, max_col=2, values_only=True):
        if len(row) >= 2 and _norm_header(row[0]) in labels and row[1] not in (None, ""):
            fields[labels[_norm_header(row[0])]] = row[1]
    return fields


def _read_csv(data: bytes, table: Table) -> Table:
    from iccity.core.textutil import NotText, UnknownEncoding, decode_text

    try:
        text = decode_text(data)[0]
    except UnknownEncoding:
        return _problem(table, "encoding", "无法识别CSV文件的编码：请另存为“CSV UTF-8（逗号分隔）”后上传")
    except NotText:
        return _problem(table, "file_type", "文件内容不是CSV文本：请上传 .xlsx 或 .csv 文件")
    text = text.lstrip(codecs.BOM_UTF8.decode())
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    for cells in reader:
        rows.append((reader.line_num, cells, set()))
    return _rows_to_table(table, rows)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _rows_to_table(table: Table, rows: list[tuple[int, list, set]]) -> Table:
    rows = [r for r in rows if not all(_blank(v) for v in r[1])]
    if not rows:
        return _problem(table, "empty_file", "文件中没有任何内容：请使用模板填写后上传")
    # Officials sometimes put a title line above the header: look for it among the first rows.
    header_at = next((i for i, (_, cells, _) in enumerate(rows[:6])
                      if any(_HEADER_INDEX.get(_norm_header(c)) == "code" for c in cells)), 0)
    header_row, header, _ = rows[header_at]
    keys: dict[int, str] = {}
    for i, cell in enumerate(header):
        if _blank(cell):
            continue
        key = _HEADER_INDEX.get(_norm_header(cell))
        label = str(cell).strip()
        if key is None:
            table.warnings.append(RowError(header_row, label, "unknown_column",
                                           f"第{header_row}行：未知列“{label}”，该列内容不会导入"))
        elif key in keys.values():
            _problem(table, "duplicate_column", f"第{header_row}行：列“{label}”重复出现，无法判断以哪一列为准",
                     row=header_row, column=label)
        else:
            keys[i] = key
    for column in COLUMNS:
        if column.required and column.key not in keys.values():
            _problem(table, "missing_column", f"第{header_row}行：缺少必填列“{column.label}”（请使用模板的表头）",
                     row=header_row, column=column.label)
    if table.problems:   # with a broken header every row would repeat the same complaint
        return table
    for number, cells, formula_cols in rows[header_at + 1:]:
        item: dict[str, Any] = {"_row": number, "_formulas": set()}
        for i, key in keys.items():
            value = cells[i] if i < len(cells) else None
            item[key] = value.strip() if isinstance(value, str) else value
            if i in formula_cols and _blank(value):
                item["_formulas"].add(key)
        table.append(item)
    if not table and not table.problems:
        _problem(table, "no_rows", f"第{header_row}行（表头）之后没有数据行", row=header_row)
    elif len(table) > MAX_ROWS:
        _problem(table, "too_many_rows", f"数据行过多（{len(table)}行），一次最多导入{MAX_ROWS}行，请分批上传")
    return table


# ---- periods ---------------------------------------------------------------------------------------------------

def parse_period(raw: Any) -> Period:
    """``periods.parse_period`` for spreadsheet cells; raises PeriodError (Chinese message)."""
    if isinstance(raw, dt.datetime | dt.date):
        # Excel turns a typed "2024-03" into the date 2024-03-01.
        return make_period(raw.year, MONTHLY, raw.month)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return _parse_period(unicodedata.normalize("NFKC", str(raw)))


# ---- numbers ---------------------------------------------------------------------------------------------------

_PLAIN = re.compile(r"[+-]?\d+(\.\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_WITH_UNIT = re.compile(r"([+-]?[\d,]*\.?\d+)([^\d\s.,].*)")


class NumberProblem(Exception):
    def __init__(self, kind: str, detail: str, unit: str = ""):
        self.kind, self.detail, self.unit = kind, detail, unit


def parse_number(raw: Any, *, percent_ok: bool = False) -> Decimal | None:
    """A Decimal, None for a blank cell, or NumberProblem("text" | "unit")."""
    if _blank(raw):
        return None
    if isinstance(raw, bool):
        raise NumberProblem("text", str(raw))
    if isinstance(raw, int | float | Decimal):
        number = Decimal(str(raw))
        if not number.is_finite():
            raise NumberProblem("text", str(raw))
        return number
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(raw)))
    if percent_ok and text.endswith("%"):
        text = text[:-1]
    if _PLAIN.fullmatch(text):
        return Decimal(text)
    if _THOUSANDS.fullmatch(text):
        return Decimal(text.replace(",", ""))
    if (m := _WITH_UNIT.fullmatch(text)) and re.fullmatch(r"[+-]?\d{1,3}(,\d{3})*(\.\d+)?|[+-]?\d+(\.\d+)?", m[1]):
        raise NumberProblem("unit", text, m[2])
    raise NumberProblem("text", text)


def _decimals(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _fmt(number: Decimal | None) -> str:
    return "空" if number is None else format(number.normalize(), "f")


def _bounds(indicator: Indicator) -> str:
    low, high = indicator.plausible_min, indicator.plausible_max
    return f"{'—' if low is None else _fmt(low)}～{'—' if high is None else _fmt(high)}"


# ---- validation ------------------------------------------------------------------------------------------------

@dataclass
class ValidRow:
    row: int
    indicator: Indicator
    area: str
    period: str
    period_end: dt.date
    breakdown_kind: str
    breakdown_value: str
    value: Decimal | None
    growth_rate: Decimal | None
    is_cumulative: bool
    note: str
    existing_id: int | None = None   # identical observation already stored in this release

    def key(self) -> tuple:
        return (self.indicator.pk, self.area, self.period, self.breakdown_kind, self.breakdown_value, self.is_cumulative)


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    valid_rows: list[ValidRow] = field(default_factory=list)
    release_fields: dict = field(default_factory=dict)
    release: Release | None = None        # the existing release these rows belong to, if any
    total_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def unchanged(self) -> int:
        return sum(1 for r in self.valid_rows if r.existing_id is not None)

    @property
    def new(self) -> int:
        return len(self.valid_rows) - self.unchanged

    def as_dict(self) -> dict:
        return {"ok": self.ok, "rows": self.total_rows, "new": self.new if self.ok else 0,
                "unchanged": self.unchanged if self.ok else 0,
                "errors": [e.as_dict() for e in self.errors], "warnings": [w.as_dict() for w in self.warnings]}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _clean_release(fields: dict, report: ImportReport) -> dict:
    def err(key: str, code: str, message: str):
        report.errors.append(RowError(0, RELEASE_LABELS[key], code, f"发布信息“{RELEASE_LABELS[key]}”：{message}"))

    clean = {k: _text(fields.get(k)) for k in ("title", "publisher", "url", "confidence", "note")}
    for key in ("title", "publisher"):
        if not clean[key]:
            err(key, "release_missing", "必填，请在上传页面或“发布信息”表中填写")
    raw_date = fields.get("published_on")
    published_on = None
    if isinstance(raw_date, dt.datetime):
        published_on = raw_date.date()
    elif isinstance(raw_date, dt.date):
        published_on = raw_date
    elif _blank(raw_date):
        err("published_on", "release_missing", "必填，请在上传页面或“发布信息”表中填写")
    else:
        text = unicodedata.normalize("NFKC", str(raw_date)).strip()
        m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
        try:
            published_on = dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None
        except ValueError:
            published_on = None
        if published_on is None:
            err("published_on", "release_date_format", f"“{text}”不是有效日期，请写成2025-01-20或2025年1月20日")
    if published_on and published_on > clock.today():
        err("published_on", "release_date_future", f"{published_on:%Y-%m-%d}晚于今天，发布日期不能是将来")
    status = _text(fields.get("status")) or ReleaseStatus.FINAL
    by_label = {str(label): value for value, label in ReleaseStatus.choices}
    if status not in ReleaseStatus.values and status not in by_label:
        err("status", "release_status", f"“{status}”无效，可填：初步、修订、最终")
    clean.update(published_on=published_on, status=by_label.get(status, status))
    for key, limit in (("title", 300), ("publisher", 200), ("url", 500), ("confidence", 40)):
        if len(clean[key]) > limit:
            err(key, "text_too_long", f"超过{limit}字")
    return clean


def validate(rows: list[dict], *, release_fields: dict) -> ImportReport:
    """Check every row (and the release information) without writing anything."""
    report = ImportReport(total_rows=len(rows))
    report.errors.extend(getattr(rows, "problems", []))
    report.warnings.extend(getattr(rows, "warnings", []))
    merged = dict(getattr(rows, "release_fields", {}) or {})
    merged.update({k: v for k, v in (release_fields or {}).items() if not _blank(v)})
    release = report.release_fields = _clean_release(merged, report)
    if release["title"] and release["publisher"] and release["published_on"]:
        report.release = Release.objects.filter(title=release["title"], publisher=release["publisher"],
                                                published_on=release["published_on"]).order_by("pk").first()
    codes = {_text(r.get("code")) for r in rows}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    if codes - set(indicators):   # only then load the whole catalogue, for case-insensitive codes and name hints
        for ind in Indicator.objects.all():
            indicators.setdefault(ind.code.lower(), ind)
            indicators.setdefault(f"name:{ind.name}", ind)
    existing = {}
    if report.release is not None:
        for obs in Observation.objects.filter(release=report.release):
            existing[(obs.indicator_id, obs.area, obs.period, obs.breakdown_kind, obs.breakdown_value,
                      obs.is_cumulative)] = obs
    seen: dict[tuple, int] = {}
    for row in rows:
        checked = _check_row(row, indicators, report)
        if checked is None:
            continue
        key = checked.key()
        if key in seen:
            report.errors.append(RowError(checked.row, "指标代码", "duplicate_row", f"第{checked.row}行“指标代码”列："
                                          f"与第{seen[key]}行重复（同一指标、地区、期间、分组、累计口径）"))
            continue
        seen[key] = checked.row
        if (obs := existing.get(key)) is not None:
            if obs.value == checked.value and obs.growth_rate == checked.growth_rate and obs.note == checked.note:
                checked.existing_id = obs.pk
            else:
                report.errors.append(RowError(
                    checked.row, "数值", "already_stored",
                    f"第{checked.row}行“数值”列：本发布版次“{report.release.title}”已有该数据（数值{_fmt(obs.value)}，"
                    f"增速{_fmt(obs.growth_rate)}），不能覆盖；修订数据请作为新的发布版次导入"))
                continue
        report.valid_rows.append(checked)
    order = [c.label for c in COLUMNS]
    report.errors.sort(key=lambda e: (e.row, order.index(e.column) if e.column in order else -1))
    return report


def _check_row(row: dict, indicators: dict, report: ImportReport) -> ValidRow | None:
    number = row.get("_row", 0)
    errors_before = len(report.errors)

    def err(key: str, code: str, message: str):
        report.errors.append(RowError(number, COLUMN_BY_KEY[key].label, code,
                                      f"第{number}行“{COLUMN_BY_KEY[key].label}”列：{message}"))

    for key in sorted(row.get("_formulas", ())):
        err(key, "formula_no_value", "单元格是公式但没有计算结果（文件未在Excel中保存过）：请在Excel中打开并保存，或粘贴为数值")
    code = _text(row.get("code"))
    indicator = (indicators.get(code) or indicators.get(code.lower())) if code else None
    if not code:
        err("code", "code_missing", "指标代码为空")
    elif indicator is None:
        named = indicators.get(f"name:{code}")
        hint = f"名称“{code}”对应的代码是“{named.code}”" if named else "请从模板下拉列表中选择"
        err("code", "code_unknown", f"指标代码“{code}”不存在，{hint}")

    area = AREAS.get(_text(row.get("area")) or DEFAULT_AREA)
    if area is None:
        err("area", "area_unknown", f"地区“{_text(row.get('area'))}”无法识别，可填：西青区、天津市（镇街数据请用分组类型 town）")

    period = None
    if _blank(row.get("period")):
        if "period" not in row.get("_formulas", ()):
            err("period", "period_missing", "期间为空")
    else:
        try:
            period = parse_period(row["period"])
        except PeriodError as problem:
            err("period", "period_format", problem.message)
    if period and period.end > clock.today():
        err("period", "period_future", f"期间“{_text(row['period'])}”尚未结束（截至{period.end:%Y-%m-%d}），不能填报将来的数据")
    if period and indicator and period.frequency != indicator.frequency:
        err("period", "period_frequency", f"指标“{indicator.name}”是{indicator.get_frequency_display()}数据，"
                                          f"期间“{_text(row['period'])}”却是{Frequency(period.frequency).label}")

    kind_raw, bvalue = _text(row.get("breakdown_kind")), _text(row.get("breakdown_value"))
    kind = next((k for k, label in BREAKDOWN_LABELS.items() if kind_raw in (k, label)), kind_raw)
    if kind and not bvalue:
        err("breakdown_value", "breakdown_incomplete", f"填了分组类型“{kind_raw}”却没有分组值")
    elif bvalue and not kind:
        err("breakdown_kind", "breakdown_incomplete", f"填了分组值“{bvalue}”却没有分组类型；总量数据两列都留空")
    elif kind and indicator and kind not in (indicator.breakdowns or []):
        allowed = "、".join(f"{k}（{BREAKDOWN_LABELS.get(k, k)}）" for k in indicator.breakdowns or []) or "无（只填总量）"
        err("breakdown_kind", "breakdown_not_allowed", f"指标“{indicator.name}”不允许分组“{kind_raw}”，允许的分组：{allowed}")
    if len(bvalue) > 100:
        err("breakdown_value", "text_too_long", "分组值超过100字")

    raw_flag = row.get("cumulative")
    flag = None if _blank(raw_flag) else (raw_flag if isinstance(raw_flag, bool) else
                                          True if _text(raw_flag).lower() in YES else
                                          False if _text(raw_flag).lower() in NO else "bad")
    if flag == "bad":
        err("cumulative", "cumulative_flag", f"“{_text(raw_flag)}”无效，只能填“是”或“否”（也可留空，表示当期值）")
        flag = None
    elif flag is False and period and period.cumulative:
        err("cumulative", "cumulative_conflict", f"期间“{_text(row['period'])}”是累计期间（1—N月），累计却填了“否”")
    cumulative = bool(flag) or bool(period and period.cumulative)
    if cumulative and indicator and indicator.publication == Publication.PERIOD:
        err("cumulative", "cumulative_not_allowed", f"指标“{indicator.name}”按当期值发布，不能填累计值")

    value = growth = None
    unit = indicator.unit if indicator else ""
    try:
        value = parse_number(row.get("value"), percent_ok=unit == "%")
    except NumberProblem as problem:
        if problem.kind == "unit":
            err("value", "value_unit", f"“{problem.detail}”带有单位“{problem.unit}”：请只填数字，单位统一为指标的计量单位"
                                       f"（{unit or '见指标清单'}）；单位不同（如“万元”）请先换算")
        else:
            err("value", "value_text", f"“{problem.detail}”不是数字：请只填数字，如 5000 或 5,000.5（逗号只能作千位分隔符），"
                                       "无数据请留空")
    try:
        growth = parse_number(row.get("growth_rate"), percent_ok=True)
    except NumberProblem as problem:
        err("growth_rate", "growth_text", f"“{problem.detail}”不是数字：增速按百分数填写，如 5.2 表示增长5.2%")
    if growth is not None and not GROWTH_MIN <= growth <= GROWTH_MAX:
        err("growth_rate", "growth_range", f"增速{_fmt(growth)}%超出合理范围（-100%～1000%）")
        growth = None
    for key, amount in (("value", value), ("growth_rate", growth)):
        if amount is not None and _decimals(amount) > MAX_DECIMALS:
            err(key, "decimals", f"“{_fmt(amount)}”小数位超过{MAX_DECIMALS}位，请四舍五入到{MAX_DECIMALS}位小数")

    if indicator and indicator.value_kind == ValueKind.RATE_ONLY:
        if value is not None:
            err("value", "rate_only_level", f"指标“{indicator.name}”只发布增速，没有总量：请把数值列留空，增速填入“公布增速(%)”")
        elif _blank(row.get("growth_rate")) and "growth_rate" not in row.get("_formulas", ()):
            err("growth_rate", "growth_missing", f"指标“{indicator.name}”只发布增速，增速不能为空")
    elif value is None and growth is None and _blank(row.get("value")) and _blank(row.get("growth_rate")):
        if not {"value", "growth_rate"} & row.get("_formulas", set()):
            err("value", "value_missing", "数值为空（且没有公布增速）")
    elif value is not None and indicator:
        low, high = indicator.plausible_min, indicator.plausible_max
        never_negative = (low is not None and low >= 0) or indicator.value_kind in (ValueKind.COUNT, ValueKind.SHARE)
        if value < 0 and never_negative:
            err("value", "value_negative", f"指标“{indicator.name}”不能为负数，填的是{_fmt(value)}")
        elif (low is not None and value < low) or (high is not None and value > high) or abs(value) >= VALUE_LIMIT:
            err("value", "value_range", f"{_fmt(value)}{unit}超出合理范围（{_bounds(indicator)}{unit}），请核对单位和数值")
        elif indicator.value_kind == ValueKind.COUNT and value != value.to_integral_value():
            err("value", "count_fraction", f"指标“{indicator.name}”是计数，应为整数，填的是{_fmt(value)}")

    note = _text(row.get("note"))
    if len(note) > 300:
        err("note", "text_too_long", "备注超过300字")
    if len(report.errors) > errors_before or indicator is None or period is None or area is None:
        return None
    return ValidRow(number, indicator, area, period.key, period.end, kind, bvalue, value, growth, cumulative, note)


def check_file(data: bytes, filename: str, *, release_fields: dict) -> ImportReport:
    return validate(read_table(data, filename), release_fields=release_fields)


# ---- templates -------------------------------------------------------------------------------------------------


# Templates live in importing_templates; re-exported so callers keep one import.
from .importing_templates import template_csv, template_xlsx  # noqa: E402,F401
