"""Period strings and cumulative (1—N月) ↔ per-period conversion. No Django.

Keys are ``2024`` (annual), ``2024Q1`` (quarterly) and ``2024-03`` (monthly). Chinese input such as ``2024年3月``,
``2024年第一季度`` or ``2024年1-3月`` is accepted; a range from month 1 means a year-to-date (cumulative) figure, as
statistics offices publish 社零 and 服务零售额.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from collections.abc import Mapping

ANNUAL, QUARTERLY, MONTHLY = "annual", "quarterly", "monthly"
_CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
           "十一": 11, "十二": 12}
_CN_QUARTER = "一二三四"
_DASH = r"\s*[-—–~～至到]\s*"
_MONTH = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"


class PeriodError(ValueError):
    """A period that cannot be read or a conversion that lacks data; ``message`` is Chinese and shown as is."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Period:
    key: str
    end: dt.date
    frequency: str
    cumulative: bool = False

    @property
    def year(self) -> int:
        return int(self.key[:4])

    @property
    def index(self) -> int:
        """Month or quarter number within the year (1 for annual)."""
        if self.frequency == MONTHLY:
            return int(self.key[5:])
        if self.frequency == QUARTERLY:
            return int(self.key[5:])
        return 1

    @property
    def label(self) -> str:
        return period_label(self.key, cumulative=self.cumulative)


def _num(text: str) -> int:
    text = text.strip()
    if text.isdigit():
        return int(text)
    if text in _CN_NUM:
        return _CN_NUM[text]
    raise PeriodError(f"无法识别数字“{text}”")


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def make(year: int, frequency: str, index: int = 1, *, cumulative: bool = False) -> Period:
    if not 1900 <= year <= 2200:
        raise PeriodError(f"年份 {year} 不在合理范围内")
    if frequency == ANNUAL:
        return Period(str(year), dt.date(year, 12, 31), ANNUAL, False)
    if frequency == QUARTERLY:
        if not 1 <= index <= 4:
            raise PeriodError(f"季度应为1—4，收到 {index}")
        # Q1 year-to-date is Q1 itself: only later quarters are "cumulative".
        return Period(f"{year}Q{index}", _month_end(year, index * 3), QUARTERLY, cumulative and index > 1)
    if frequency == MONTHLY:
        if not 1 <= index <= 12:
            raise PeriodError(f"月份应为1—12，收到 {index}")
        return Period(f"{year}-{index:02d}", _month_end(year, index), MONTHLY, cumulative and index > 1)
    raise PeriodError(f"未知频率“{frequency}”")


def parse_period(text: str) -> Period:
    """Read a period string. Raises PeriodError with a Chinese message when it cannot."""
    s = str(text).strip().replace(" ", "").replace("　", "")
    if re.fullmatch(r"\d{4}(年|年度|年全年)?", s):
        return make(int(s[:4]), ANNUAL)
    if m := re.fullmatch(r"(\d{4})[-/]?[Qq]([1-4])", s):
        return make(int(m[1]), QUARTERLY, int(m[2]))
    if m := re.fullmatch(r"(\d{4})[-./](\d{1,2})", s):
        return make(int(m[1]), MONTHLY, int(m[2]))
    if m := re.fullmatch(r"(\d{4})年第?([1-4一二三四])季度?", s):
        return make(int(m[1]), QUARTERLY, _num(m[2]))
    if m := re.fullmatch(r"(\d{4})年(上半年|前三季度|前3季度)", s):
        return make(int(m[1]), QUARTERLY, 2 if m[2] == "上半年" else 3, cumulative=True)
    if m := re.fullmatch(rf"(\d{{4}})年{_MONTH}月?{_DASH}{_MONTH}月(累计)?", s):
        start, end = _num(m[2]), _num(m[3])
        if start != 1:
            raise PeriodError(f"“{text}”不是年初累计：只支持从1月起的累计（1—N月）")
        if end < start:
            raise PeriodError(f"“{text}”的起止月份颠倒")
        return make(int(m[1]), MONTHLY, end, cumulative=True)
    if m := re.fullmatch(r"(\d{4})年(\d{1,2}|[一二三四五六七八九十]{1,3})月(份)?", s):
        return make(int(m[1]), MONTHLY, _num(m[2]))
    raise PeriodError(f"无法识别期间“{text}”：请写成 2024、2024Q1、2024-03、2024年3月、2024年第一季度或2024年1-3月")


def period_end(key: str) -> dt.date:
    return parse_period(key).end


def period_bounds(key: str) -> tuple[dt.date, dt.date]:
    """First and last day of a year, quarter or month key (``2024``, ``2024Q1``, ``2024-03``)."""
    p = parse_period(key)
    first_month = {ANNUAL: 1, QUARTERLY: 3 * p.index - 2, MONTHLY: p.index}[p.frequency]
    return dt.date(p.year, first_month, 1), p.end


def key_of(day: dt.date, frequency: str) -> str:
    """The key of the year, quarter or month containing ``day``."""
    index = {ANNUAL: 1, QUARTERLY: (day.month - 1) // 3 + 1, MONTHLY: day.month}[frequency]
    return make(day.year, frequency, index).key


def previous_key(key: str) -> str:
    """The period just before (``2026Q1`` → ``2025Q4``, ``2026-01`` → ``2025-12``, ``2026`` → ``2025``)."""
    p = parse_period(key)
    if p.index > 1:
        return make(p.year, p.frequency, p.index - 1).key
    return make(p.year - 1, p.frequency, {ANNUAL: 1, QUARTERLY: 4, MONTHLY: 12}[p.frequency]).key


def period_label(key: str, *, cumulative: bool = False) -> str:
    p = parse_period(key)
    if p.frequency == ANNUAL:
        return f"{p.year}年"
    if p.frequency == QUARTERLY:
        if cumulative and p.index > 1:
            return f"{p.year}年{'上半年' if p.index == 2 else '前三季度' if p.index == 3 else '全年'}"
        return f"{p.year}年第{_CN_QUARTER[p.index - 1]}季度"
    if cumulative and p.index > 1:
        return f"{p.year}年1—{p.index}月"
    return f"{p.year}年{p.index}月"


def _sub_key(p: Period, index: int) -> str:
    return f"{p.year}Q{index}" if p.frequency == QUARTERLY else f"{p.year}-{index:02d}"


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _sub_periods(values: Mapping[str, object]) -> list[Period]:
    periods = [parse_period(k) for k in values]
    for p in periods:
        if p.frequency == ANNUAL:
            raise PeriodError(f"年度期间“{p.key}”无需累计换算")
    return sorted(periods, key=lambda p: p.key)


def cumulative_to_periods(values: Mapping[str, object]) -> dict[str, Decimal]:
    """Year-to-date values (1—N月 or 1—N季度, keyed by the last sub-period) → the value of each single period, by
    differences. Every earlier sub-period of the same year must be present: a gap is refused, not interpolated."""
    by_key = {parse_period(k).key: _decimal(v) for k, v in values.items()}
    out: dict[str, Decimal] = {}
    for p in _sub_periods(values):
        if p.index == 1:
            out[p.key] = by_key[p.key]
            continue
        previous = _sub_key(p, p.index - 1)
        if previous not in by_key:
            hint = "（统计部门常把1—2月合并发布，此时只能得到1—2月合计，不能拆出单月）" if p.frequency == MONTHLY and p.index == 2 else ""
            raise PeriodError(f"缺少{period_label(previous, cumulative=True)}的累计值，"
                              f"无法推算{period_label(p.key)}的当期值{hint}")
        out[p.key] = by_key[p.key] - by_key[previous]
    return out


def periods_to_cumulative(values: Mapping[str, object]) -> dict[str, Decimal]:
    """Single-period values → year-to-date sums. Refuses when a sub-period of the year is missing."""
    by_key = {parse_period(k).key: _decimal(v) for k, v in values.items()}
    out: dict[str, Decimal] = {}
    for p in _sub_periods(values):
        total = Decimal(0)
        for i in range(1, p.index + 1):
            key = _sub_key(p, i)
            if key not in by_key:
                raise PeriodError(f"缺少{period_label(key)}的数值，无法累计到{period_label(p.key, cumulative=True)}")
            total += by_key[key]
        out[p.key] = total
    return out
