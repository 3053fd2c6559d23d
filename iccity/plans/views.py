"""Pages of a plan: overview, task detail (with role override), responsibility matrix, versions, diff and upload.

Every page reads one plan version (``?version=N``, default the latest). Pages build their data from a fixed number of
queries (assignments are prefetched once per page), so a bigger plan does not mean more queries.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iccity.core import words
from iccity.core.policy import may, requires
from iccity.core.actions import history_for
from iccity.core.models import AuditEvent
from iccity.core.public_cache import public_page
from iccity.orgs.models import UnitType

from .actions import XIQING_PLAN_SLUG, do_set_assignment_role, do_start_import
from .diff import diff_versions, previous_version
from .forms import MatrixFilterForm, PlanUploadForm, RoleOverrideForm

from .models import Assignment, AssignmentRole, ImportDraft, Plan, PlanVersion, Task, TaskKind
from .parsing import PlanParseError

CHART_TOP = 15


# ---------------------------------------------------------------- helpers

def _plan(slug: str) -> Plan:
    return get_object_or_404(Plan, slug=slug)


def _version(request, plan: Plan) -> PlanVersion:
    number = request.GET.get("version", "")
    if number.isdigit():
        return get_object_or_404(PlanVersion, plan=plan, number=int(number))
    version = plan.versions.order_by("-number").first()
    if version is None:
        raise Http404(_("该方案尚未导入任何版本"))
    return version


def _assignments_prefetch() -> Prefetch:
    return Prefetch("assignments", queryset=Assignment.objects.select_related("unit").order_by("position", "id"))


def attach_units(tasks):
    """From prefetched assignments: ``task.listed`` in document order, each with ``.members`` (expanded units)."""
    for task in tasks:
        rows = list(task.assignments.all())
        children = defaultdict(list)
        for a in rows:
            if a.parent_id:
                children[a.parent_id].append(a)
        task.listed = sorted((a for a in rows if a.parent_id is None), key=lambda a: a.position)
        for a in task.listed:
            a.members = sorted((c.unit for c in children[a.pk]), key=lambda u: (u.sort_order, u.name))
    return tasks


def _task_order(task: Task):
    # Tasks first, then guarantee measures (the model's alphabetical kind ordering would put measures first).
    return (task.kind != TaskKind.TASK, task.number)


def version_tasks(version: PlanVersion) -> list[Task]:
    tasks = version.tasks.select_related("group").prefetch_related(_assignments_prefetch())
    return sorted(attach_units(list(tasks)), key=_task_order)


def _versions_menu(plan: Plan):
    return list(plan.versions.order_by("-number").only("id", "plan_id", "number", "issued_on", "imported_at"))


def unit_chart(tasks: list[Task]) -> dict:
    """Tasks each unit leads / co-operates on, top units by total (collectives counted as listed)."""
    lead, co, units = Counter(), Counter(), {}
    for task in tasks:
        for a in task.listed:
            units[a.unit_id] = a.unit
            (lead if a.role == AssignmentRole.LEAD else co)[a.unit_id] += 1
    ranked = sorted(units, key=lambda pk: (-(lead[pk] + co[pk]), -lead[pk], units[pk].sort_order, units[pk].name))
    rows = [{"unit": units[pk], "lead": lead[pk], "co": co[pk], "total": lead[pk] + co[pk]} for pk in ranked[:CHART_TOP]]
    data = {"units": [r["unit"].name for r in rows], "lead": [r["lead"] for r in rows], "co": [r["co"] for r in rows],
            "labels": {"lead": _("牵头"), "co": _("配合")}}
    return {"rows": rows, "data": data}


# ---------------------------------------------------------------- home and overview

def home(request):
    """``/``: the current plan (Xiqing's if imported, else the newest); ``?to=matrix|versions`` for the nav links."""
    with_versions = Plan.objects.filter(versions__isnull=False)
    plan = with_versions.filter(slug=XIQING_PLAN_SLUG).first() or with_versions.order_by("-created_at", "-id").first()
    if plan is None:
        return render(request, "plans/no_plan.html", {"nav": "overview"})
    target = {"matrix": "plans:matrix", "versions": "plans:versions"}.get(request.GET.get("to", ""), "plans:overview")
    return redirect(reverse(target, args=[plan.slug]))


@requires("plans.view_plan")
@public_page(reads=("plans", "orgs"))
def overview(request, slug):
    plan = _plan(slug)
    version = _version(request, plan)
    tasks = version_tasks(version)
    groups = list(version.groups.all())
    by_group = defaultdict(list)
    for task in tasks:
        if task.kind == TaskKind.TASK:
            by_group[task.group_id].append(task)
    sections = [(g, by_group.pop(g.pk, [])) for g in groups]
    if by_group.get(None):
        sections.append((None, by_group.pop(None)))
    main_tasks = [t for t in tasks if t.kind == TaskKind.TASK]
    guarantees = [t for t in tasks if t.kind == TaskKind.GUARANTEE]
    counts = {
        "tasks": len(main_tasks),
        "guarantees": len(guarantees),
        "units": len({a.unit_id for t in tasks for a in t.listed}),
        # 分工 = units listed under the 21 tasks, as the document counts them (collectives once).
        "assignments": sum(len(t.listed) for t in main_tasks),
    }
    versions = _versions_menu(plan)
    return render(request, "plans/overview.html", {
        "nav": "overview", "plan": plan, "version": version, "is_latest": version.number == versions[0].number,
        "versions": versions, "goals": list(version.goals.all()), "milestones": list(version.milestones.all()), "sections": sections, "guarantees": guarantees,
        "counts": counts, "chart": unit_chart(main_tasks),
    })


# ---------------------------------------------------------------- task detail and role override

def _task_history(task: Task, assignment_ids):
    """Audit events about the task and its assignments, newest first (one query)."""
    assignment_ct = ContentType.objects.get_for_model(Assignment)
    events = list((history_for(task) | AuditEvent.objects.filter(
        content_type=assignment_ct, object_id__in=[str(pk) for pk in assignment_ids]
    )).select_related("actor").order_by("-created_at", "-id")[:50])
    words.prime_people(e.actor for e in events)  # names and units of everyone listed, in one query
    return events


def _neighbours(version: PlanVersion, task: Task):
    items = sorted(version.tasks.only("id", "version_id", "key", "kind", "number", "title"), key=_task_order)
    index = next(i for i, t in enumerate(items) if t.pk == task.pk)
    return (items[index - 1] if index > 0 else None), (items[index + 1] if index + 1 < len(items) else None)


def task_detail(request, slug, key):
    plan = _plan(slug)
    version = _version(request, plan)
    task = get_object_or_404(
        version.tasks.select_related("group").prefetch_related(_assignments_prefetch(), "measures", "targets"), key=key.upper()
    )
    attach_units([task])
    assignment_ids = [a.pk for a in task.assignments.all()]
    if request.htmx and request.GET.get("partial") == "history":
        return render(request, "plans/_history.html", {"history": _task_history(task, assignment_ids)})
    can_edit = may(request, "plans.import_plan")
    if can_edit:
        for a in task.listed:
            a.form = RoleOverrideForm(initial={"role": a.role}, prefix=f"a{a.pk}")
    previous, following = _neighbours(version, task)
    versions = _versions_menu(plan)
    return render(request, "plans/task_detail.html", {
        "nav": "overview", "plan": plan, "version": version, "task": task, "can_edit": can_edit,
        "is_latest": version.number == versions[0].number, "previous": previous, "following": following,
        "history": _task_history(task, assignment_ids),
    })


@require_POST
@requires("plans.import_plan")
def set_role(request, slug, key, pk):
    assignment = get_object_or_404(
        Assignment.objects.select_related("unit", "task__version__plan"),
        pk=pk, task__key=key.upper(), task__version__plan__slug=slug, parent__isnull=True,
    )
    task = assignment.task
    form = RoleOverrideForm(request.POST, prefix=f"a{assignment.pk}")
    saved = False
    if form.is_valid():
        try:
            assignment = do_set_assignment_role(assignment, form.cleaned_data["role"], actor=request.user,
                                                reason=form.cleaned_data["reason"])
            saved = True
        except ValueError as exc:
            form.add_error(None, str(exc))
    message = _("已将 %(unit)s 调整为%(role)s") % {"unit": assignment.unit.name, "role": assignment.get_role_display()}
    if not request.htmx:
        if saved:
            messages.success(request, message)
        else:
            messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        url = reverse("plans:task", args=[slug, task.key]) + f"?version={task.version.number}"
        return redirect(url)
    assignment = Assignment.objects.select_related("unit").get(pk=assignment.pk)
    assignment.members = [c.unit for c in assignment.expanded.select_related("unit").order_by("unit__sort_order")]
    assignment.form = RoleOverrideForm(initial={"role": assignment.role}, prefix=f"a{assignment.pk}") if saved else form
    response = render(request, "plans/_assignment_row.html", {
        "a": assignment, "task": task, "plan": task.version.plan, "version": task.version, "can_edit": True,
        "saved_message": message if saved else "",
    })
    if saved:
        response["HX-Trigger"] = "history-changed"   # the history panel reloads itself
    return response


# ---------------------------------------------------------------- responsibility matrix

def build_matrix(version: PlanVersion, *, group: str = "", unit_type: str = "", expand: bool = False) -> dict:
    """Rows = tasks (and guarantee measures), columns = units, cells 牵/配. Two queries whatever the plan size."""
    tasks = sorted(version.tasks.select_related("group"), key=_task_order)
    if group == "m":
        tasks = [t for t in tasks if t.kind == TaskKind.GUARANTEE]
    elif group.isdigit():
        tasks = [t for t in tasks if t.kind == TaskKind.TASK and t.group and t.group.number == int(group)]
    task_ids = {t.pk for t in tasks}
    cells: dict[tuple[int, int], dict] = {}
    units = {}
    rows = Assignment.objects.filter(task__version=version).select_related("unit", "parent__unit")
    for a in rows:
        if a.task_id not in task_ids:
            continue
        # Listed view: the document's names (collectives as one column). Expanded view: real units only.
        if expand and a.unit.is_collective:
            continue
        if not expand and a.parent_id:
            continue
        if unit_type and a.unit.unit_type != unit_type:
            continue
        via = a.parent.unit.name if a.parent_id else ""
        key = (a.task_id, a.unit_id)
        old = cells.get(key)
        # A direct listing beats one through a collective; a lead role beats co-operation.
        if old is None or (old["via"] and not via) or (bool(old["via"]) == bool(via) and a.role == AssignmentRole.LEAD):
            cells[key] = {"role": a.role, "via": via}
        units[a.unit_id] = a.unit
    columns = sorted(units.values(), key=lambda u: (u.is_collective, u.sort_order, u.name))
    col_totals = {u.pk: {"lead": 0, "co": 0} for u in columns}
    matrix_rows = []
    for task in tasks:
        row_cells, lead, co = [], 0, 0
        for unit in columns:
            cell = cells.get((task.pk, unit.pk))
            row_cells.append(cell)
            if cell:
                is_lead = cell["role"] == AssignmentRole.LEAD
                lead += is_lead
                co += not is_lead
                col_totals[unit.pk]["lead" if is_lead else "co"] += 1
        matrix_rows.append({"task": task, "cells": row_cells, "lead": lead, "co": co})
    return {"columns": [(u, col_totals[u.pk]) for u in columns], "rows": matrix_rows,
            "total_lead": sum(r["lead"] for r in matrix_rows), "total_co": sum(r["co"] for r in matrix_rows)}


@requires("plans.view_plan")
def matrix(request, slug):
    plan = _plan(slug)
    version = _version(request, plan)
    groups = list(version.groups.all())
    form = MatrixFilterForm(request.GET or None, groups=groups)
    group, unit_type, expand = form.value("group") or "", form.value("unit_type") or "", bool(form.value("expand"))
    context = {
        "nav": "matrix", "plan": plan, "version": version, "form": form, "groups": groups,
        "group": group, "unit_type": unit_type, "expand": expand,
        "unit_type_label": dict(UnitType.choices).get(unit_type, ""),
        "m": build_matrix(version, group=group, unit_type=unit_type, expand=expand),
    }
    if request.htmx and request.htmx.target == "matrix-table":
        return render(request, "plans/_matrix_table.html", context)
    return render(request, "plans/matrix.html", context)


# ---------------------------------------------------------------- versions, diff, upload

@requires("plans.view_plan")
def versions(request, slug):
    plan = _plan(slug)
    items = (plan.versions.select_related("imported_by")
             .annotate(task_count=Count("tasks", filter=Q(tasks__kind=TaskKind.TASK)))
             .order_by("-number"))
    return render(request, "plans/versions.html", {"nav": "versions", "plan": plan, "items": items,
                                                   "can_import": may(request, "plans.import_plan")})


def version_diff(request, slug, number):
    plan = _plan(slug)
    new = get_object_or_404(PlanVersion, plan=plan, number=number)
    against = request.GET.get("against", "")
    if against.isdigit():
        old = get_object_or_404(PlanVersion, plan=plan, number=int(against))
    else:
        old = previous_version(new)
    diff = diff_versions(old, new) if old is not None and old.pk != new.pk else None
    others = [v for v in plan.versions.order_by("-number").only("number", "plan_id") if v.number != new.number]
    return render(request, "plans/diff.html", {
        "nav": "versions", "plan": plan, "version": new, "old": old, "diff": diff, "others": others,
    })


@requires("plans.import_plan")
def import_plan(request, slug=None):
    plan = _plan(slug) if slug else None
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = do_start_import(upload.read(), upload.name, actor=request.user,
                                      plan_slug=plan.slug if plan else None, note=form.cleaned_data["note"])
        except PlanParseError as exc:
            form.add_error("file", _("无法导入：%(msg)s") % {"msg": str(exc)})
        else:
            if isinstance(outcome, ImportDraft):
                messages.warning(request, _("有条目的解析置信度低于审核阈值，请审核更正后再导入"))
                return redirect("plans:review", outcome.pk)
            return _after_import(request, outcome)
    pending = ImportDraft.objects.filter(version__isnull=True, discarded_at__isnull=True).only(
        "id", "source_filename", "created_at")[:20]
    return render(request, "plans/import.html", {"nav": "versions", "plan": plan, "form": form, "pending": pending})


def _after_import(request, outcome):
    plan, version = outcome.plan, outcome.version
    overview_url = reverse("plans:overview", args=[plan.slug])
    if not outcome.created:
        messages.info(request, _("内容与第%(n)s版相同，未创建新版本") % {"n": version.number})
        return redirect(overview_url)
    if outcome.created_units:
        messages.warning(request, _("新建了未核实的单位：%(names)s，请在管理后台核实") % {"names": "、".join(outcome.created_units)})
    if outcome.warnings:
        messages.warning(request, _("解析提示 %(n)s 条，请在版本列表中查看") % {"n": len(outcome.warnings)})
    if outcome.diff is None:
        messages.success(request, _("已导入基线版本（第%(n)s版）") % {"n": version.number})
        return redirect(overview_url)
    messages.success(request, _("已导入第%(n)s版：%(summary)s") % {"n": version.number, "summary": outcome.diff.summary()})
    return redirect(reverse("plans:diff", args=[plan.slug, version.number]))
