"""Read-side questions about plans asked across the project, each answered once: which versions are current, how
many tasks each unit has and which (the unit pages of orgs get these through ``orgs.unit_work``)."""
from __future__ import annotations

from collections import defaultdict

from django.db.models import OuterRef, Subquery

from .models import Assignment, AssignmentRole, Plan, PlanVersion


def current_version_ids() -> list[int]:
    """The latest version of each plan (one query)."""
    latest = PlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-number").values("pk")[:1]
    return [pk for pk in Plan.objects.annotate(current=Subquery(latest)).values_list("current", flat=True) if pk]


def unit_task_counts(version_ids=None) -> dict[int, dict[str, int]]:
    """unit id → number of tasks led, co-operated (a task counts once per unit, lead wins) and reached via a collective,
    in the current versions unless ``version_ids`` are given."""
    version_ids = current_version_ids() if version_ids is None else version_ids
    lead, co, via = defaultdict(set), defaultdict(set), defaultdict(set)
    rows = Assignment.objects.filter(task__version_id__in=version_ids).values_list("unit_id", "role", "parent_id", "task_id")
    for unit_id, role, parent_id, task_id in rows:
        (lead if role == AssignmentRole.LEAD else co)[unit_id].add(task_id)
        if parent_id:
            via[unit_id].add(task_id)
    units = set(lead) | set(co)
    return {u: {"lead": len(lead[u]), "co": len(co[u] - lead[u]), "via": len(via[u])} for u in units}


def unit_assignments(unit) -> list[Assignment]:
    """The unit's assignments in the current versions, each with ``is_lead`` and ``via`` (the collective it came
    through, as listed)."""
    rows = list(Assignment.objects.filter(unit=unit, task__version_id__in=current_version_ids())
                .select_related("task__version__plan", "task__group", "parent__unit")
                .order_by("task__version__plan__name", "task__kind", "task__number"))
    for a in rows:
        a.is_lead = a.role == AssignmentRole.LEAD
        a.via = (a.parent.listed_name or a.parent.unit.name) if a.parent_id else ""
    return rows
