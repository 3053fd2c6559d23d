"""Quarterly likelihood-of-delivery ratings (the delivery-unit method, domain-plan-and-delivery.md §4): reading side.

The office rates each task each quarter on red / amber-red / amber-green / green with four judgement areas; the light
the platform computed that day is stored beside the human judgement. A later rating of the same task and quarter
supersedes the earlier one; all stay in the history.
"""
from __future__ import annotations

import datetime as dt

from iccity.core import clock, periods

AREAS = ("planning", "capacity", "stage", "evidence")
LEVEL_RANK = {"red": 0, "amber_red": 1, "amber_green": 2, "green": 3}


def quarter_of(day: dt.date) -> str:
    return periods.key_of(day, periods.QUARTERLY)


def parse_quarter(quarter: str) -> tuple[int, int]:
    try:
        parsed = periods.parse_period(quarter or "")
    except periods.PeriodError:
        parsed = None
    if parsed is None or parsed.frequency != periods.QUARTERLY or parsed.key != quarter:
        from iccity.core.actions import ActionRefused

        raise ActionRefused(f"季度格式不正确：“{quarter}”，应为如 2026Q4")
    return parsed.year, parsed.index


def is_quarter(text: str) -> bool:
    from iccity.core.actions import ActionRefused

    try:
        parse_quarter(text)
    except ActionRefused:
        return False
    return True


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    parse_quarter(quarter)
    return periods.period_bounds(quarter)


def previous_quarter(quarter: str) -> str:
    parse_quarter(quarter)
    return periods.previous_key(quarter)


def current_ratings(version, quarter: str | None = None) -> dict[int, DeliveryRating]:  # noqa: F821
    """The rating in force per task id for a quarter (the latest one not superseded); one query."""
    from .models import DeliveryRating

    quarter = quarter or quarter_of(clock.today())
    parse_quarter(quarter)
    rows = (DeliveryRating.objects.filter(task__version=version, quarter=quarter, superseded_by__isnull=True)
            .select_related("task", "rated_by").order_by("task_id", "-rated_at", "-id"))
    out: dict[int, DeliveryRating] = {}  # noqa: F821
    for r in rows:
        out.setdefault(r.task_id, r)
    return out


def history(task) -> list:
    """All ratings of a task, newest quarter first, with the change from the previous quarter's final rating."""
    from .models import DeliveryRating

    rows = list(DeliveryRating.objects.filter(task=task).select_related("rated_by", "superseded_by")
                .order_by("-quarter", "-rated_at", "-id"))
    final_by_quarter: dict[str, object] = {}
    for r in rows:
        if r.is_current:
            final_by_quarter.setdefault(r.quarter, r)
    for r in rows:
        before = final_by_quarter.get(previous_quarter(r.quarter))
        r.previous_level = before.level if before else None
        r.change = None if before is None else LEVEL_RANK[r.level] - LEVEL_RANK[before.level]
    return rows
