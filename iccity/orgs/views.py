"""Unit pages: the registry grouped by type, and one unit with the tasks it leads or co-operates on.

Counts use the current (latest) version of every plan; a unit reached through a collective (各镇人民政府和街道办事处)
counts as responsible for that task, shown with “经由 …”.
"""
from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, render

from . import unit_work
from iccity.core.policy import requires
from .forms import UnitFilterForm
from .models import Unit, UnitAlias, UnitType


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
    counts = unit_work.task_counts()
    by_type = defaultdict(list)
    for unit in units:
        unit.counts = counts.get(unit.pk, {"lead": 0, "co": 0, "via": 0})
        by_type[unit.unit_type].append(unit)
    sections = [(value, label, by_type[value]) for value, label in UnitType.choices if by_type.get(value)]
    total = sum(len(items) for _, _, items in sections)
    return render(request, "orgs/unit_list.html", {"nav": "units", "form": form, "sections": sections, "total": total})


def unit_detail(request, pk):
    unit = get_object_or_404(Unit.objects.prefetch_related("aliases", "manual_members"), pk=pk)
    assignments = unit_work.assignments(unit)
    plans = {}
    for a in assignments:
        version = a.task.version
        entry = plans.setdefault(version.pk, {"version": version, "plan": version.plan, "lead": [], "co": []})
        entry["lead" if a.is_lead else "co"].append(a)
    for entry in plans.values():
        # Tasks first, then guarantee measures, each by number.
        for key in ("lead", "co"):
            entry[key].sort(key=lambda a: (a.task.kind != "task", a.task.number))
    collectives = sorted({a.parent.unit for a in assignments if a.parent_id}, key=lambda u: (u.sort_order, u.name))
    members = unit.resolve_members() if unit.is_collective else []
    return render(request, "orgs/unit_detail.html", {
        "nav": "units", "unit": unit, "plans": list(plans.values()), "collectives": collectives, "members": members,
    })
