"""Unit pages: the registry grouped by type, and one unit with the tasks it leads or co-operates on.

Counts use the current (latest) version of every plan; a unit reached through a collective (各镇人民政府和街道办事处)
counts as responsible for that task, shown with “经由 …”.
"""
from __future__ import annotations

from collections import defaultdict

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404, render

from iccity.core.policy import requires
from iccity.plans.models import Assignment, AssignmentRole, Plan, PlanVersion

from .forms import UnitFilterForm
from .models import Unit, UnitAlias, UnitType


def current_version_ids() -> list[int]:
    """The latest version of each plan (one query)."""
    latest = PlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-number").values("pk")[:1]
    return [pk for pk in Plan.objects.annotate(current=Subquery(latest)).values_list("current", flat=True) if pk]


def unit_task_counts(version_ids) -> dict[int, dict[str, int]]:
    """unit id → number of tasks led, co-operated (a task counts once per unit, lead wins) and reached via a collective."""
    lead, co, via = defaultdict(set), defaultdict(set), defaultdict(set)
    rows = Assignment.objects.filter(task__version_id__in=version_ids).values_list("unit_id", "role", "parent_id", "task_id")
    for unit_id, role, parent_id, task_id in rows:
        (lead if role == AssignmentRole.LEAD else co)[unit_id].add(task_id)
        if parent_id:
            via[unit_id].add(task_id)
    units = set(lead) | set(co)
    return {u: {"lead": len(lead[u]), "co": len(co[u] - lead[u]), "via": len(via[u])} for u in units}


@requires("orgs.view_units")
def unit_list(request):
    form = UnitFilterForm(request.GET or None)
    units = Unit.objects.prefetch_related(Prefetch("aliases", queryset=UnitAlias.objects.order_by("alias")))
    if form.is_valid():
        q, unit_type = form.cleaned_data["q"].strip(), form.cleaned_data["unit_type"]
        if q:
            units = units.filter(Q(name__icontains=q) | Q(full_name__icontains=q) | Q(aliases__alias__icontains=q)).distinct()
        if unit_type:
            units = units.filter(unit_type=unit_type)
    counts = unit_task_counts(current_version_ids())
    by_type = defaultdict(list)
    for unit in units:
        unit.counts = counts.get(unit.pk, {"lead": 0, "co": 0, "via": 0})
        by_type[unit.unit_type].append(unit)
    sections = [(value, label, by_type[value]) for value, label in UnitType.choices if by_type.get(value)]
    total = sum(len(items) for _, _, items in sections)
    return render(request, "orgs/unit_list.html", {"nav": "units", "form": form, "sections": sections, "total": total})


def unit_detail(request, pk):
    unit = get_object_or_404(Unit.objects.prefetch_related("aliases", "manual_members"), pk=pk)
    version_ids = current_version_ids()
    assignments = (Assignment.objects.filter(unit=unit, task__version_id__in=version_ids)
                   .select_related("task__version__plan", "task__group", "parent__unit")
                   .order_by("task__version__plan__name", "task__kind", "task__number"))
    plans = {}
    for a in assignments:
        version = a.task.version
        entry = plans.setdefault(version.pk, {"version": version, "plan": version.plan, "lead": [], "co": []})
        a.via = (a.parent.listed_name or a.parent.unit.name) if a.parent_id else ""
        entry["lead" if a.role == AssignmentRole.LEAD else "co"].append(a)
    for entry in plans.values():
        # Tasks first, then guarantee measures, each by number.
        for key in ("lead", "co"):
            entry[key].sort(key=lambda a: (a.task.kind != "task", a.task.number))
    collectives = sorted({a.parent.unit for a in assignments if a.parent_id}, key=lambda u: (u.sort_order, u.name))
    members = unit.resolve_members() if unit.is_collective else []
    return render(request, "orgs/unit_detail.html", {
        "nav": "units", "unit": unit, "plans": list(plans.values()), "collectives": collectives, "members": members,
    })
