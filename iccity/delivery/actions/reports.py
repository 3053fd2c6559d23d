"""Reporting cycles and the report state machine:

draft → submitted → unit_approved → accepted
                 ↘ returned (by the unit head)  ↘ returned (by the task force / office) → (new revision) → submitted …

Each transition is a conditional UPDATE on (state, lock_version): of two people acting at once exactly one wins,
the other gets a ConflictError and nothing of theirs is written.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F

from iccity.core import clock, periods
from iccity.core.actions import ActionRefused, ConflictError, record_audit
from iccity.core.calendar import WorkdayCalendar
from iccity.core.timefmt import doc_date
from iccity.plans.models import Plan, ReportCycle, Task

from ..models import AckState, Acknowledgement, Comment, Evidence, Report, ReportEvent, ReportRevision, ReportState, ReportingCycle
from ..notify import create_notice
from ..permissions import DENIED_MESSAGES, Perm, Scope, check, wrote_latest_revision
from ..rules import REPORT_DUE, rule_value
from ..signals import report_submitted
from .dispatch import responsible_assignments

EDITABLE_FIELDS = ("narrative", "progress", "problems", "next_steps", "figures")


def cycle_period(cadence: str, day: dt.date) -> tuple[dt.date, dt.date, str]:
    """The period containing ``day`` and its Chinese label."""
    key = periods.key_of(day, periods.QUARTERLY if cadence == ReportCycle.QUARTERLY else periods.MONTHLY)
    start, end = periods.period_bounds(key)
    return start, end, periods.period_label(key)


@transaction.atomic
def do_open_cycle(plan: Plan, day: dt.date, *, scope: Scope | None = None, calendar: WorkdayCalendar | None = None) -> tuple[ReportingCycle, int]:
    """Open the plan's reporting cycle containing ``day`` and a draft report slot for every responsible unit of every
    task of the current version. Safe to run again (the job ``open-cycles`` does); returns the cycle and new reports."""
    if scope is not None:
        check(scope, Perm.MANAGE_TASK_FORCES)
    version = plan.current_version
    if version is None:
        raise ActionRefused("该方案尚未导入任何版本")
    calendar = calendar or WorkdayCalendar()
    start, end, label = cycle_period(plan.report_cycle, day)
    rule = rule_value(REPORT_DUE, end)
    due = calendar.add_workdays(end, rule["due_working_days_after_period"])
    closes = calendar.add_workdays(due, rule["close_working_days_after_due"])
    cycle, created = ReportingCycle.objects.get_or_create(
        plan=plan, cadence=plan.report_cycle, period_start=start,
        defaults={"label": label, "period_end": end, "due_on": due, "closes_on": closes},
    )
    excluded = set(Acknowledgement.objects.filter(
        assignment__task__version=version, state__in=[AckState.RETURNED, AckState.REROUTED]).values_list("assignment_id", flat=True))
    wanted: dict[tuple[int, int], bool] = {}
    for a in responsible_assignments(version):
        if a.pk in excluded:
            continue
        key = (a.task_id, a.unit_id)
        wanted[key] = wanted.get(key, False) or a.role == "lead"
    have = set(cycle.reports.values_list("task_id", "unit_id"))
    new = [Report(cycle=cycle, task_id=t, unit_id=u, is_lead=lead)
           for (t, u), lead in wanted.items() if (t, u) not in have]
    Report.objects.bulk_create(new)
    if created or new:
        record_audit(scope.user if scope else None, "delivery.cycle.opened", cycle,
                     after={"reports": len(new), "due_on": due.isoformat(), "closes_on": closes.isoformat()})
    return cycle, len(new)


def _lock(report: Report) -> Report:
    # lock the report row only, not the unit, task or cycle it joins (other reports of the unit stay free)
    return Report.objects.select_for_update(of=("self",)).select_related("cycle", "task", "unit").get(pk=report.pk)


def _guard(report: Report, scope: Scope, perm: Perm, expected: set[str]) -> None:
    """The one permission check of a report action, judged in three refusals: the role (PermissionDenied), the
    state (someone who may act finds the report already moved on: a conflict, as when two reviewers act at once),
    and authorship (nobody approves what they wrote). Together they are exactly the registered permission's rule,
    so nothing is asked twice."""
    if not _role_allows(scope, perm, report):
        raise PermissionDenied(DENIED_MESSAGES[perm])
    if report.state not in expected:
        raise ConflictError(_wrong_state_message(scope, perm, report))
    if perm in OWN_REVISION_MESSAGES and wrote_latest_revision(scope, report):
        raise ActionRefused(OWN_REVISION_MESSAGES[perm])


OWN_REVISION_MESSAGES = {
    Perm.UNIT_APPROVE: "不能审核自己填报的报告，请由本单位其他负责人审核",
    Perm.REVIEW: "不能审核自己填报的报告，请由专班其他成员或领导小组办公室审核",
}


def _role_allows(scope: Scope, perm: Perm, report: Report) -> bool:
    """The role part of the report permissions (their state part is ``expected``, their authorship part above)."""
    if scope.actor.is_public:
        return False
    if perm == Perm.EDIT_REPORT:
        return report.unit_id in scope.actor.units
    if perm == Perm.UNIT_APPROVE:
        return report.unit_id in scope.actor.head_of
    if perm == Perm.REVIEW:
        return scope.reviews(report.task_id)
    raise ValueError(f"{perm} is not a report transition permission")


def _wrong_state_message(scope: Scope, perm: Perm, report: Report) -> str:
    state = report.get_state_display()
    if perm == Perm.EDIT_REPORT:
        return f"报告已提交，当前状态为“{state}”，不能再修改或提交；如需修改，请由审核人退回"
    if perm == Perm.UNIT_APPROVE and report.state in (ReportState.DRAFT, ReportState.RETURNED):
        return f"报告尚未提交（当前状态为“{state}”），不能审核"
    if perm == Perm.REVIEW and report.reached_review_at is None:
        # Not sent up yet; the reviewer may not see it, so its state is not named either.
        return "报告尚未经单位负责人审核报送，不能审核"
    if perm == Perm.REVIEW and report.state == ReportState.SUBMITTED:
        return "报告修改后尚未经单位负责人审核报送，不能审核"
    return f"该报告已被他人处理，当前状态为“{state}”，请刷新后再看"


def _transition(report: Report, *, expected: set[str], to: str, lock_version: int | None, scope: Scope,
                action: str, comment: str = "", extra: dict | None = None) -> Report:
    """Move a report between states if nobody moved it first."""
    filters = {"pk": report.pk, "state__in": expected}
    if lock_version is not None:
        filters["lock_version"] = lock_version
    extra = {"moved_at": clock.now(), **(extra or {})}
    updated = Report.objects.filter(**filters).update(state=to, lock_version=F("lock_version") + 1, **extra)
    current = Report.objects.select_related("cycle", "task", "unit").get(pk=report.pk)
    if not updated:
        raise ConflictError(f"该报告已被他人处理，当前状态为“{current.get_state_display()}”，请刷新后再看")
    revision = current.revisions.order_by("-number").first()
    ReportEvent.objects.create(report=current, revision=revision, action=action, from_state=report.state, to_state=to,
                               actor=scope.user, comment=comment)
    record_audit(scope.user, f"delivery.report.{action}", current, before={"state": report.state},
                 after={"state": to, "revision": revision.number if revision else None}, note=comment)
    return current


def current_draft(report: Report, *, scope: Scope) -> ReportRevision:
    """The revision being edited: the latest if still unfrozen, else a new one carrying the last content forward."""
    latest = report.revisions.order_by("-number").first()
    if latest is not None and not latest.is_frozen:
        return latest
    revision = ReportRevision.objects.create(report=report, number=(latest.number + 1) if latest else 1, author=scope.user,
                                             **({f: getattr(latest, f) for f in EDITABLE_FIELDS} if latest else {}))
    if latest is not None:
        revision.completed_items.set(latest.completed_items.all())
        Evidence.objects.bulk_create([Evidence(revision=revision, file_id=e.file_id, original_name=e.original_name,
                                               uploaded_by_id=e.uploaded_by_id) for e in latest.evidence.all()])
    return revision


def _require_open(report: Report, today: dt.date) -> None:
    if today > report.cycle.closes_on:
        raise ActionRefused(f"{report.cycle.label}报告已于 {doc_date(report.cycle.closes_on)} 关闭，不能再修改或提交；"
                            "如确需补报，请联系领导小组办公室")


@transaction.atomic
def do_save_draft(report: Report, data: dict, *, scope: Scope, lock_version: int | None = None) -> ReportRevision:
    report = _lock(report)
    _guard(report, scope, Perm.EDIT_REPORT, {ReportState.DRAFT, ReportState.RETURNED})
    _require_open(report, clock.today())
    if lock_version is not None and lock_version != report.lock_version:
        raise ConflictError("报告在您编辑期间已被他人修改或流转，请刷新后重新填写")
    progress = data.get("progress")
    if progress is not None and not 0 <= int(progress) <= 100:
        raise ActionRefused("完成进度应在 0 到 100 之间")
    revision = current_draft(report, scope=scope)
    before = {f: getattr(revision, f) for f in EDITABLE_FIELDS}
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(revision, field, data[field])
    revision.author = scope.user
    revision.save()
    if "completed_items" in data:
        items = list(data["completed_items"])
        if any(item.task_id != report.task_id for item in items):
            raise ActionRefused("只能勾选本任务下的事项")
        revision.completed_items.set(items)
    Report.objects.filter(pk=report.pk).update(lock_version=F("lock_version") + 1)
    record_audit(scope.user, "delivery.report.draft_saved", report, before=before,
                 after={f: getattr(revision, f) for f in EDITABLE_FIELDS}, note=f"第{revision.number}版草稿")
    return revision


@transaction.atomic
def do_submit_report(report: Report, *, scope: Scope, lock_version: int | None = None) -> Report:
    report = _lock(report)
    _guard(report, scope, Perm.EDIT_REPORT, {ReportState.DRAFT, ReportState.RETURNED})
    _require_open(report, clock.today())
    revision = report.revisions.order_by("-number").first()
    if revision is None or revision.is_frozen:
        raise ActionRefused("请先填写报告内容再提交")
    if not revision.narrative.strip():
        raise ActionRefused("“工作进展”不能为空")
    now = clock.now()
    ReportRevision.objects.filter(pk=revision.pk).update(submitted_at=now)
    transaction.on_commit(lambda: report_submitted.send(Report, report=report, revision=revision))
    extra = {} if report.first_submitted_at else {"first_submitted_at": now}
    return _transition(report, expected={ReportState.DRAFT, ReportState.RETURNED}, to=ReportState.SUBMITTED,
                       lock_version=lock_version, scope=scope, action="submitted", extra=extra)


@transaction.atomic
def do_unit_approve(report: Report, *, scope: Scope, lock_version: int | None = None, comment: str = "") -> Report:
    report = _lock(report)
    _guard(report, scope, Perm.UNIT_APPROVE, {ReportState.SUBMITTED})  # also refuses the revision's own author
    extra = {} if report.reached_review_at else {"reached_review_at": clock.now()}
    return _transition(report, expected={ReportState.SUBMITTED}, to=ReportState.UNIT_APPROVED,
                       lock_version=lock_version, scope=scope, action="unit_approved", comment=comment, extra=extra)


@transaction.atomic
def do_unit_return(report: Report, comment: str, *, scope: Scope, lock_version: int | None = None) -> Report:
    report = _lock(report)
    _guard(report, scope, Perm.UNIT_APPROVE, {ReportState.SUBMITTED})
    if not comment.strip():
        raise ActionRefused("退回必须填写修改意见")
    return _transition(report, expected={ReportState.SUBMITTED}, to=ReportState.RETURNED,
                       lock_version=lock_version, scope=scope, action="unit_returned", comment=comment)


@transaction.atomic
def do_review(report: Report, accept: bool, comment: str, *, scope: Scope, lock_version: int | None = None) -> Report:
    """The task force or the office accepts the report, or returns it with comments."""
    report = _lock(report)
    _guard(report, scope, Perm.REVIEW, {ReportState.UNIT_APPROVED})
    if not accept and not comment.strip():
        raise ActionRefused("退回必须填写修改意见")
    extra = {"accepted_at": clock.now()} if accept else {}
    report = _transition(report, expected={ReportState.UNIT_APPROVED}, to=ReportState.ACCEPTED if accept else ReportState.RETURNED,
                         lock_version=lock_version, scope=scope, action="accepted" if accept else "returned",
                         comment=comment, extra=extra)
    if not accept:
        revision = report.revisions.order_by("-number").first()
        create_notice(kind="returned", unit=report.unit, task=report.task, cycle=report.cycle, report=report,
                      title=f"报告被退回：{report.cycle.label} {report.task.key} {report.task.title}",
                      body=f"审核意见：{comment}\n请修改后重新提交。",
                      dedupe_key=f"report-{report.pk}-returned-{revision.number if revision else 0}")
    return report


@transaction.atomic
def do_add_comment(task: Task, text: str, *, scope: Scope, report: Report | None = None) -> Comment:
    """批示 by a leader, or a comment by a reviewer; leaders' comments are marked as instructions."""
    # The comment right is asked about the report or task itself (reviewers comment only on tasks their task force
    # drives, and only on reports they may see), and the report must belong to the task.
    if report is not None and report.task_id != task.pk:
        raise ActionRefused("报告不属于该任务")
    check(scope, Perm.COMMENT, report if report is not None else task)
    if not text.strip():
        raise ActionRefused("内容不能为空")
    comment = Comment.objects.create(task=task, report=report, author=scope.user, text=text.strip(),
                                     is_instruction=scope.actor.leader)
    record_audit(scope.user, "delivery.comment.added", comment, after={"task": task.key, "instruction": comment.is_instruction})
    return comment
