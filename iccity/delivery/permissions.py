"""Who may do what in the delivery loop: the rules behind the ``delivery.*`` permissions of the one contract
(``core.policy``; registered by ``delivery/policy.py``). ``allowed``/``check`` here are that contract asked with a
``Perm``; lists filter with ``visible_reports`` (``policy.restrict(qs, person, "delivery.view_report")``).

Principles: a unit never sees another unit's drafts; reviewers, the office and leaders see a report once its unit
head has sent it up; a reporter (联络员) never approves; nobody approves a revision they wrote.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q, QuerySet

from iccity.core import policy
from iccity.orgs.permissions import Actor
from iccity.plans.models import Task

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


SCOPE_KEY = "delivery.scope"


@dataclass(frozen=True)
class Scope:
    """An Actor plus the tasks its task forces drive (one query), the unit of every permission question."""

    actor: Actor
    review_task_ids: frozenset[int]
    lead_task_ids: frozenset[int]

    @classmethod
    def of(cls, actor: Actor) -> Scope:
        """Computed afresh (and remembered on the actor, so the policy's later questions in the same request or
        action reuse it)."""
        review = frozenset()
        if actor.task_forces:
            review = frozenset(DrivenTask.objects.filter(task_force_id__in=actor.task_forces).values_list("task_id", flat=True))
        leads = frozenset()
        if actor.units:
            from iccity.plans.models import Assignment

            leads = frozenset(Assignment.objects.filter(unit_id__in=actor.units, role="lead").values_list("task_id", flat=True))
        scope = cls(actor=actor, review_task_ids=review, lead_task_ids=leads)
        actor.cache[SCOPE_KEY] = scope
        return scope

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


def scope_for(person) -> Scope:
    """The delivery context of a person: a Scope passed as it is, else the one cached on the Actor (one query pair
    per request or action, however many questions are asked)."""
    if isinstance(person, Scope):
        return person
    actor = person if isinstance(person, Actor) else policy.person_for(person)
    return actor.cache.get(SCOPE_KEY) or Scope.of(actor)


def code(perm: Perm) -> str:
    return CODES[Perm(perm)]


def allowed(scope, perm: Perm, obj=None) -> bool:
    """``core.policy.may`` for a delivery permission (object kinds are checked there: a wrong kind is denied)."""
    return policy.may(scope, code(perm), obj)


def check(scope, perm: Perm, obj=None) -> None:
    policy.check(scope, code(perm), obj)


def rule(scope: Scope, perm: Perm, obj=None) -> bool:
    """The rule itself, judged from the roles and the object's state (the object is of the declared kind)."""
    actor = scope.actor
    if actor.is_public:
        return False
    if perm == Perm.VIEW_REPORT:
        return _can_view_report(scope, obj)
    if perm == Perm.EDIT_REPORT:
        return obj.unit_id in actor.units and obj.is_editable
    if perm == Perm.UNIT_APPROVE:
        # nobody approves a revision they wrote (the action refused it, but pages were told "allowed").
        return obj.unit_id in actor.head_of and obj.state == ReportState.SUBMITTED and not wrote_latest_revision(scope, obj)
    if perm == Perm.REVIEW:
        # also for reviewers (a unit's liaison can be a task-force member of the task force driving the task).
        return (scope.reviews(obj.task_id) and obj.state == ReportState.UNIT_APPROVED
                and not wrote_latest_revision(scope, obj))
    if perm == Perm.COMMENT:
        may_comment = actor.leader or actor.office_admin or bool(scope.review_task_ids)
        # with an object, reviewers comment only on tasks their task force drives, and on a report only when
        # they may see it (no comments on another unit's draft). Without an object: the general right, as before.
        if isinstance(obj, Report):
            return may_comment and _may_comment_task(scope, obj.task_id) and _can_view_report(scope, obj)
        if isinstance(obj, Task):
            return may_comment and _may_comment_task(scope, obj.pk)
        return may_comment
    if perm == Perm.ACKNOWLEDGE:
        return obj.assignment.unit_id in actor.units and obj.state == AckState.PENDING
    if perm == Perm.REROUTE:
        # asked about an acknowledgement, only a returned one can be re-routed (as ``do_reroute`` enforces).
        if isinstance(obj, Acknowledgement):
            return actor.office_admin and obj.state == AckState.RETURNED
        return actor.office_admin
    if perm == Perm.MANAGE_WORK_ITEMS:
        if obj is None:
            return actor.office_admin
        return scope.drives(obj.task_id if isinstance(obj, WorkItem) else obj.pk)  # a WorkItem or a Task
    if perm == Perm.REQUEST_EXTENSION:
        return obj.lead_unit_id in actor.units
    if perm == Perm.DECIDE_EXTENSION:
        # nobody decides their own extension request (a task-force lead may also work in the lead unit).
        own = scope.user is not None and obj.requested_by_id == scope.user.pk
        return scope.drives(obj.work_item.task_id) and not own
    if perm == Perm.MANAGE_TASK_FORCES:
        return actor.office_admin
    if perm == Perm.VIEW_OVERVIEW:
        return actor.reads_everything or bool(actor.task_forces)
    raise ValueError(f"unknown permission {perm}")


CODES = {perm: f"delivery.{perm.value}" for perm in Perm} | {Perm.REVIEW: "delivery.review_report"}
LABELS = {
    Perm.VIEW_REPORT: "查看报告", Perm.EDIT_REPORT: "填报报告", Perm.UNIT_APPROVE: "单位负责人审核",
    Perm.REVIEW: "专班/办公室审核报告", Perm.COMMENT: "批示和评论", Perm.ACKNOWLEDGE: "签收或退回任务",
    Perm.REROUTE: "改派任务", Perm.MANAGE_WORK_ITEMS: "分解具体事项", Perm.REQUEST_EXTENSION: "申请延期",
    Perm.DECIDE_EXTENSION: "审批延期", Perm.MANAGE_TASK_FORCES: "管理专班", Perm.VIEW_OVERVIEW: "查看督办总览",
}

# The object each object permission is about (``None`` allowed where the permission also has a general form).
OBJECT_KINDS = {
    Perm.VIEW_REPORT: Report,
    Perm.EDIT_REPORT: Report,
    Perm.UNIT_APPROVE: Report,
    Perm.REVIEW: Report,
    Perm.COMMENT: (Report, Task, type(None)),
    Perm.ACKNOWLEDGE: Acknowledgement,
    Perm.REROUTE: (Acknowledgement, type(None)),
    Perm.MANAGE_WORK_ITEMS: (WorkItem, Task, type(None)),
    Perm.REQUEST_EXTENSION: WorkItem,
    Perm.DECIDE_EXTENSION: ExtensionRequest,
}


def _may_comment_task(scope: Scope, task_id: int) -> bool:
    return scope.actor.leader or scope.reviews(task_id)


def with_latest_author(queryset: QuerySet) -> QuerySet:
    """Annotate reports with their latest revision's author, so lists can ask UNIT_APPROVE / REVIEW per report
    without a query each."""
    from django.db.models import OuterRef, Subquery

    from .models import ReportRevision

    latest = ReportRevision.objects.filter(report=OuterRef("pk")).order_by("-number").values("author_id")[:1]
    return queryset.annotate(latest_author_id=Subquery(latest))


def wrote_latest_revision(scope: Scope, report: Report) -> bool:
    """Whether the scope's user last edited the report's latest revision (and so may not approve it)."""
    if scope.user is None:
        return False
    if hasattr(report, "latest_author_id"):  # annotated by with_latest_author
        author_id = report.latest_author_id
    else:
        author_id = report.revisions.order_by("-number").values_list("author_id", flat=True).first()
    return author_id is not None and author_id == scope.user.pk


def _can_view_report(scope: Scope, report: Report) -> bool:
    actor = scope.actor
    if report.unit_id in actor.units:
        return True
    if report.reached_review_at is None:
        return False  # still inside its unit: a draft or awaiting the unit head
    return actor.reads_everything or report.task_id in scope.review_task_ids or report.task_id in scope.lead_task_ids


def visible_reports(scope, queryset: QuerySet | None = None) -> QuerySet:
    """The reports a scope may see, as one query (lists never check report by report)."""
    qs = Report.objects.all() if queryset is None else queryset
    scope = scope_for(scope)
    actor = scope.actor
    if actor.is_public:
        return qs.none()
    own = Q(unit_id__in=actor.units)
    if actor.reads_everything:
        return qs.filter(own | Q(reached_review_at__isnull=False))
    sent_up = Q(reached_review_at__isnull=False) & Q(task_id__in=scope.review_task_ids | scope.lead_task_ids)
    return qs.filter(own | sent_up)
