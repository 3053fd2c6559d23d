"""Calendar dimension for consumption analysis: one row per date with weekday, statutory holiday / 调休 working day,
lunar date and festival windows. Analyses join on ``date`` instead of calling engine date functions (SQL dialects
disagree on weekday numbering; see stack-notes.md).

Sources:
- holidays and make-up working days: ``iccity.core.calendar.WorkdayCalendar`` (chinesecalendar + the admin's
  ``HolidayOverride`` / ``HolidayYear`` rows in the core admin, "节假日调整"). ``data_status`` says which:
  ``official`` (package), ``override`` (an admin row for that date, or a year the admin confirmed), ``unknown``
  (no holiday data for the year: ``is_holiday``, ``is_makeup_workday`` and ``is_workday`` are NULL, never guessed);
- lunar dates: lunar-python;
- festivals and festival windows: rule data (core ``Rule`` key ``consumption.festival_windows``), because which
  span counts as "the lantern show" is a local policy choice; ``DEFAULT_FESTIVAL_RULES`` (rules.py) is that rule's first version.

``festival_window``: windows overlap (春节 and 灯会 share 初一–初六), so the column holds every window the day is in,
joined with "," in rule order, e.g. "春节,灯会". Filter with ``contains``/``LIKE '%灯会%'``, not equality.
"""
from __future__ import annotations

import bisect
import datetime as dt

import pyarrow as pa
from lunar_python import LunarYear, Solar
from lunar_python.util import LunarUtil

from . import schema
from .rules import DEFAULT_FESTIVAL_RULES, RULE_KEY  # noqa: F401  (declared with the rule)

_WEEKDAY_LABELS = "一二三四五六日"


def festival_rules(on: dt.date) -> dict:
    """The festival rule in force on ``on`` (core Rule), or the declared first version when none is."""
    from iccity.core.rules import rule_value

    return rule_value(RULE_KEY, on)


class _LunarMonths:
    """Lunar months (year, month — negative when leap —, first solar day, length) covering start…end, from
    lunar-python's year tables. Converting day by day with ``Solar.getLunar()`` recomputed a lunar year's solar terms
    for almost every day (lunar-python caches one year only): 1–3 s per calendar refresh, paid by every ingestion."""

    def __init__(self, start: dt.date, end: dt.date):
        months = {}
        for year in range(start.year - 1, end.year + 2):
            for month in LunarYear.fromYear(year).getMonths():
                solar = Solar.fromJulianDay(month.getFirstJulianDay())
                first = dt.date(solar.getYear(), solar.getMonth(), solar.getDay())
                months[(month.getYear(), month.getMonth())] = (first, month.getDayCount())
        self._by_key = months
        self._ordered = sorted((first, key[0], key[1]) for key, (first, _) in months.items())
        self._firsts = [row[0] for row in self._ordered]

    def lunar(self, day: dt.date) -> tuple[int, int, int]:
        """(lunar year, month — negative when leap —, day) of a solar date."""
        index = bisect.bisect_right(self._firsts, day) - 1
        if index < 0:
            raise ValueError(f"{day} before the lunar table")
        first, year, month = self._ordered[index]
        return year, month, (day - first).days + 1

    def solar(self, lunar_year: int, month: int, day: int) -> dt.date:
        """The solar date of a (non-leap) lunar date, as ``Lunar.fromYmd(...).getSolar()``."""
        first, length = self._by_key[(lunar_year, month)]
        if not 1 <= day <= length:
            raise ValueError(f"农历{lunar_year}年{month}月没有{day}日")
        return first + dt.timedelta(days=day - 1)


def _anchored(rule_anchor, lunar_year: int, months: _LunarMonths) -> dt.date:
    return months.solar(lunar_year, rule_anchor[0], rule_anchor[1])


def _festival_days(start: dt.date, end: dt.date, rules: dict, months: _LunarMonths | None = None) -> tuple[dict, dict]:
    """{date: festival name} and {date: [window names]} for the lunar years touching start…end."""
    months = months or _LunarMonths(dt.date(start.year - 1, 1, 1), dt.date(end.year + 1, 12, 31))
    festivals: dict[dt.date, str] = {}
    windows: dict[dt.date, list[str]] = {}
    for lunar_year in range(start.year - 1, end.year + 2):
        for rule in rules["festivals"]:
            day = _anchored(rule["anchor"], lunar_year, months) + dt.timedelta(days=rule.get("offset", 0))
            festivals.setdefault(day, rule["name"])
        for rule in rules["windows"]:
            base = _anchored(rule["anchor"], lunar_year, months)
            for offset in range(rule["from"], rule["to"] + 1):
                names = windows.setdefault(base + dt.timedelta(days=offset), [])
                if rule["name"] not in names:
                    names.append(rule["name"])
    return festivals, windows


def calendar_table(start: dt.date, end: dt.date, *, workdays=None, rules: dict | None = None,
                   overrides: dict | None = None) -> pa.Table:
    """The calendar rows for start…end inclusive (schema.CALENDAR). Reads holiday overrides and the festival rule
    from the database unless ``workdays`` (a WorkdayCalendar) and ``rules`` are given."""
    from iccity.core.calendar import WorkdayCalendar

    if end < start:
        raise ValueError("end before start")
    workdays = workdays or WorkdayCalendar()
    rules = rules or festival_rules(end)
    # festival anchors reach one lunar year either side of the range
    months = _LunarMonths(dt.date(start.year - 1, 1, 1), dt.date(end.year + 1, 12, 31))
    festivals, windows = _festival_days(start, end, rules, months)
    day_overrides = _overrides(start, end) if overrides is None else overrides
    rows = []
    day = start
    while day <= end:
        weekday = day.isoweekday()
        if workdays.covers_year(day.year):
            info = workdays.day_info(day)
            status = "override" if info.from_override or not _package_covers(day.year) else "official"
            holiday, makeup, workday = info.kind == "holiday", info.kind == "makeup_workday", info.is_workday
            name = (info.name or "") if info.kind in ("holiday", "makeup_workday") else ""
        elif day in day_overrides:  # a single admin row in a year nobody confirmed: that day is known
            kind, override_name = day_overrides[day]
            status, holiday, workday = "override", kind == "holiday", kind == "workday"
            makeup, name = workday and weekday >= 6, override_name
        else:
            status, holiday, makeup, workday, name = "unknown", None, None, None, ""
        lunar_year, lunar_month, lunar_day = months.lunar(day)
        rows.append({
            "date": day, "weekday": weekday, "is_weekend": weekday >= 6, "is_holiday": holiday,
            "is_makeup_workday": makeup, "is_workday": workday, "holiday_name": name,
            "lunar_year": lunar_year, "lunar_month": abs(lunar_month), "lunar_day": lunar_day,
            "is_leap_month": lunar_month < 0,
            # as lunar-python's getMonthInChinese()/getDayInChinese(), which add 闰 for a leap month
            "lunar_label": f"{'闰' if lunar_month < 0 else ''}{LunarUtil.MONTH[abs(lunar_month)]}月"
                           f"{LunarUtil.DAY[lunar_day]}",
            "festival": festivals.get(day, ""), "festival_window": ",".join(windows.get(day, [])),
            "data_status": status,
        })
        day += dt.timedelta(days=1)
    return pa.Table.from_pylist(rows, schema=schema.CALENDAR)


def _overrides(start: dt.date, end: dt.date) -> dict:
    from iccity.core.models_calendar import HolidayOverride

    return {row[0]: (row[1], row[2]) for row in
            HolidayOverride.objects.filter(date__range=(start, end)).values_list("date", "kind", "name")}


def _package_covers(year: int) -> bool:
    from iccity.core.calendar import PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR

    return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR


def weekday_label(weekday: int) -> str:
    return "周" + _WEEKDAY_LABELS[weekday - 1]


def ensure_calendar(start: dt.date, end: dt.date) -> list:
    """Make the visible calendar file cover start…end (extending the range it already covers) with current holiday
    data and rules. Returns the visible calendar files. See actions/calendar.py for the audited entry point."""
    from .actions.calendar import do_ensure_calendar

    do_ensure_calendar(start, end)
    from .storage import visible_files

    return visible_files("calendar")
