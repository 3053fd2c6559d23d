"""Task forces' coverage, work items (具体事项) and extensions (延期)."""
from __future__ import annotations

import datetime as dt
import re

from django.db import transaction

from iccity.core import clock
from iccity.core.actions import ActionRefused, ConflictError, record_audit
from iccity.core.timefmt import doc_date
from iccity.orgs.models import TaskForce
from iccity.plans.models import Task

from ..models import DrivenTask, ExtensionRequest, ExtensionState, WorkItem, WorkItemKind, WorkItemState
from ..notify import NoticeSpec, create_notice, create_notices
from ..permissions import Perm, Scope, check

ITEM_FIELDS = ("title", "description", "deliverable", "kind", "deadline", "lead_unit_id")


def _snapshot(item: WorkItem) -> dict:
    data = {f: getattr(item, f) for f in ITEM_FIELDS + ("state", "baseline_deadline")}
    data = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}
    data["co_units"] = sorted(item.co_units.values_list("name", flat=True)) if item.pk else []
    return data


@transaction.atomic
def do_set_driven_tasks(task_force: TaskForce, tasks: list[Task], *, scope: Scope) -> None:
    check(scope, Perm.MANAGE_TASK_FORCES)
    before = sorted(task_force.driven_tasks.values_list("task__key", flat=True))
    task_force.driven_tasks.exclude(task__in=tasks).delete()
    existing = set(task_force.driven_tasks.values_list("task_id", flat=True))
    DrivenTask.objects.bulk_create([DrivenTask(task_force=task_force, task=t) for t in tasks if t.pk not in existing])
    record_audit(scope.user, "delivery.task_force.tasks_set", task_force, before=before,
                 after=sorted(t.key for t in tasks))


def default_deadline(task: Task, parent: WorkItem | None) -> dt.date:
    """Children inherit the parent's deadline; top-level items the plan's end (or the end of the current year)."""
    if parent is not None:
        return parent.deadline
    plan = task.version.plan
    return plan.ends_on or dt.date(clock.today().year, 12, 31)


def _check_deadline(task: Task, parent: WorkItem | None, deadline: dt.date) -> None:
    limit = default_deadline(task, parent)
    if deadline > limit:
        owner = f"上级事项“{parent.title}”" if parent else "方案实施期"
        raise ActionRefused(f"完成时限 {deadline:%Y-%m-%d} 晚于{owner}的时限 {limit:%Y-%m-%d}：下级事项只能提前，不能推后")


_RECURRING = re.compile(r"每年|每季|每月|定期|常态化|年度|季度")
_ONGOING = re.compile(r"持续|不断|长期|逐步|积极|加强|深化|完善")


def guess_kind(sentence: str) -> str:
    if _RECURRING.search(sentence):
        return WorkItemKind.RECURRING
    if _ONGOING.search(sentence):
        return WorkItemKind.ONGOING
    return WorkItemKind.MILESTONE


def proposed_title(sentence: str, limit: int = 40) -> str:
    """The first clause, short enough for a ledger row; the full sentence stays in the description."""
    first = re.split(r"[，,；;：:]", sentence, maxsplit=1)[0]
    text = first if len(first) >= 6 else sentence
    return text if len(text) <= limit else text[: limit - 1] + "…"


@transaction.atomic
def do_propose_work_items(task: Task, *, scope: Scope) -> list[WorkItem]:
    """Propose one work item per measure (sentence) of the task; the office then accepts or edits each.

    Safe to run again: measures that already have an item are skipped.
    """
    check(scope, Perm.MANAGE_WORK_ITEMS, task)
    listed = sorted((a for a in task.assignments.select_related("unit") if a.parent_id is None), key=lambda a: a.position)
    if not listed:
        raise ActionRefused("该任务没有责任单位，无法分解事项")
    lead = next((a.unit for a in listed if a.role == "lead"), listed[0].unit)
    # A collective (“各镇人民政府和街道办事处”) is not a unit anyone works in: its member units (the expanded
    # child rows) become the co-units, so notices reach real units.
    co_units = []
    for a in listed:
        members = [child.unit for child in a.expanded.select_related("unit")] if a.unit.is_collective else [a.unit]
        co_units += [u for u in members if u.pk != lead.pk and u not in co_units]
    done = set(task.work_items.exclude(source_measure=None).values_list("source_measure_id", flat=True))
    deadline = default_deadline(task, None)
    created = []
    for measure in task.measures.all():
        if measure.pk in done:
            continue
        item = WorkItem.objects.create(
            task=task, source_measure=measure, title=proposed_title(measure.text), description=measure.text,
            kind=guess_kind(measure.text), lead_unit=lead, deadline=deadline, baseline_deadline=deadline,
            state=WorkItemState.PROPOSED, created_by=scope.user if scope.user else None,
        )
        item.co_units.set(co_units)
        created.append(item)
    record_audit(scope.user, "delivery.work_items.proposed", task, after={"created": len(created)},
                 note=f"按具体举措拆分出 {len(created)} 个事项（待确认）")
    return created


@transaction.atomic
def do_create_work_item(task: Task, data: dict, *, scope: Scope, parent: WorkItem | None = None) -> WorkItem:
    check(scope, Perm.MANAGE_WORK_ITEMS, task)
    if parent is not None and parent.task_id != task.pk:
        raise ActionRefused("上级事项不属于该任务")
    data = dict(data)  # a copy: a form re-rendered after an error keeps its values
    co_units = list(data.pop("co_units", []))
    deadline = data.pop("deadline", None) or default_deadline(task, parent)
    _check_deadline(task, parent, deadline)
    item = WorkItem.objects.create(task=task, parent=parent, deadline=deadline, baseline_deadline=deadline,
                                   state=WorkItemState.ACTIVE, created_by=scope.user, **data)
    item.co_units.set(co_units)
    record_audit(scope.user, "delivery.work_item.created", item, after=_snapshot(item))
    _notify_item_units(item, "新交办事项")
    return item


def _notify_item_units(item: WorkItem, what: str) -> None:
    create_notices([NoticeSpec(
        kind="info", unit=unit, links={"task": item.task, "work_item": item}, title=f"{what}：{item.title}",
        body=(f"任务 {item.task.key}《{item.task.title}》{what}“{item.title}”，完成时限 {doc_date(item.deadline)}。"
              f"{'本单位牵头' if unit.pk == item.lead_unit_id else '本单位配合'}。"),
        dedupe_key=f"item-{item.pk}-{what}-{unit.pk}") for unit in [item.lead_unit, *item.co_units.all()]])


@transaction.atomic
def do_accept_work_item(item: WorkItem, *, scope: Scope, changes: dict | None = None) -> WorkItem:
    """The office confirms a proposed item (optionally edited); its deadline becomes the baseline."""
    check(scope, Perm.MANAGE_WORK_ITEMS, item)
    item = WorkItem.objects.select_for_update().get(pk=item.pk)
    if item.state != WorkItemState.PROPOSED:
        raise ConflictError(f"该事项当前状态为“{item.get_state_display()}”，不能重复确认")
    before = _snapshot(item)
    _apply(item, dict(changes or {}))  # a copy: ``_apply`` pops co_units
    item.baseline_deadline = item.deadline
    item.state = WorkItemState.ACTIVE
    item.save()
    record_audit(scope.user, "delivery.work_item.accepted", item, before=before, after=_snapshot(item))
    _notify_item_units(item, "新交办事项")
    return item


def _apply(item: WorkItem, changes: dict) -> None:
    co_units = changes.pop("co_units", None)
    for key, value in changes.items():
        if key not in ITEM_FIELDS:
            raise ActionRefused(f"不能修改字段 {key}")
        setattr(item, key, value)
    _check_deadline(item.task, item.parent, item.deadline)
    for child in item.children.all():
        if child.deadline > item.deadline:
            raise ActionRefused(f"下级事项“{child.title}”的时限 {child.deadline:%Y-%m-%d} 晚于新时限，请先调整下级事项")
    if co_units is not None:
        item.co_units.set(co_units)


@transaction.atomic
def do_update_work_item(item: WorkItem, changes: dict, *, scope: Scope) -> WorkItem:
    """Edit an item. The deadline of an item already agreed changes only through an approved extension."""
    check(scope, Perm.MANAGE_WORK_ITEMS, item)
    item = WorkItem.objects.select_for_update().get(pk=item.pk)
    if item.state in (WorkItemState.DONE, WorkItemState.CANCELLED):
        raise ActionRefused("已办结或已撤销的事项不能修改")
    if "deadline" in changes and item.state == WorkItemState.ACTIVE and changes["deadline"] != item.deadline:
        raise ActionRefused("已交办事项的时限只能通过延期申请调整（原定时限将保留为基准）")
    before = _snapshot(item)
    _apply(item, dict(changes))
    item.save()
    record_audit(scope.user, "delivery.work_item.updated", item, before=before, after=_snapshot(item))
    return item


@transaction.atomic
def do_complete_work_item(item: WorkItem, *, scope: Scope, completed_on: dt.date | None = None) -> WorkItem:
    check(scope, Perm.MANAGE_WORK_ITEMS, item)
    item = WorkItem.objects.select_for_update().get(pk=item.pk)
    if item.state != WorkItemState.ACTIVE:
        raise ConflictError(f"该事项当前状态为“{item.get_state_display()}”，不能办结")
    item.state = WorkItemState.DONE
    item.completed_on = completed_on or clock.today()
    item.save(update_fields=["state", "completed_on"])
    record_audit(scope.user, "delivery.work_item.completed", item, after={"completed_on": item.completed_on.isoformat()})
    return item


@transaction.atomic
def do_request_extension(item: WorkItem, new_deadline: dt.date, reason: str, *, scope: Scope) -> ExtensionRequest:
    check(scope, Perm.REQUEST_EXTENSION, item)
    item = WorkItem.objects.select_for_update().get(pk=item.pk)
    if item.state != WorkItemState.ACTIVE:
        raise ActionRefused("只有推进中的事项可以申请延期")
    if not reason.strip():
        raise ActionRefused("请说明延期理由")
    if new_deadline <= item.deadline:
        raise ActionRefused(f"申请延至的日期应晚于当前时限 {item.deadline:%Y-%m-%d}")
    _check_deadline(item.task, item.parent, new_deadline)
    if item.extensions.filter(state=ExtensionState.PENDING).exists():
        raise ActionRefused("该事项已有待审批的延期申请")
    request = ExtensionRequest.objects.create(work_item=item, requested_by=scope.user, current_deadline=item.deadline,
                                              new_deadline=new_deadline, reason=reason.strip())
    record_audit(scope.user, "delivery.extension.requested", request,
                 after={"from": item.deadline.isoformat(), "to": new_deadline.isoformat()}, note=reason)
    return request


@transaction.atomic
def do_decide_extension(request: ExtensionRequest, approve: bool, note: str, *, scope: Scope) -> ExtensionRequest:
    check(scope, Perm.DECIDE_EXTENSION, request)  # also refuses deciding one's own request
    item = WorkItem.objects.select_for_update().get(pk=request.work_item_id)
    # An item finished or cancelled since the request was made is not extended.
    if approve and item.state != WorkItemState.ACTIVE:
        raise ActionRefused(f"该事项当前状态为“{item.get_state_display()}”，不能延期")
    updated = ExtensionRequest.objects.filter(pk=request.pk, state=ExtensionState.PENDING).update(
        state=ExtensionState.APPROVED if approve else ExtensionState.REJECTED,
        decided_by=scope.user, decided_at=clock.now(), decision_note=note,
    )
    if not updated:
        raise ConflictError("该延期申请已被他人审批，请刷新后查看结果")
    request.refresh_from_db()
    if approve:
        before = item.deadline
        item.deadline = request.new_deadline
        item.save(update_fields=["deadline"])  # baseline_deadline stays: it is what scoring compares against
        record_audit(scope.user, "delivery.work_item.extended", item,
                     before={"deadline": before.isoformat()}, after={"deadline": item.deadline.isoformat(),
                                                                     "baseline_deadline": item.baseline_deadline.isoformat()})
    record_audit(scope.user, "delivery.extension.decided", request, after={"approved": approve}, note=note)
    create_notice(kind="info", unit=item.lead_unit, task=item.task, work_item=item,
                  title=f"延期申请{'已批准' if approve else '未批准'}：{item.title}",
                  body=f"申请延至 {doc_date(request.new_deadline)}，{'已批准' if approve else '未批准'}。{note}",
                  dedupe_key=f"extension-{request.pk}-decided")
    return request

