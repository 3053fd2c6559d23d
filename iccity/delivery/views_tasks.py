"""The task timeline (督办台账 of one task): work items and extensions, acknowledgements, reports per cycle and unit,
批示, notices and the audit trail of everything above. Management forms post to small views that call actions."""
from __future__ import annotations

from collections import OrderedDict, defaultdict

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iccity.core import clock, words
from iccity.core.actions import ActionRefused
from iccity.core.web import back, flash_form_problems, flash_refusal
from iccity.core.models import AuditEvent
from iccity.plans.models import Assignment, Task

from . import actions
from .forms import CommentForm, ExtensionDecisionForm, ExtensionForm, WorkItemEditForm, WorkItemForm
from .models import (
    Acknowledgement, Comment, ExtensionRequest, ExtensionState, Notice, Report, WorkItem, WorkItemState,
)
from .permissions import Perm, allowed, visible_reports
from .views_common import Countdown, delivery_view

HISTORY_LIMIT = 300


def task_units(task: Task) -> list:
    """Real units responsible for the task (collectives expanded), lead first."""
    rows = (Assignment.objects.filter(task=task).exclude(unit__unit_type="collective").select_related("unit")
            .order_by("-role", "position", "unit__sort_order"))
    seen, units = set(), []
    for a in rows:
        if a.unit_id not in seen:
            seen.add(a.unit_id)
            units.append(a.unit)
    return units


def _can_view_task(scope, task: Task) -> bool:
    actor = scope.actor
    if actor.is_public:
        return False
    if actor.reads_everything or task.pk in scope.review_task_ids:
        return True
    return bool(actor.units) and Assignment.objects.filter(task=task, unit_id__in=actor.units).exists()


def _ordered_tree(items: list[WorkItem]) -> list[WorkItem]:
    """Parents followed by their children (depth-first), each with ``depth`` for indentation."""
    children = defaultdict(list)
    ids = {i.pk for i in items}
    for item in items:
        children[item.parent_id if item.parent_id in ids else None].append(item)
    out = []

    def walk(parent_id, depth):
        for item in children.get(parent_id, []):
            item.depth = depth
            out.append(item)
            walk(item.pk, depth + 1)
    walk(None, 0)
    return out


def task_history(task: Task, *, report_ids, item_ids, ack_ids, extension_ids, comment_ids):
    """Audit events about the task and its delivery objects, oldest first (one query)."""
    cts = ContentType.objects.get_for_models(Task, Report, WorkItem, Acknowledgement, ExtensionRequest, Comment)
    q = Q(content_type=cts[Task], object_id=str(task.pk))
    for model, ids in ((Report, report_ids), (WorkItem, item_ids), (Acknowledgement, ack_ids),
                       (ExtensionRequest, extension_ids), (Comment, comment_ids)):
        if ids:
            q |= Q(content_type=cts[model], object_id__in=[str(pk) for pk in ids])
    newest = list(AuditEvent.objects.filter(q).select_related("actor").order_by("-created_at", "-id")[:HISTORY_LIMIT])
    return newest[::-1]


@delivery_view
def task_timeline(request, pk):
    scope = request.scope
    actor = scope.actor
    task = get_object_or_404(Task.objects.select_related("version__plan", "group"), pk=pk)
    if not _can_view_task(scope, task):
        raise PermissionDenied(_("只有该任务的责任单位、负责专班、领导小组办公室和区领导可以查看督办台账"))
    today = clock.today()
    countdown = Countdown(today)
    can_manage = allowed(scope, Perm.MANAGE_WORK_ITEMS, task)   # one query for a task-force lead, then reused

    items = list(WorkItem.objects.filter(task=task).select_related("lead_unit", "source_measure")
                 .prefetch_related("co_units", Prefetch("extensions", queryset=ExtensionRequest.objects
                                                        .select_related("requested_by", "decided_by").order_by("-requested_at")))
                 .order_by("deadline", "id"))
    for item in items:
        item.countdown = countdown.days(item.deadline) if item.state == WorkItemState.ACTIVE else None
        item.can_extend = item.state == WorkItemState.ACTIVE and item.lead_unit_id in actor.units
        item.pending_extension = next((e for e in item.extensions.all() if e.state == ExtensionState.PENDING), None)
        for ext in item.extensions.all():  # as allowed(DECIDE_EXTENSION), without a query each: nobody decides their own
            ext.can_decide = can_manage and ext.state == ExtensionState.PENDING and ext.requested_by_id != request.user.pk
        if can_manage and item.state in (WorkItemState.PROPOSED, WorkItemState.ACTIVE):
            item.edit_form = WorkItemEditForm(initial={"title": item.title, "deliverable": item.deliverable,
                                                       "deadline": item.deadline}, prefix=f"w{item.pk}")
    items = _ordered_tree(items)
    extension_ids = [e.pk for i in items for e in i.extensions.all()]

    acks = list(Acknowledgement.objects.filter(assignment__task=task)
                .select_related("assignment__unit", "acted_by", "rerouted_to").order_by("assignment__position", "id"))
    for ack in acks:
        ack.late = ack.is_late(today)

    reports = list(visible_reports(scope, Report.objects.filter(task=task)).select_related("cycle", "unit")
                   .order_by("-cycle__period_start", "-is_lead", "unit__sort_order"))
    cycles: OrderedDict = OrderedDict()
    for report in reports:
        cycles.setdefault(report.cycle, []).append(report)
    report_ids = [r.pk for r in reports]

    comments = list(Comment.objects.filter(task=task).filter(Q(report__isnull=True) | Q(report_id__in=report_ids))
                    .select_related("author", "report__unit", "report__cycle"))
    notices = Notice.objects.filter(task=task).select_related("unit")
    if not (actor.reads_everything or task.pk in scope.review_task_ids):
        notices = notices.filter(unit_id__in=actor.units)
    notices = list(notices[:100])

    units = task_units(task) if can_manage else []
    history = task_history(task, report_ids=report_ids, item_ids=[i.pk for i in items], ack_ids=[a.pk for a in acks],
                           extension_ids=extension_ids, comment_ids=[c.pk for c in comments])
    words.prime_people([e.actor for e in history] + [c.author for c in comments])  # names and units in one query
    return render(request, "delivery/task.html", {
        "nav": "task", "task": task, "plan": task.version.plan, "today": today, "items": items, "acks": acks,
        "cycles": list(cycles.items()), "comments": comments, "notices": notices, "history": history,
        "can_manage": can_manage, "can_decide": can_manage, "can_comment": allowed(scope, Perm.COMMENT, task),
        "has_measures": task.measures.exists() if can_manage else False,
        "item_form": WorkItemForm(units=units, items=items) if can_manage else None,
        "extension_form": ExtensionForm(), "decision_form": ExtensionDecisionForm(), "comment_form": CommentForm(),
        "export_query": f"task={task.pk}" if actor.office_admin else "",
    })


# ---------------------------------------------------------------- work items

def _task_url(task_id) -> str:
    return reverse("delivery:task", args=[task_id]) + "#work-items"


def _run(request, fn, success: str):
    try:
        fn()
        messages.success(request, success)
    except ActionRefused as exc:
        flash_refusal(request, exc)


@require_POST
@delivery_view
def propose_items(request, pk):
    task = get_object_or_404(Task, pk=pk)
    try:
        created = actions.do_propose_work_items(task, scope=request.scope)
        messages.success(request, _("已按具体举措生成 %(n)s 个待确认事项") % {"n": len(created)})
    except ActionRefused as exc:
        flash_refusal(request, exc)
    return back(request, _task_url(task.pk))


@require_POST
@delivery_view
def add_item(request, pk):
    task = get_object_or_404(Task, pk=pk)
    if not allowed(request.scope, Perm.MANAGE_WORK_ITEMS, task):
        raise PermissionDenied(_("只有领导小组办公室或负责该任务的专班负责人可以分解事项"))
    items = list(WorkItem.objects.filter(task=task))
    form = WorkItemForm(request.POST, units=task_units(task), items=items)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label if k in form.fields else ''}{e}"
                                         for k, errs in form.errors.items() for e in errs))
        return back(request, _task_url(task.pk))
    data = dict(form.cleaned_data)
    parent = data.pop("parent")
    data["lead_unit"] = data.pop("lead_unit")
    _run(request, lambda: actions.do_create_work_item(task, data, scope=request.scope, parent=parent),
         _("已新增事项“%(t)s”") % {"t": data["title"]})
    return back(request, _task_url(task.pk))


def _item(pk) -> WorkItem:
    return get_object_or_404(WorkItem.objects.select_related("task"), pk=pk)


@require_POST
@delivery_view
def edit_item(request, pk):
    """Accept a proposed item (optionally edited) or save edits; an agreed deadline only moves by extension."""
    item = _item(pk)
    form = WorkItemEditForm(request.POST, prefix=f"w{item.pk}")
    if not form.is_valid():
        flash_form_problems(request, form)
        return back(request, _task_url(item.task_id))
    changes = {"title": form.cleaned_data["title"], "deliverable": form.cleaned_data["deliverable"]}
    if form.cleaned_data["deadline"] and (item.state == WorkItemState.PROPOSED or form.cleaned_data["deadline"] != item.deadline):
        changes["deadline"] = form.cleaned_data["deadline"]
    if request.POST.get("action") == "accept":
        _run(request, lambda: actions.do_accept_work_item(item, scope=request.scope, changes=changes),
             _("已确认事项“%(t)s”，并通知责任单位") % {"t": changes["title"]})
    else:
        _run(request, lambda: actions.do_update_work_item(item, changes, scope=request.scope), _("已保存修改"))
    return back(request, _task_url(item.task_id))


@require_POST
@delivery_view
def complete_item(request, pk):
    item = _item(pk)
    _run(request, lambda: actions.do_complete_work_item(item, scope=request.scope), _("已办结“%(t)s”") % {"t": item.title})
    return back(request, _task_url(item.task_id))


@require_POST
@delivery_view
def decide_extension(request, pk):
    ext = get_object_or_404(ExtensionRequest.objects.select_related("work_item__task"), pk=pk)
    form = ExtensionDecisionForm(request.POST)
    form.is_valid()
    approve = request.POST.get("decision") == "approve"
    _run(request, lambda: actions.do_decide_extension(ext, approve, form.cleaned_data.get("note", ""), scope=request.scope),
         _("已批准延期") if approve else _("已驳回延期申请"))
    return back(request, _task_url(ext.work_item.task_id))


@require_POST
@delivery_view
def add_comment(request, pk):
    task = get_object_or_404(Task, pk=pk)
    form = CommentForm(request.POST)
    report = None
    if request.POST.get("report", "").isdigit():
        report = get_object_or_404(Report, pk=int(request.POST["report"]), task=task)
    if not form.is_valid():
        messages.error(request, _("内容不能为空"))
    else:
        _run(request, lambda: actions.do_add_comment(task, form.cleaned_data["text"], scope=request.scope, report=report),
             _("已添加批示/意见"))
    return back(request, reverse("delivery:task", args=[task.pk]) + "#comments")
