"""Who may do what in the delivery loop. Pages, API, admin and CLI all ask ``allowed``/``check`` (or filter with
``visible_reports``), so the rules hold the same everywhere.

Principles: a unit never sees another unit's drafts; reviewers, the office and leaders see a report once its unit
head has sent it up; a reporter (联络员) never approves; nobody approves a revision they wrote.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from iccity.orgs.permissions import Actor

from .models import Acknowledgement, AckState, ExtensionRequest, Report, ReportState, WorkItem
from .models.work import DrivenTask


class Perm(StrEnum):
    VIEW_REPORT = "view_report"
    EDIT_REPORT = "edit_report"
    UNIT_APPROVE = "unit_approve"
    REVIEW = "review"
    COMMENT = "comment"
    ACKNOWLEDGE = "acknowledge"
    REROUTE = "reroute"
    MANAGE_WORK_ITEMS = "manage_work_items"
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    MANAGE_TASK_FORCES = "manage_task_forces"
    VIEW_OVERVIEW = "view_overview"


DENIED_MESSAGES = {
    Perm.VIEW_REPORT: "无权查看该报告",
    Perm.EDIT_REPORT: "只有本单位的联络员或负责人可以填报、修改本单位的报告",
    Perm.UNIT_APPROVE: "只有本单位负责人可以审核本单位的报告",
    Perm.REVIEW: "只有负责该任务的专班或领导小组办公室可以审核",
    Perm.COMMENT: "只有区领导、专班和办公室可以批示或评论",
    Perm.ACKNOWLEDGE: "只有本单位人员可以签收或退回本单位的任务",
    Perm.REROUTE: "只有领导小组办公室可以改派任务",
    Perm.MANAGE_WORK_ITEMS: "只有领导小组办公室或负责该任务的专班负责人可以分解事项",
    Perm.REQUEST_EXTENSION: "只有事项牵头单位可以申请延期",
    Perm.DECIDE_EXTENSION: "只有领导小组办公室或负责该任务的专班负责人可以审批延期",
    Perm.MANAGE_TASK_FORCES: "只有领导小组办公室可以管理专班",
    Perm.VIEW_OVERVIEW: "只有领导小组办公室、专班和区领导可以查看督办总览",
}


@dataclass(frozen=True)
class Scope:
    """An Actor plus the tasks its task forces drive (one query), the unit of every permission question."""

    actor: Actor
    review_task_ids: frozenset[int]
    lead_task_ids: frozenset[int]

    @classmethod
    def of(cls, actor: Actor) -> "Scope":
        review = frozenset()
        if actor.task_forces:
            review = frozenset(DrivenTask.objects.filter(task_force_id__in=actor.task_forces).values_list("task_id", flat=True))
        leads = frozenset()
        if actor.units:
            from iccity.plans.models import Assignment

            leads = frozenset(Assignment.objects.filter(unit_id__in=actor.units, role="lead").values_list("task_id", flat=True))
        return cls(actor=actor, review_task_ids=review, lead_task_ids=leads)

    @property
    def user(self):
        return self.actor.user

    def reviews(self, task_id: int) -> bool:
        return self.actor.office_admin or task_id in self.review_task_ids

    def drives(self, task_id: int) -> bool:
        """Office admin, or lead of a task force driving the task (members review, leads also decide)."""
        if self.actor.office_admin:
            return True
        if task_id not in self.review_task_ids:
            return False
        return DrivenTask.objects.filter(task_id=task_id, task_force_id__in=self.actor.leads_task_forces).exists()


def allowed(scope: Scope, perm: Perm, obj=None) -> bool:
    actor = scope.actor
    if actor.is_public:
        return False
    if perm == Perm.VIEW_REPORT:
        return _can_view_report(scope, obj)
    if perm == Perm.EDIT_REPORT:
        return obj.unit_id in actor.units and obj.is_editable
    if perm == Perm.UNIT_APPROVE:
        return obj.unit_id in actor.head_of and obj.state == ReportState.SUBMITTED
    if perm == Perm.REVIEW:
        return scope.reviews(obj.task_id) and obj.state == ReportState.UNIT_APPROVED
    if perm == Perm.COMMENT:
        return actor.leader or actor.office_admin or bool(scope.review_task_ids)
    if perm == Perm.ACKNOWLEDGE:
        assert isinstance(obj, Acknowledgement)
        return obj.assignment.unit_id in actor.units and obj.state == AckState.PENDING
    if perm == Perm.REROUTE:
        return actor.office_admin
    if perm == Perm.MANAGE_WORK_ITEMS:
        task_id = obj.task_id if isinstance(obj, WorkItem) else getattr(obj, "pk", None)  # a WorkItem or a Task
        return actor.office_admin if task_id is None else scope.drives(task_id)
    if perm == Perm.REQUEST_EXTENSION:
        assert isinstance(obj, WorkItem)
        return obj.lead_unit_id in actor.units
    if perm == Perm.DECIDE_EXTENSION:
        assert isinstance(obj, ExtensionRequest)
        return scope.drives(obj.work_item.task_id)
    if perm == Perm.MANAGE_TASK_FORCES:
        return actor.office_admin
    if perm == Perm.VIEW_OVERVIEW:
        return actor.reads_everything or bool(actor.task_forces)
    raise ValueError(f"unknown permission {perm}")


def check(scope: Scope, perm: Perm, obj=None) -> None:
    if not allowed(scope, perm, obj):
        raise PermissionDenied(DENIED_MESSAGES[perm])


def _can_view_report(scope: Scope, report: Report) -> bool:
    actor = scope.actor
    if report.unit_id in actor.units:
        return True
    if report.reached_review_at is None:
        return False  # still inside its unit: a draft or awaiting the unit head
    return actor.reads_everything or report.task_id in scope.review_task_ids or report.task_id in scope.lead_task_ids


def visible_reports(scope: Scope, queryset: QuerySet | None = None) -> QuerySet:
    """The reports a scope may see, as one query (lists never check report by report)."""
    qs = Report.objects.all() if queryset is None else queryset
    actor = scope.actor
    if actor.is_public:
        return qs.none()
    own = Q(unit_id__in=actor.units)
    if actor.reads_everything:
        return qs.filter(own | Q(reached_review_at__isnull=False))
    sent_up = Q(reached_review_at__isnull=False) & Q(task_id__in=scope.review_task_ids | scope.lead_task_ids)
    return qs.filter(own | sent_up)
