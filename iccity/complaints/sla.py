"""Deadline status, computed (never typed in): the legal limit and the local fast-response SLA, kept apart.

The legal limit is the one of the case's current stage (acceptance / verification, then mediation / decision); a
paused case's deadline is recomputed as if the pause ended now. The first-contact SLA is a local policy, not law.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from iccity.core import clock
from iccity.core.calendar import CalendarDataMissing, WorkdayCalendar
from iccity.core.deadlines import Remaining, remaining, rule_from_value

from . import states
from .actions import case_due
from .models import Case
from .rules import ACCEPT_DECISION, MEDIATION_LIMIT, REPORT_DECISION, REPORT_VERIFICATION

_STAGE_KEYS = {("complaint", "accept"): ACCEPT_DECISION, ("complaint", "handle"): MEDIATION_LIMIT,
               ("report", "accept"): REPORT_VERIFICATION, ("report", "handle"): REPORT_DECISION}
_STAGE_LABELS = {ACCEPT_DECISION: "受理决定", MEDIATION_LIMIT: "调解期限", REPORT_VERIFICATION: "核查立案",
                 REPORT_DECISION: "处理决定"}


@dataclass(frozen=True)
class LegalStatus:
    key: str
    label: str  # 「受理决定：剩余3个工作日」
    due: dt.date | dt.datetime | None
    remaining: Remaining | None
    paused: bool
    overdue: bool
    problem: str = ""  # e.g. the CalendarDataMissing message


@dataclass(frozen=True)
class FastResponse:
    due: dt.datetime | None
    done_at: dt.datetime | None
    met: bool | None  # None while still open
    overdue: bool
    label: str


def stage_key(case: Case) -> str | None:
    if case.state in states.ACCEPT_STAGE[case.case_type]:
        return _STAGE_KEYS[(case.case_type, "accept")]
    if case.state in states.HANDLE_STAGE[case.case_type]:
        return _STAGE_KEYS[(case.case_type, "handle")]
    return None


def legal_status(case: Case, *, now: dt.datetime | None = None, calendar: WorkdayCalendar | None = None
                 ) -> LegalStatus | None:
    """None when no legal limit runs (finished, or in ODR negotiation)."""
    key = stage_key(case)
    if key is None or key not in (case.deadline_rules or {}):
        return None
    now, calendar = now or clock.now(), calendar or WorkdayCalendar()
    name, paused = _STAGE_LABELS[key], case.paused_since is not None
    try:
        due = case_due(case, key, now=now, calendar=calendar)
        left = remaining(now, due, rule_from_value(case.deadline_rules[key]["value"]), calendar)
    except CalendarDataMissing as exc:
        return LegalStatus(key, f"{name}：期限无法计算", None, None, paused, False, exc.message)
    label = f"{name}：{'已中止计时，' if paused else ''}{left.label}"
    return LegalStatus(key, label, due, left, paused, left.overdue and not paused)


def fast_response(case: Case, *, now: dt.datetime | None = None) -> FastResponse:
    now = now or clock.now()
    due, done = case.first_contact_due, case.first_contact_at
    if due is None:
        return FastResponse(None, done, None, False, "不适用")
    if done is not None:
        met = done <= due
        return FastResponse(due, done, met, False, "已按时联系" if met else "联系超时")
    overdue = now > due
    return FastResponse(due, None, None, overdue, "首次联系已超时" if overdue else "待首次联系")


def case_sla(case: Case, *, now: dt.datetime | None = None, calendar: WorkdayCalendar | None = None) -> dict:
    return {"legal": legal_status(case, now=now, calendar=calendar), "fast_response": fast_response(case, now=now)}


def unit_dashboard(units, today: dt.date, *, soon_days: int = 3) -> list[dict]:
    """Per unit: open, due within ``soon_days`` calendar days, overdue (running clocks only), closed, first contact
    overdue. One aggregate query whatever the number of units (stored due dates, refreshed by every action)."""
    units = list(units)
    accept_states = states.ACCEPT_STAGE["complaint"] | states.ACCEPT_STAGE["report"]
    handle_states = states.HANDLE_STAGE["complaint"] | states.HANDLE_STAGE["report"]
    running = Q(paused_since__isnull=True)
    live_accept = Q(state__in=accept_states) & running
    live_handle = Q(state__in=handle_states) & running
    soon = today + dt.timedelta(days=soon_days)
    end_of_today = clock.now()
    rows = (Case.objects.filter(unit__in=[u.pk for u in units]).values("unit")
            .annotate(open=Count("id", filter=Q(state__in=states.open_states())),
                      closed=Count("id", filter=Q(state__in=states.closed_states())),
                      overdue=Count("id", filter=(live_accept & Q(accept_due__lt=today))
                                    | (live_handle & Q(handle_due__lt=today))),
                      due_soon=Count("id", filter=(live_accept & Q(accept_due__gte=today, accept_due__lte=soon))
                                     | (live_handle & Q(handle_due__gte=today, handle_due__lte=soon))),
                      first_contact_overdue=Count("id", filter=Q(first_contact_at__isnull=True,
                                                                 first_contact_due__lt=end_of_today,
                                                                 state__in=states.open_states()))))
    by_unit = {row["unit"]: row for row in rows}
    empty = {"open": 0, "closed": 0, "overdue": 0, "due_soon": 0, "first_contact_overdue": 0}
    return [{"unit": unit, **{k: by_unit.get(unit.pk, empty)[k] for k in empty}} for unit in units]
