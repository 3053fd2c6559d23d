"""Yearly date rules → real dates, with lunar_python for the Chinese calendar.

A lunar rule names month/day pairs (正月初一 → 正月十六). When the start comes later in the lunar year than the end
(腊月二十三 → 正月十六), the start belongs to the previous lunar year. A rule on a leap month uses the ordinary month in
years without that leap month, and day 30 becomes the month's last day in a 29-day month.
"""
from __future__ import annotations

import datetime as dt

from lunar_python import Lunar, LunarYear

from iccity.core.actions import ActionRefused

MONTHS = ["正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊"]
DAYS = ["初一", "初二", "初三", "初四", "初五", "初六", "初七", "初八", "初九", "初十",
        "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十",
        "廿一", "廿二", "廿三", "廿四", "廿五", "廿六", "廿七", "廿八", "廿九", "三十"]


def lunar_to_solar(lunar_year: int, month: int, day: int, leap: bool = False) -> dt.date:
    if not (1 <= month <= 12 and 1 <= day <= 30):
        raise ActionRefused(f"农历日期无效：{month}月{day}日")
    year = LunarYear.fromYear(lunar_year)
    use_leap = leap and year.getLeapMonth() == month
    lunar_month = year.getMonth(-month if use_leap else month)
    day = min(day, lunar_month.getDayCount())
    solar = Lunar.fromYmd(lunar_year, -month if use_leap else month, day).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def lunar_label(month: int, day: int, leap: bool = False) -> str:
    return f"{'闰' if leap else ''}{MONTHS[month - 1]}月{DAYS[day - 1]}"


def check_rule(kind: str, start_month, start_day, end_month, end_day) -> None:
    """Refuse an incomplete or impossible rule before anything is saved."""
    if kind == "none":
        return
    values = (start_month, start_day, end_month, end_day)
    if any(v is None for v in values):
        raise ActionRefused("按年重复的活动须填写开始和结束的月、日。")
    for month, day in ((start_month, start_day), (end_month, end_day)):
        if not 1 <= month <= 12:
            raise ActionRefused(f"月份须在1—12之间：{month}")
        limit = 30 if kind == "lunar" else 31
        if not 1 <= day <= limit:
            raise ActionRefused(f"日须在1—{limit}之间：{day}")
        if kind == "solar":
            try:
                dt.date(2024, month, day)  # a leap year accepts 2-29
            except ValueError:
                raise ActionRefused(f"公历日期不存在：{month}月{day}日") from None


def _solar_day(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:  # 2-29 in a common year
        return dt.date(year, month, 28)


def rule_dates(event, year: int) -> list[tuple[dt.date, dt.date]]:
    """(start, end) pairs, inclusive, of the editions that start in Gregorian ``year``."""
    kind = event.date_rule
    if kind == "none":
        return []
    check_rule(kind, event.start_month, event.start_day, event.end_month, event.end_day)
    spans_new_year = (event.start_month, event.start_day) > (event.end_month, event.end_day)
    out = []
    for base in (year - 1, year, year + 1):
        if kind == "lunar":
            end = lunar_to_solar(base, event.end_month, event.end_day, event.end_leap)
            start = lunar_to_solar(base - 1 if spans_new_year else base, event.start_month, event.start_day,
                                   event.start_leap)
        else:
            start = _solar_day(base, event.start_month, event.start_day)
            end = _solar_day(base + 1 if spans_new_year else base, event.end_month, event.end_day)
        if start.year == year:
            out.append((start, end))
    return out


def describe_rule(event) -> str:
    if event.date_rule == "lunar":
        return (f"每年农历{lunar_label(event.start_month, event.start_day, event.start_leap)}至"
                f"{lunar_label(event.end_month, event.end_day, event.end_leap)}")
    if event.date_rule == "solar":
        if (event.start_month, event.start_day) == (event.end_month, event.end_day):
            return f"每年{event.start_month}月{event.start_day}日"
        return f"每年{event.start_month}月{event.start_day}日至{event.end_month}月{event.end_day}日"
    return "逐次公布日期"
