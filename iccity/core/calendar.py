"""Working-day calendar for China (法定节假日 and 调休), used by every deadline in the platform.

Data: the ``chinesecalendar`` package (State Council notices up to its release year) plus ``HolidayOverride`` rows,
which win over the package. A year is usable when the package covers it or an admin confirmed it with a
``HolidayYear`` row; any other year raises ``CalendarDataMissing`` — we never fall back to plain Monday–Friday,
because a wrong working day silently moves legal deadlines.

Terms:
- working day (工作日): Monday–Friday that is not a statutory day off, or a 调休 weekend on which people work;
- holiday (法定节假日/放假日): a day listed as off in a holiday notice (including the weekend days inside the span);
- rest day (休息日): any non-working day, i.e. holidays and ordinary weekends.

One instance loads the overrides once (two queries, on first use) and answers everything from memory, so create
one per request / per job rather than one per date. Instances are not refreshed: make a new one after an edit.
"""
from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from collections.abc import Iterable, Mapping

from chinese_calendar import constants as _cc
from django.utils import timezone

from .actions import ActionRefused

ONE_DAY = dt.timedelta(days=1)
# The longest walk any method makes (10 years); only reachable when data is corrupt, e.g. a year of days off.
MAX_WALK_DAYS = 3660

PACKAGE_FIRST_YEAR = min(_cc.holidays).year
PACKAGE_LAST_YEAR = max(_cc.holidays).year
# The package stores English names; the enum carries the Chinese ones.
_CHINESE_NAMES = {h.value: h.chinese for h in _cc.Holiday}


class CalendarDataMissing(ActionRefused):
    """A date falls in a year for which no holiday schedule is known. An ActionRefused, so every page and command
    that reports refused actions shows this message instead of failing."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(f"{year}年的法定节假日安排尚无数据，请在管理后台录入当年放假调休安排")


@dataclass(frozen=True)
class OverrideDay:
    """One admin override, detached from the ORM so the calendar can also be built without a database."""

    kind: str  # "workday" | "holiday"
    name: str = ""
    source: str = ""


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    is_workday: bool
    kind: str  # "workday" | "makeup_workday" | "holiday" | "weekend"
    name: str | None  # festival name for holidays and 调休 working days
    from_override: bool

    @property
    def label(self) -> str:
        if self.kind == "holiday":
            return f"{self.name or '节假日'}放假"
        if self.kind == "makeup_workday":
            return f"{self.name + '调休' if self.name else '调休'}上班"
        return "周末" if self.kind == "weekend" else "工作日"


def as_local_date(value: dt.date | dt.datetime) -> dt.date:
    """The calendar date of ``value`` in the site's time zone (Asia/Shanghai); naive datetimes are local already.

    Uses settings.TIME_ZONE, not the per-request active zone: legal deadlines run on Tianjin time for everyone.
    """
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, timezone.get_default_timezone())
        return value.date()
    return value


class WorkdayCalendar:
    def __init__(
        self,
        overrides: Mapping[dt.date, OverrideDay] | None = None,
        covered_years: Iterable[int] | None = None,
    ):
        """Without arguments the overrides and confirmed years are read from the database on first use.

        Passing ``overrides`` and/or ``covered_years`` builds a calendar without touching the database (tests, scripts).
        """
        self._overrides: dict[dt.date, OverrideDay] | None = dict(overrides) if overrides is not None else None
        self._confirmed_years: set[int] | None = set(covered_years) if covered_years is not None else None
        self._exception_days: tuple[list[dt.date], list[int]] | None = None

    # -- data ------------------------------------------------------------------------------------------------------

    def _load(self) -> None:
        if self._overrides is None:
            from .models_calendar import HolidayOverride

            self._overrides = {
                row["date"]: OverrideDay(row["kind"], row["name"], row["source"])
                for row in HolidayOverride.objects.values("date", "kind", "name", "source")
            }
        if self._confirmed_years is None:
            from .models_calendar import HolidayYear

            self._confirmed_years = set(HolidayYear.objects.values_list("year", flat=True))

    def covers_year(self, year: int) -> bool:
        """True when holiday data exists for ``year`` (package or admin-confirmed)."""
        if PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR:
            return True
        self._load()
        return year in self._confirmed_years

    def coverage_source(self, year: int) -> str | None:
        """Where a year's data comes from, in Chinese, or None when missing."""
        self._load()
        if year in self._confirmed_years:
            return "管理后台录入并确认"
        if PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR:
            return "chinesecalendar 软件包内置"
        return None

    def _check(self, day: dt.date | dt.datetime) -> dt.date:
        day = as_local_date(day)
        self._load()
        if not self.covers_year(day.year):
            raise CalendarDataMissing(day.year)
        return day

    # -- single days -----------------------------------------------------------------------------------------------

    def day_info(self, day: dt.date | dt.datetime) -> DayInfo:
        day = self._check(day)
        weekend = day.weekday() >= 5
        override = self._overrides.get(day)
        if override is not None:
            works = override.kind == "workday"
            name, from_override = override.name or None, True
        elif day in _cc.workdays:
            works, name, from_override = True, _CHINESE_NAMES.get(_cc.workdays[day], _cc.workdays[day]), False
        elif day in _cc.holidays:
            works, name, from_override = False, _CHINESE_NAMES.get(_cc.holidays[day], _cc.holidays[day]), False
        else:
            works, name, from_override = not weekend, None, False
        if works:
            kind = "makeup_workday" if weekend else "workday"
            if kind == "workday":
                name = None  # a weekday that stays a working day has no festival attached
        else:
            # A day off is a holiday when a notice lists it (package or override), otherwise an ordinary weekend.
            kind = "holiday" if (from_override or day in _cc.holidays) else "weekend"
        return DayInfo(day, works, kind, name, from_override)

    def is_workday(self, day: dt.date | dt.datetime) -> bool:
        return self.day_info(day).is_workday

    def is_rest_day(self, day: dt.date | dt.datetime) -> bool:
        """Any day off: holidays and ordinary weekends (民法典 Art. 203 “法定休假日” in the broad sense)."""
        return not self.day_info(day).is_workday

    def is_holiday(self, day: dt.date | dt.datetime) -> bool:
        """A statutory / announced day off (放假), not an ordinary weekend."""
        return self.day_info(day).kind == "holiday"

    def is_makeup_workday(self, day: dt.date | dt.datetime) -> bool:
        """A weekend day on which people work (调休上班)."""
        return self.day_info(day).kind == "makeup_workday"

    def holiday_name(self, day: dt.date | dt.datetime) -> str | None:
        """The festival a holiday or 调休 working day belongs to (“春节”, “国庆节”…), else None."""
        return self.day_info(day).name

    # -- walking -----------------------------------------------------------------------------------------------------

    def next_workday(self, day: dt.date | dt.datetime, *, inclusive: bool = False) -> dt.date:
        """The first working day after ``day`` (or ``day`` itself when ``inclusive`` and it is a working day)."""
        current = self._check(day)
        if not inclusive:
            current += ONE_DAY
        for _ in range(MAX_WALK_DAYS):
            if self.is_workday(current):
                return current
            current += ONE_DAY
        raise ValueError(f"{day} 之后 {MAX_WALK_DAYS} 天内没有工作日，请检查节假日数据")

    def previous_workday(self, day: dt.date | dt.datetime, *, inclusive: bool = False) -> dt.date:
        current = self._check(day)
        if not inclusive:
            current -= ONE_DAY
        for _ in range(MAX_WALK_DAYS):
            if self.is_workday(current):
                return current
            current -= ONE_DAY
        raise ValueError(f"{day} 之前 {MAX_WALK_DAYS} 天内没有工作日，请检查节假日数据")

    def add_workdays(self, start: dt.date | dt.datetime, n: int, *, skip: frozenset[dt.date] = frozenset()) -> dt.date:
        """The ``n``-th working day after ``start`` (the start day itself is never counted; 民法典 Art. 201).

        ``n == 0`` returns ``start``; negative ``n`` counts backwards. Days in ``skip`` (paused days) are not counted.
        """
        current = self._check(start)
        if n == 0:
            return current
        step = ONE_DAY if n > 0 else -ONE_DAY
        left = abs(n)
        for _ in range(MAX_WALK_DAYS + left):
            current += step
            if current not in skip and self.is_workday(current):
                left -= 1
                if left == 0:
                    return current
        raise ValueError(f"从 {start} 起找不到第 {n} 个工作日，请检查节假日数据")

    def workdays_between(self, a: dt.date | dt.datetime, b: dt.date | dt.datetime) -> int:
        """Working days in (a, b] — the inverse of ``add_workdays``: ``workdays_between(a, add_workdays(a, n)) == n``.

        Negative when ``b`` is before ``a``.
        """
        a, b = self._check(a), self._check(b)
        if b < a:
            return -self.workdays_between(b, a)
        for year in range(a.year + 1, b.year):  # every day counted must be covered, as day_info would check
            if not self.covers_year(year):
                raise CalendarDataMissing(year)
        # Monday–Friday counted arithmetically, then corrected on the few days a notice or an override changes
        # (day_info stays the single definition of a working day): no walk over every day of a long span.
        weeks, rest = divmod((b - a).days, 7)
        first = (a.weekday() + 1) % 7
        count = weeks * 5 + sum(1 for i in range(rest) if (first + i) % 7 < 5)
        dates, deltas = self._exceptions()
        lo, hi = bisect.bisect_right(dates, a), bisect.bisect_right(dates, b)
        return count + sum(deltas[lo:hi])

    def _exceptions(self) -> tuple[list[dt.date], list[int]]:
        """Sorted days whose working status differs from plain Monday–Friday, with +1 (works on a weekend) or −1
        (off on a weekday); built once per instance, like the overrides it reads."""
        if self._exception_days is None:
            self._load()
            dates, deltas = [], []
            for day in sorted(set(self._overrides) | set(_cc.workdays) | set(_cc.holidays)):
                if not self.covers_year(day.year):
                    continue  # never counted: a span reaching that year is refused above
                delta = int(self.day_info(day).is_workday) - int(day.weekday() < 5)
                if delta:
                    dates.append(day)
                    deltas.append(delta)
            self._exception_days = (dates, deltas)
        return self._exception_days

    def month(self, year: int, month: int) -> list[DayInfo]:
        """Every day of a month (for the ``calendar show`` command and pages)."""
        first = dt.date(year, month, 1)
        last = (dt.date(year + month // 12, month % 12 + 1, 1)) - ONE_DAY
        return [self.day_info(day) for day in iter_days(first, last)]


def iter_days(first: dt.date, last: dt.date):
    """Dates from ``first`` to ``last`` inclusive."""
    day = first
    while day <= last:
        yield day
        day += ONE_DAY
