"""督办 API: my tasks, reports (filtered by visibility), report detail with revisions, and the loop's transitions.

Authentication is the Django session (the same login as the pages; POSTs need the CSRF token). Permissions are the
same functions the pages use. Errors come back as ``{"detail": "<中文说明>"}``: 403 not allowed, 404 not visible,
409 someone else acted first (stale ``lock_version``), 400 refused (e.g. an empty comment on a return).
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth
from pydantic import field_validator

from iccity.core import clock
from iccity.core.actions import ActionRefused, ConflictError
from iccity.core.schemas import Error
from iccity.core.words import person_display
from iccity.orgs.permissions import actor_for

from . import actions
from .inbox import bell_count
from .models import Acknowledgement, AckState, Evidence, Report, ReportRevision, ReportState, WorkItem
from .permissions import Scope, visible_reports

router = Router(tags=["督办"], auth=django_auth)


ERRORS = {400: Error, 403: Error, 404: Error, 409: Error}


class ReportOut(Schema):
    id: int
    cycle: str = Field(..., description="报告周期，如“2026年3月”")
    due_on: dt.date = Field(..., description="报送截止")
    task_key: str
    task_title: str
    unit: str = Field(..., description="报送单位")
    is_lead: bool = Field(..., description="牵头单位报告")
    state: str = Field(..., description="draft/submitted/unit_approved/accepted/returned")
    state_label: str
    lock_version: int = Field(..., description="提交、审核时回传，用于防止并发覆盖")
    url: str


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    media_type: str
    url: str


class FigureOut(Schema):
    name: str = ""
    value: str = ""
    unit: str = ""


class RevisionOut(Schema):
    number: int
    narrative: str
    progress: int | None
    problems: str
    next_steps: str
    figures: list[FigureOut]
    completed_items: list[int]
    evidence: list[EvidenceOut]
    author: str | None
    author_name: str | None = Field(None, description="填报人姓名（单位）")
    submitted_at: dt.datetime | None = Field(None, description="为空表示草稿")


class EventOut(Schema):
    action: str
    from_state: str
    to_state: str
    to_state_label: str = Field("", description="流转后的状态（中文）")
    actor: str | None
    actor_name: str | None = Field(None, description="操作人姓名（单位）")
    comment: str
    created_at: dt.datetime
    revision: int | None


class ReportDetailOut(ReportOut):
    revisions: list[RevisionOut]
    events: list[EventOut]


class AckOut(Schema):
    id: int
    task_key: str
    task_title: str
    unit: str
    due_on: dt.date
    late: bool


class MyTasksOut(Schema):
    acknowledgements: list[AckOut] = Field(..., description="待签收")
    to_write: list[ReportOut] = Field(..., description="开放周期内待填报（含被退回）")
    to_approve: list[ReportOut] = Field(..., description="待本人（单位负责人）审核")
    unread_notices: int = Field(..., description="未读通知数（与页头铃铛一致，按本人站内通知设置计）")


class FigureIn(Schema):
    name: str
    value: str
    unit: str = ""


class DraftIn(Schema):
    narrative: str | None = None
    progress: int | None = Field(None, ge=0, le=100)
    problems: str | None = None
    next_steps: str | None = None
    figures: list[FigureIn] | None = None
    completed_items: list[int] | None = None
    lock_version: int | None = None

    @field_validator("narrative", "progress", "problems", "next_steps", "figures", "completed_items", mode="before")
    @classmethod
    def _omit_rather_than_null(cls, value):
        # A field is left out to keep it; null would mean neither keep nor clear (it crashed the save): 422.
        if value is None:
            raise ValueError("不能为 null：不修改的字段请省略")
        return value


class LockIn(Schema):
    lock_version: int | None = None


class UnitDecisionIn(Schema):
    approve: bool
    comment: str = ""
    lock_version: int | None = None


class ReviewIn(Schema):
    accept: bool
    comment: str = ""
    lock_version: int | None = None


class ReturnIn(Schema):
    reason: str


class OkOut(Schema):
    state: str
    lock_version: int | None = None


@contextmanager
def refusals():
    """Actions' refusals as HTTP errors with the Chinese message as ``detail``."""
    try:
        yield
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "无权操作")
    except ConflictError as exc:
        raise HttpError(409, exc.message)
    except ActionRefused as exc:
        raise HttpError(400, exc.message)


def _scope(request) -> Scope:
    return Scope.of(actor_for(request))


def _report_out(r: Report) -> dict:
    return {"id": r.pk, "cycle": r.cycle.label, "due_on": r.cycle.due_on, "task_key": r.task.key,
            "task_title": r.task.title, "unit": r.unit.name, "is_lead": r.is_lead, "state": r.state,
            "state_label": r.get_state_display(), "lock_version": r.lock_version,
            "url": reverse("delivery:report", args=[r.pk])}


def _reports():
    return Report.objects.select_related("cycle", "task", "unit")


def _visible_report(scope: Scope, pk: int) -> Report:
    report = visible_reports(scope, _reports()).filter(pk=pk).first()
    if report is None:
        raise HttpError(404, "没有找到该报告，或您无权查看")
    return report


@router.get("/my", response=MyTasksOut, summary="我的任务")
def my_tasks(request):
    scope = _scope(request)
    units, today = scope.actor.units, clock.today()
    acks = (Acknowledgement.objects.filter(assignment__unit_id__in=units, state=AckState.PENDING)
            .select_related("assignment__task", "assignment__unit").order_by("due_on", "id"))
    to_write = (_reports().filter(unit_id__in=units, state__in=[ReportState.DRAFT, ReportState.RETURNED],
                                  cycle__period_start__lte=today, cycle__closes_on__gte=today)
                .order_by("cycle__due_on", "task__number"))
    to_approve = _reports().filter(unit_id__in=scope.actor.head_of, state=ReportState.SUBMITTED)
    unread = bell_count(request.user)  # the bell's count: follows the person's in-app preference (off / digest)
    return {
        "acknowledgements": [{"id": a.pk, "task_key": a.assignment.task.key, "task_title": a.assignment.task.title,
                              "unit": a.assignment.unit.name, "due_on": a.due_on, "late": a.is_late(today)} for a in acks],
        "to_write": [_report_out(r) for r in to_write],
        "to_approve": [_report_out(r) for r in to_approve],
        "unread_notices": unread,
    }


class ReportFilter(Schema):
    cycle: int | None = Field(None, description="报告周期编号")
    task: str | None = Field(None, description="任务编号，如 T1")
    unit: int | None = Field(None, description="单位编号")
    state: str | None = Field(None, description="状态")


@router.get("/reports", response=list[ReportOut], summary="报告列表（仅本人可见的）")
def list_reports(request, filters: Query[ReportFilter]):
    qs = visible_reports(_scope(request), _reports())
    if filters.cycle:
        qs = qs.filter(cycle_id=filters.cycle)
    if filters.task:
        qs = qs.filter(task__key=filters.task.upper())
    if filters.unit:
        qs = qs.filter(unit_id=filters.unit)
    if filters.state:
        qs = qs.filter(state=filters.state)
    return [_report_out(r) for r in qs.order_by("-cycle__period_start", "task__kind", "task__number", "-is_lead")[:1000]]


@router.get("/reports/{report_id}", response={200: ReportDetailOut, **ERRORS}, summary="报告详情（含各版本和流转记录）")
def report_detail(request, report_id: int):
    scope = _scope(request)
    report = _visible_report(scope, report_id)
    revisions = report.revisions.select_related("author").prefetch_related(
        "completed_items", Prefetch("evidence", queryset=Evidence.objects.select_related("file"))).order_by("number")
    if report.unit_id not in scope.actor.units:
        revisions = revisions.filter(submitted_at__isnull=False)
    out = _report_out(report)
    out["revisions"] = [_revision_out(r) for r in revisions]
    out["events"] = [{"action": e.action, "from_state": e.from_state, "to_state": e.to_state,
                      "to_state_label": e.get_to_state_display(),
                      "actor": e.actor.get_username() if e.actor else None,
                      "actor_name": person_display(e.actor) if e.actor else None, "comment": e.comment,
                      "created_at": e.created_at, "revision": e.revision.number if e.revision else None}
                     for e in report.events.select_related("actor", "revision")]
    return out


def _revision_out(r: ReportRevision) -> dict:
    return {"number": r.number, "narrative": r.narrative, "progress": r.progress, "problems": r.problems,
            "next_steps": r.next_steps, "figures": r.figures or [], "submitted_at": r.submitted_at,
            "completed_items": [i.pk for i in r.completed_items.all()],
            "author": r.author.get_username() if r.author else None,
            "author_name": person_display(r.author) if r.author else None,
            "evidence": [{"id": e.pk, "name": e.original_name, "size": e.file.size, "media_type": e.file.media_type,
                          "url": reverse("delivery:evidence", args=[e.pk])} for e in r.evidence.all()]}


def _done(report: Report) -> dict:
    report = Report.objects.get(pk=report.pk)
    return {"state": report.state, "lock_version": report.lock_version}


@router.post("/reports/{report_id}/draft", response={200: OkOut, **ERRORS}, summary="保存草稿")
def save_draft(request, report_id: int, payload: DraftIn):
    scope = _scope(request)
    report = _visible_report(scope, report_id)
    data = payload.dict(exclude_unset=True)
    lock = data.pop("lock_version", None)
    if "completed_items" in data:
        wanted = set(data["completed_items"])
        items = list(WorkItem.objects.filter(pk__in=wanted, task_id=report.task_id))
        if len(items) != len(wanted):
            raise HttpError(400, "只能勾选本任务下的事项")
        data["completed_items"] = items
    with refusals():
        actions.do_save_draft(report, data, scope=scope, lock_version=lock)
    return _done(report)


@router.post("/reports/{report_id}/submit", response={200: OkOut, **ERRORS}, summary="提交报告")
def submit(request, report_id: int, payload: LockIn):
    scope = _scope(request)
    report = _visible_report(scope, report_id)
    with refusals():
        actions.do_submit_report(report, scope=scope, lock_version=payload.lock_version)
    return _done(report)


@router.post("/reports/{report_id}/unit-decision", response={200: OkOut, **ERRORS}, summary="单位负责人审核通过或退回")
def unit_decision(request, report_id: int, payload: UnitDecisionIn):
    scope = _scope(request)
    report = _visible_report(scope, report_id)
    with refusals():
        if payload.approve:
            actions.do_unit_approve(report, scope=scope, lock_version=payload.lock_version, comment=payload.comment)
        else:
            actions.do_unit_return(report, payload.comment, scope=scope, lock_version=payload.lock_version)
    return _done(report)


@router.post("/reports/{report_id}/review", response={200: OkOut, **ERRORS}, summary="专班/办公室审核：通过或退回")
def review(request, report_id: int, payload: ReviewIn):
    scope = _scope(request)
    report = _visible_report(scope, report_id)
    with refusals():
        actions.do_review(report, payload.accept, payload.comment, scope=scope, lock_version=payload.lock_version)
    return _done(report)


def _ack(scope: Scope, ack_id: int) -> Acknowledgement:
    ack = (Acknowledgement.objects.select_related("assignment__task", "assignment__unit")
           .filter(pk=ack_id).first())
    if ack is None or (ack.assignment.unit_id not in scope.actor.units and not scope.actor.reads_everything):
        raise HttpError(404, "没有找到该交办任务")
    return ack


@router.post("/acknowledgements/{ack_id}/acknowledge", response={200: OkOut, **ERRORS}, summary="签收交办任务")
def acknowledge(request, ack_id: int):
    scope = _scope(request)
    ack = _ack(scope, ack_id)
    with refusals():
        ack = actions.do_acknowledge(ack, scope=scope)
    return {"state": ack.state}


@router.post("/acknowledgements/{ack_id}/return", response={200: OkOut, **ERRORS}, summary="退回交办任务（须说明理由）")
def return_assignment(request, ack_id: int, payload: ReturnIn):
    scope = _scope(request)
    ack = _ack(scope, ack_id)
    with refusals():
        ack = actions.do_return_assignment(ack, payload.reason, scope=scope)
    return {"state": ack.state}



# ---------------------------------------------------------------- figures (统计口径: delivery.figures)

class FigureValueOut(Schema):
    code: str = Field(..., description="指标代码，如 expected")
    name: str = Field(..., description="中文名称，如“应报”")
    value: int | str = Field(..., description="数值；比率为“76.2%”或“—”")
    unit: str
    definition: str = Field(..., description="统计口径")


class CycleFiguresOut(Schema):
    cycle_id: int
    cycle: str = Field(..., description="报告周期，如“2026年11月”")
    due_on: dt.date
    counted_on: dt.date = Field(..., description="统计日（北京时间）")
    items_on: dt.date = Field(..., description="具体事项的统计日：期末或今日")
    figures: list[FigureValueOut]


@router.get("/figures", response={200: CycleFiguresOut, **ERRORS}, summary="本期统计数字（与督办总览、月报、台账同一口径）")
def cycle_figures(request, cycle: int | None = None, task_force: int | None = None, unit: int | None = None):
    from . import figures
    from .models import ReportingCycle
    from .permissions import Perm, check
    from .views_common import current_cycle

    scope = _scope(request)
    try:
        check(scope, Perm.VIEW_OVERVIEW)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "无权查看统计") from exc
    cycles = list(ReportingCycle.objects.order_by("-period_start", "-id"))
    chosen = next((c for c in cycles if c.pk == cycle), None) if cycle else current_cycle(cycles, clock.today())
    if chosen is None:
        raise HttpError(404, "没有找到该报告周期")
    shown = figures.cycle_figures(chosen, task_force_id=task_force, unit_id=unit)
    return {"cycle_id": chosen.pk, "cycle": chosen.label, "due_on": chosen.due_on, "counted_on": shown.today,
            "items_on": shown.on, "figures": shown.rows()}
