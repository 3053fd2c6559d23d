"""Deadline engine: legal and policy time limits evaluated from versioned ``core.Rule`` values.

A rule value looks like ``{"unit": "working_days", "amount": 7, "start": "next_day"}``:

- ``unit``: ``working_days`` | ``calendar_days`` | ``hours_24x7`` | ``minutes_24x7``;
- ``amount``: a positive integer;
- ``start``: ``next_day`` (the usual legal rule, 民法典 Art. 201: the day of receipt is not counted; the deadline is the
  last day, ending at 24:00) or ``same_moment`` (the clock runs from the receipt moment; the deadline is a moment).
  Defaults: ``next_day`` for day units, ``same_moment`` for 24×7 units (which only allow ``same_moment``);
- ``roll_to_workday``: a calendar-day period whose last day is a rest day ends on the next working day
  (民法典 Art. 203). Defaults to true for ``calendar_days``; working-day periods end on working days anyway and 24×7
  periods never roll;
- any other key (e.g. ``"extension": 15``) is kept in ``DeadlineRule.extra`` for the caller and ignored here.

The shorthand ``{"working_days": 3}`` is accepted too.

Pauses (appraisal, waiting for identity material, ODR negotiation…) stop the clock: they are half-open intervals
``[start, end)`` where ``end`` is the moment (or day) counting resumes. For day units they are whole days
(``(date(2026,3,2), date(2026,3,5))`` pauses 2, 3 and 4 March); only paused days that would otherwise be counted
(working days for working-day rules) extend the deadline, overlapping pauses count once, and pauses outside the
running period change nothing. For an ongoing pause pass ``now`` as its end.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Iterable, Mapping, Sequence

from django.utils import timezone

from . import clock
from .calendar import ONE_DAY, WorkdayCalendar, as_local_date, iter_days

WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"
HOURS_24X7 = "hours_24x7"
MINUTES_24X7 = "minutes_24x7"
UNITS = (WORKING_DAYS, CALENDAR_DAYS, HOURS_24X7, MINUTES_24X7)
DAY_UNITS = (WORKING_DAYS, CALENDAR_DAYS)
NEXT_DAY = "next_day"
SAME_MOMENT = "same_moment"

# Spellings used in the domain notes (``working_day``, ``minute_24x7``…) map to the canonical units.
_UNIT_ALIASES = {
    "working_day": WORKING_DAYS, "workday": WORKING_DAYS, "workdays": WORKING_DAYS,
    "calendar_day": CALENDAR_DAYS, "day": CALENDAR_DAYS, "days": CALENDAR_DAYS,
    "hour_24x7": HOURS_24X7, "hours": HOURS_24X7,
    "minute_24x7": MINUTES_24X7, "minutes": MINUTES_24X7,
}
_KNOWN_KEYS = {"unit", "amount", "start", "roll_to_workday"}

Pause = tuple["dt.date | dt.datetime", "dt.date | dt.datetime"]


def _normalise_unit(unit: Any) -> str:
    key = str(unit).strip().lower()
    key = _UNIT_ALIASES.get(key, key)
    if key not in UNITS:
        raise ValueError(f"未知的期限单位“{unit}”，应为 {'、'.join(UNITS)} 之一")
    return key


@dataclass(frozen=True)
class DeadlineRule:
    unit: str
    amount: int
    start: str | None = None
    roll_to_workday: bool | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self):
        unit = _normalise_unit(self.unit)
        object.__setattr__(self, "unit", unit)
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount <= 0:
            raise ValueError(f"期限数量必须是正整数，收到“{self.amount}”")
        start = self.start or (NEXT_DAY if unit in DAY_UNITS else SAME_MOMENT)
        if start not in (NEXT_DAY, SAME_MOMENT):
            raise ValueError(f"未知的起算方式“{self.start}”，应为 next_day 或 same_moment")
        if unit not in DAY_UNITS and start != SAME_MOMENT:
            raise ValueError("按小时/分钟全天候计算的期限只能自收到时起算（same_moment）")
        object.__setattr__(self, "start", start)
        roll = self.roll_to_workday
        if roll is None:
            roll = unit == CALENDAR_DAYS
        if roll and unit not in DAY_UNITS:
            raise ValueError("按小时/分钟全天候计算的期限不顺延到工作日")
        object.__setattr__(self, "roll_to_workday", bool(roll))

    @property
    def counts_days(self) -> bool:
        return self.unit in DAY_UNITS

    @property
    def duration(self) -> dt.timedelta:
        """The length as a plain time span (not meaningful for working days)."""
        return {
            CALENDAR_DAYS: dt.timedelta(days=self.amount), WORKING_DAYS: dt.timedelta(days=self.amount),
            HOURS_24X7: dt.timedelta(hours=self.amount), MINUTES_24X7: dt.timedelta(minutes=self.amount),
        }[self.unit]

    def describe(self) -> str:
        """Chinese wording for pages and notices, e.g. “7个工作日（自收到次日起算）”."""
        if self.unit == WORKING_DAYS:
            text = f"{self.amount}个工作日"
        elif self.unit == CALENDAR_DAYS:
            text = f"{self.amount}日"
        elif self.unit == HOURS_24X7:
            return f"{self.amount}小时（全天候连续计算）"
        else:
            return f"{self.amount}分钟（全天候连续计算）"
        text += "（自收到次日起算" if self.start == NEXT_DAY else "（自收到时起算"
        if self.unit == CALENDAR_DAYS and self.roll_to_workday:
            text += "，期满日为休息日的顺延至下一工作日"
        return text + "）"


def rule_from_value(value: Mapping[str, Any]) -> DeadlineRule:
    """Build a DeadlineRule from a ``core.Rule.value``. Raises ValueError (Chinese message) for a malformed value."""
    if not isinstance(value, Mapping):
        raise ValueError(f"期限规则取值应为字典，收到：{value!r}")
    if "unit" not in value:
        unit_keys = [k for k in value if str(k).lower() in UNITS or str(k).lower() in _UNIT_ALIASES]
        if len(unit_keys) != 1:
            raise ValueError(f"期限规则取值缺少 unit/amount：{dict(value)}")
        key = unit_keys[0]
        extra = {k: v for k, v in value.items() if k != key}
        return DeadlineRule(unit=key, amount=value[key], extra=extra)
    if "amount" not in value:
        raise ValueError(f"期限规则取值缺少 amount：{dict(value)}")
    return DeadlineRule(
        unit=value["unit"], amount=value["amount"], start=value.get("start"),
        roll_to_workday=value.get("roll_to_workday"),
        extra={k: v for k, v in value.items() if k not in _KNOWN_KEYS},
    )


# -- moments and pauses ------------------------------------------------------------------------------------------------


def _local(value: dt.datetime) -> dt.datetime:
    """An aware datetime on Tianjin wall-clock time (settings.TIME_ZONE, whatever zone a request activated)."""
    return timezone.localtime(value, timezone.get_default_timezone())


def _moment(value: dt.date | dt.datetime, aware: bool) -> dt.datetime:
    """A date becomes local midnight; the result is aware or naive to match the receipt time."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time.min)
    if aware and timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_default_timezone())
    if not aware and timezone.is_aware(value):
        return timezone.make_naive(value, timezone.get_default_timezone())
    return value


def deadline_moment(due: dt.date | dt.datetime) -> dt.datetime:
    """The aware moment a deadline expires: a date deadline ends at 24:00 of that day (local time)."""
    if isinstance(due, dt.datetime):
        return due if timezone.is_aware(due) else timezone.make_aware(due, timezone.get_default_timezone())
    midnight_after = dt.datetime.combine(due + ONE_DAY, dt.time.min)
    return timezone.make_aware(midnight_after, timezone.get_default_timezone())


def _check_pauses(pauses: Iterable[Pause]) -> list[Pause]:
    checked = []
    for pause in pauses or ():
        start, end = pause
        if start is None or end is None:
            raise ValueError("暂停区间需要起止时间；仍在暂停中的，以当前时间作为结束时间")
        checked.append((start, end))
    return checked


def _paused_days(pauses: Sequence[Pause]) -> frozenset[dt.date]:
    days: set[dt.date] = set()
    for start, end in pauses:
        first, stop = as_local_date(start), as_local_date(end)
        if stop < first:
            raise ValueError(f"暂停区间结束早于开始：{start} — {end}")
        days.update(iter_days(first, stop - ONE_DAY))  # half-open: counting resumes on ``stop``
    return frozenset(days)


def _merged(pauses: Sequence[Pause], aware: bool) -> list[tuple[dt.datetime, dt.datetime]]:
    """Pauses as sorted, non-overlapping moments (so overlaps count once)."""
    spans = sorted((_moment(s, aware), _moment(e, aware)) for s, e in pauses)
    merged: list[list[dt.datetime]] = []
    for start, end in spans:
        if end < start:
            raise ValueError(f"暂停区间结束早于开始：{start} — {end}")
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _run_clock(start: dt.datetime, length: dt.timedelta, pauses: list[tuple[dt.datetime, dt.datetime]]) -> dt.datetime:
    """Continuous time: the moment ``length`` of unpaused time has passed since ``start``."""
    cursor, left = start, length
    for p_start, p_end in pauses:
        if p_end <= cursor:
            continue
        p_start = max(p_start, cursor)
        if cursor + left <= p_start:
            break  # the period ends before this pause begins
        left -= p_start - cursor
        cursor = p_end
    return cursor + left


def _count_days(start: dt.date, n: int, skip: frozenset[dt.date]) -> dt.date:
    """The ``n``-th calendar day after ``start`` that is not paused."""
    day = start
    while n:
        day += ONE_DAY
        if day not in skip:
            n -= 1
    return day


# -- the engine --------------------------------------------------------------------------------------------------------


def compute_deadline(
    received_at: dt.date | dt.datetime,
    rule: DeadlineRule,
    pauses: Iterable[Pause] = (),
    calendar: WorkdayCalendar | None = None,
) -> dt.date | dt.datetime:
    """When a period that started at ``received_at`` ends.

    Returns a **date** (the last day, which ends at 24:00) for day units counted from the next day, and a
    **datetime** for ``same_moment`` starts and 24×7 units. Datetimes keep the receipt time's awareness; day
    arithmetic uses local (Asia/Shanghai) dates. Raises ``CalendarDataMissing`` when a needed year has no holiday data.
    """
    pauses = _check_pauses(pauses)
    if not rule.counts_days:
        if not isinstance(received_at, dt.datetime):
            raise ValueError("按小时/分钟计算的期限需要精确到时刻的收到时间")
        aware = timezone.is_aware(received_at)
        return _run_clock(received_at, rule.duration, _merged(pauses, aware))

    calendar = calendar or WorkdayCalendar()
    received_day = as_local_date(received_at)

    if rule.start == SAME_MOMENT:
        if not isinstance(received_at, dt.datetime):
            raise ValueError("自收到时起算的期限需要精确到时刻的收到时间")
        aware = timezone.is_aware(received_at)
        local_received = _local(received_at) if aware else received_at
        if rule.unit == CALENDAR_DAYS:
            end = _run_clock(_moment(local_received, aware), rule.duration, _merged(pauses, aware))
            end = _local(end) if aware else end
            if rule.roll_to_workday and not calendar.is_workday(end.date()):
                end = _on_day(calendar.next_workday(end.date()), end)
            return end
        # Working days from a moment: the same clock time on the n-th working day; a receipt on a rest day starts
        # the clock at 00:00 of the next working day, so the period ends at 24:00 of the n-th working day.
        due_day = calendar.add_workdays(received_day, rule.amount, skip=_paused_days(pauses))
        if calendar.is_workday(received_day):
            return _on_day(due_day, local_received)
        return _moment(due_day + ONE_DAY, aware)

    skip = _paused_days(pauses)
    if rule.unit == WORKING_DAYS:
        return calendar.add_workdays(received_day, rule.amount, skip=skip)
    due = _count_days(received_day, rule.amount, skip)
    if rule.roll_to_workday:
        due = calendar.next_workday(due, inclusive=True)
    return due


def _on_day(day: dt.date, clock: dt.datetime) -> dt.datetime:
    """``clock``'s local time of day on ``day`` (aware if ``clock`` is)."""
    naive = dt.datetime.combine(day, clock.time().replace(tzinfo=None))
    return timezone.make_aware(naive, timezone.get_default_timezone()) if timezone.is_aware(clock) else naive


# -- how much time is left ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Remaining:
    due_at: dt.datetime  # the aware moment the deadline expires
    time_left: dt.timedelta  # negative once overdue
    units_left: int | None  # working days / days left after today (negative = days overdue); None for moments
    overdue: bool
    label: str  # 「剩余3个工作日」「今日到期」「已超期2天」「剩余1小时5分钟」…


def _format_span(span: dt.timedelta) -> str:
    minutes = int(abs(span).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days}天"] if days else []
    parts += [f"{hours}小时"] if hours else []
    parts += [f"{minutes}分钟"] if minutes or not parts else []
    return "".join(parts)


def remaining(
    now: dt.datetime | None,
    deadline: dt.date | dt.datetime,
    rule: DeadlineRule,
    calendar: WorkdayCalendar | None = None,
) -> Remaining:
    """Time left until ``deadline`` (as returned by ``compute_deadline``) at ``now`` (default: core.clock's now).

    Date deadlines are counted in the rule's unit (working days for working-day rules: the working days after today
    up to and including the last day); moment deadlines as days/hours/minutes. Pauses are not known here: recompute
    the deadline with an ongoing pause ending at ``now`` first.
    """
    now = now or clock.now()
    now = now if timezone.is_aware(now) else timezone.make_aware(now, timezone.get_default_timezone())
    due_at = deadline_moment(deadline)
    time_left = due_at - now
    overdue = time_left <= dt.timedelta(0)
    if isinstance(deadline, dt.datetime):
        label = f"已超时{_format_span(time_left)}" if overdue else f"剩余{_format_span(time_left)}"
        return Remaining(due_at, time_left, None, overdue, label)

    today = as_local_date(now)
    if rule.unit == WORKING_DAYS:
        calendar = calendar or WorkdayCalendar()
        units, word = calendar.workdays_between(today, deadline), "个工作日"
    else:
        units, word = (deadline - today).days, "天"
    if not overdue:
        label = "今日到期" if deadline == today else f"剩余{units}{word}"
    else:
        label = f"已超期{-units}{word}" if units < 0 else "已超期"
    return Remaining(due_at, time_left, units, overdue, label)


# -- rules in force on the receipt date --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineResult:
    due: dt.date | dt.datetime  # as returned by compute_deadline
    due_at: dt.datetime  # the aware moment it expires
    rule: DeadlineRule
    source_rule: Any  # the core.Rule version used (store its id/version with the case for reproducibility)


def deadline_for(
    key: str,
    received_at: dt.date | dt.datetime,
    pauses: Iterable[Pause] = (),
    calendar: WorkdayCalendar | None = None,
) -> DeadlineResult:
    """The deadline under the ``core.Rule`` version in force on the receipt date (a case is judged by the rules in
    force when it was received). Raises ``Rule.DoesNotExist``, ``ValueError`` or ``CalendarDataMissing``."""
    from .models import Rule

    row = Rule.objects.in_force(key, as_local_date(received_at))
    rule = rule_from_value(row.value)
    due = compute_deadline(received_at, rule, pauses=pauses, calendar=calendar)
    return DeadlineResult(due, deadline_moment(due), rule, row)
