"""督办总览 for the office, leaders and task forces, and task-force management (office only).

The overview is built from grouped COUNT queries (one per measure), never from rows per report, so it costs the same
for one cycle of 20 reports or a year of thousands.
"""
from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iccity.core.policy import requires
from iccity.core import clock
from iccity.core.actions import ActionRefused
from iccity.core.web import back, flash_form_problems, flash_refusal
from iccity.orgs import actions as org_actions
from iccity.orgs.models import LeadingGroup, Person, Role, RoleAssignment, TaskForce, Unit
from iccity.plans.models import Task
from iccity.plans.queries import current_version_ids

from . import actions, figures
from .forms import DrivenTasksForm, MemberForm, OverviewFilterForm, TaskForceForm
from .models import ESCALATION_ORDER, Acknowledgement, AckState, DrivenTask, Notice, Report, ReportingCycle
from .permissions import DENIED_MESSAGES, Perm, check
from .views_common import current_cycle, delivery_view

NONE_KEY = figures.NONE_KEY   # reports of tasks no task force drives are grouped under 0 (“未分配专班”)
SORT_KEYS = {"overdue": "overdue", "returned": "returned", "unack": "unack", "escalated": "escalated"}


def _counts(queryset, key: str, **annotations) -> dict:
    return {row[key] or NONE_KEY: row for row in queryset.values(key).annotate(**annotations).order_by()}


def _measures(cycle: ReportingCycle, today, *, task_force: str, unit: str, key_report: str, key_ack: str,
              key_item: str, key_notice: str) -> dict:
    """Per key (unit or task force): the report and work-item figures (``delivery.figures``, the one definition every
    surface uses), acknowledgements and escalation notices."""
    reports = Report.objects.filter(cycle=cycle)
    acks = Acknowledgement.objects.filter(state=AckState.PENDING, assignment__task__version__plan_id=cycle.plan_id)
    items = figures.plan_items(cycle)
    notices = Notice.objects.filter(kind__in=ESCALATION_ORDER).filter(Q(cycle=cycle) | Q(cycle__isnull=True))
    if task_force:
        reports = reports.filter(task__driven_by__task_force_id=task_force)
        acks = acks.filter(assignment__task__driven_by__task_force_id=task_force)
        items = items.filter(task__driven_by__task_force_id=task_force)
        notices = notices.filter(task__driven_by__task_force_id=task_force)
    if unit:
        reports, acks = reports.filter(unit_id=unit), acks.filter(assignment__unit_id=unit)
        items, notices = items.filter(lead_unit_id=unit), notices.filter(unit_id=unit)
    report_rows = figures.report_counts(cycle, reports=reports, key=key_report, today=today)
    ack_rows = _counts(acks, key_ack, unack=Count("id", distinct=True),
                       late=Count("id", filter=Q(due_on__lt=today), distinct=True))
    item_rows = figures.item_counts(items, figures.item_day(cycle, today), key=key_item)
    escalations = defaultdict(lambda: defaultdict(int))
    for row in notices.values(key_notice, "kind").annotate(n=Count("id", distinct=True)).order_by():
        escalations[row[key_notice] or NONE_KEY][row["kind"]] = row["n"]
    out = {}
    for key in set(report_rows) | set(ack_rows) | set(item_rows) | set(escalations):
        r = report_rows.get(key, figures.ReportCounts())
        esc = escalations.get(key, {})
        out[key] = {
            "expected": r.expected, "submitted": r.submitted, "on_time": r.on_time, "accepted": r.accepted,
            "returned": r.returned, "waiting": r.waiting, "overdue": r.overdue,
            "unack": ack_rows.get(key, {}).get("unack", 0), "unack_late": ack_rows.get(key, {}).get("late", 0),
            "items_overdue": item_rows.get(key, figures.ItemCounts()).items_overdue,
            "urge": esc.get("urge", 0), "supervise": esc.get("supervise", 0), "red": esc.get("red", 0),
        }
        out[key]["escalated"] = out[key]["urge"] + out[key]["supervise"] + out[key]["red"]
    return out


def _sorted(rows: list[dict], sort: str) -> list[dict]:
    if sort in SORT_KEYS:
        return sorted(rows, key=lambda row: (-row[SORT_KEYS[sort]], row["order"], row["name"]))
    return sorted(rows, key=lambda row: (row["order"], row["name"]))


@delivery_view
@requires("delivery.view_overview")
def overview(request):
    scope = request.scope
    check(scope, Perm.VIEW_OVERVIEW)
    today = clock.today()
    cycles = list(ReportingCycle.objects.select_related("plan").order_by("-period_start", "-id"))
    task_forces = list(TaskForce.objects.order_by("sort_order", "name"))
    units = list(Unit.objects.filter(reports__isnull=False).distinct().values("pk", "name", "sort_order")
                 .order_by("sort_order", "name"))
    form = OverviewFilterForm(request.GET or None, cycles=cycles, task_forces=task_forces, units=units)
    chosen = form.value("cycle")
    cycle = next((c for c in cycles if str(c.pk) == chosen), None) or current_cycle(cycles, today)
    context = {"nav": "delivery_overview", "form": form, "cycle": cycle, "cycles": cycles, "today": today}
    if cycle is None:
        return render(request, "delivery/overview.html", context)
    task_force, unit, sort = form.value("task_force"), form.value("unit"), form.value("sort")
    by_unit = _measures(cycle, today, task_force=task_force, unit=unit, key_report="unit_id",
                        key_ack="assignment__unit_id", key_item="lead_unit_id", key_notice="unit_id")
    by_force = _measures(cycle, today, task_force=task_force, unit=unit, key_report="task__driven_by__task_force_id",
                         key_ack="assignment__task__driven_by__task_force_id",
                         key_item="task__driven_by__task_force_id", key_notice="task__driven_by__task_force_id")
    unit_names = {u["pk"]: u for u in units}
    missing = set(by_unit) - set(unit_names) - {NONE_KEY}
    if missing:  # units with only acknowledgements or work items (no report yet)
        unit_names.update({u["pk"]: u for u in Unit.objects.filter(pk__in=missing).values("pk", "name", "sort_order")})
    unit_rows = _sorted([{"pk": k, "name": unit_names[k]["name"], "order": unit_names[k]["sort_order"], **v}
                         for k, v in by_unit.items() if k in unit_names], sort)
    force_names = {t.pk: t for t in task_forces}
    force_rows = _sorted([{"pk": k, "name": force_names[k].name if k in force_names else _("未分配专班"),
                           "order": force_names[k].sort_order if k in force_names else 10**6, **v}
                          for k, v in by_force.items()], sort)
    totals = {key: sum(row[key] for row in unit_rows) for key in ("unack", "unack_late", "urge", "supervise", "red")}
    shown = figures.cycle_figures(cycle, today=today, task_force_id=task_force, unit_id=unit)
    context.update(unit_rows=unit_rows, force_rows=force_rows, totals=totals, sort=sort, figures=shown,
                   task_force=task_force, unit=unit, overdue_now=today > cycle.due_on)
    return render(request, "delivery/overview.html", context)


@delivery_view
def figures_help(request):
    """统计口径: every figure the platform, its documents and its ledger show, with its written definition."""
    check(request.scope, Perm.VIEW_OVERVIEW)
    return render(request, "delivery/figures_help.html", {"nav": "delivery_overview", "figures": figures.FIGURES})


# ---------------------------------------------------------------- task forces (office only)

def _current_tasks() -> list[Task]:
    version_ids = current_version_ids()
    return sorted(Task.objects.filter(version_id__in=version_ids), key=lambda t: (t.version_id, t.kind != "task", t.number))


@delivery_view
@requires("delivery.manage_task_forces")
def task_forces(request):
    check(request.scope, Perm.MANAGE_TASK_FORCES)
    forces = list(TaskForce.objects.select_related("host_unit")
                  .prefetch_related(Prefetch("role_assignments", queryset=RoleAssignment.objects
                                             .filter(role__in=[Role.TASK_FORCE_LEAD, Role.TASK_FORCE_MEMBER])
                                             .select_related("person__unit").order_by("role", "person__name")),
                                    Prefetch("driven_tasks", queryset=DrivenTask.objects.select_related("task")
                                             .order_by("task__kind", "task__number"))))
    tasks = _current_tasks()
    people = list(Person.objects.select_related("unit").order_by("unit__sort_order", "name"))
    for force in forces:
        force.member_form = MemberForm(prefix=f"tf{force.pk}")
        force.member_form.fields["person"].choices = [("", "—")] + [(p.pk, str(p)) for p in people]
        force.tasks_form = DrivenTasksForm(initial={"tasks": [d.task_id for d in force.driven_tasks.all()]},
                                           tasks=tasks, prefix=f"tf{force.pk}")
    create_form = TaskForceForm()
    return render(request, "delivery/task_forces.html", {"nav": "task_forces", "forces": forces, "create_form": create_form})


def _forces_url() -> str:
    return reverse("delivery:task_forces")


@require_POST
@delivery_view
def create_task_force(request):
    check(request.scope, Perm.MANAGE_TASK_FORCES)
    form = TaskForceForm(request.POST)
    if form.is_valid():
        try:
            force = org_actions.do_create_task_force(form.cleaned_data["name"], host_unit=form.cleaned_data["host_unit"],
                                                     leading_group=LeadingGroup.objects.order_by("pk").first(),
                                                     actor=request.user)
            messages.success(request, _("已创建专班“%(name)s”") % {"name": force.name})
        except ActionRefused as exc:
            flash_refusal(request, exc)
    else:
        flash_form_problems(request, form)
    return back(request, _forces_url())


@require_POST
@delivery_view
def set_member(request, pk):
    check(request.scope, Perm.MANAGE_TASK_FORCES)
    force = get_object_or_404(TaskForce, pk=pk)
    form = MemberForm(request.POST, prefix=f"tf{force.pk}")
    if form.is_valid():
        try:
            org_actions.do_set_task_force_member(force, form.cleaned_data["person"], form.cleaned_data["role"],
                                                 actor=request.user)
            messages.success(request, _("已设置 %(p)s 为%(r)s") % {"p": form.cleaned_data["person"].name,
                                                                "r": dict(Role.choices)[form.cleaned_data["role"]]})
        except ActionRefused as exc:
            flash_refusal(request, exc)
    else:
        flash_form_problems(request, form)
    return back(request, _forces_url() + f"#tf-{force.pk}")


@require_POST
@delivery_view
def remove_member(request, pk, person_pk):
    check(request.scope, Perm.MANAGE_TASK_FORCES)
    force = get_object_or_404(TaskForce, pk=pk)
    person = get_object_or_404(Person, pk=person_pk)
    try:
        org_actions.do_remove_task_force_member(force, person, actor=request.user)
        messages.success(request, _("已将 %(p)s 移出专班") % {"p": person.name})
    except ActionRefused as exc:
        flash_refusal(request, exc)
    return back(request, _forces_url() + f"#tf-{force.pk}")


@require_POST
@delivery_view
def set_tasks(request, pk):
    scope = request.scope
    if not scope.actor.office_admin:
        raise PermissionDenied(DENIED_MESSAGES[Perm.MANAGE_TASK_FORCES])
    force = get_object_or_404(TaskForce, pk=pk)
    form = DrivenTasksForm(request.POST, tasks=_current_tasks(), prefix=f"tf{force.pk}")
    if form.is_valid():
        try:
            actions.do_set_driven_tasks(force, list(form.cleaned_data["tasks"]), scope=scope)
            messages.success(request, _("已更新“%(name)s”负责的任务") % {"name": force.name})
        except ActionRefused as exc:
            flash_refusal(request, exc)
    else:
        flash_form_problems(request, form)
    return back(request, _forces_url() + f"#tf-{force.pk}")
