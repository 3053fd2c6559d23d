"""Who drives what, the work items tasks are broken into, acknowledgement (签收/退回) and extensions (延期)."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iccity.core import clock, demo

from iccity.orgs.models import TaskForce, Unit
from iccity.plans.models import Assignment, Measure, Task


class DrivenTask(models.Model):
    """A task (or guarantee measure) a task force drives and reviews."""

    task_force = models.ForeignKey(TaskForce, verbose_name=_("专班"), on_delete=models.CASCADE, related_name="driven_tasks")
    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="driven_by")

    class Meta:
        verbose_name = _("专班负责任务")
        verbose_name_plural = _("专班负责任务")
        constraints = [models.UniqueConstraint(fields=["task_force", "task"], name="delivery_driven_task_unique")]

    def __str__(self) -> str:
        return f"{self.task_force} → {self.task}"


class WorkItemKind(models.TextChoices):
    MILESTONE = "milestone", _("节点任务")
    RECURRING = "recurring", _("常态任务（按周期）")
    ONGOING = "ongoing", _("持续推进")


class WorkItemState(models.TextChoices):
    PROPOSED = "proposed", _("待确认")
    ACTIVE = "active", _("推进中")
    DONE = "done", _("已办结")
    CANCELLED = "cancelled", _("已撤销")


class WorkItem(models.Model):
    """具体事项 under a task. Deadlines inherit from the parent item or the plan end; a child may only tighten them.

    ``baseline_deadline`` is the deadline first agreed; approved extensions move ``deadline`` only.
    """

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="work_items")
    parent = models.ForeignKey("self", verbose_name=_("上级事项"), null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    source_measure = models.ForeignKey(
        Measure, verbose_name=_("来源举措"), null=True, blank=True, on_delete=models.SET_NULL, related_name="work_items"
    )
    title = models.CharField(_("事项"), max_length=300)
    description = models.TextField(_("说明"), blank=True)
    deliverable = models.CharField(_("成果形式"), max_length=300, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=WorkItemKind.choices, default=WorkItemKind.MILESTONE)
    lead_unit = models.ForeignKey(Unit, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="led_work_items")
    co_units = models.ManyToManyField(Unit, verbose_name=_("配合单位"), blank=True, related_name="co_work_items")
    deadline = models.DateField(_("完成时限"))
    baseline_deadline = models.DateField(_("原定时限"), help_text=_("首次确定的时限；延期后保留，用于考核"))
    state = models.CharField(_("状态"), max_length=20, choices=WorkItemState.choices, default=WorkItemState.PROPOSED, db_index=True)
    completed_on = models.DateField(_("办结日期"), null=True, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("具体事项")
        verbose_name_plural = _("具体事项")
        ordering = ["task", "deadline", "id"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date) -> bool:
        return self.state == WorkItemState.ACTIVE and self.deadline < today

    @property
    def extended(self) -> bool:
        return self.deadline != self.baseline_deadline


class AckState(models.TextChoices):
    PENDING = "pending", _("待签收")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    RETURNED = "returned", _("已退回")
    REROUTED = "rerouted", _("已改派")


class Acknowledgement(models.Model):
    """签收 of one task–unit assignment. Late acknowledgement (领办逾期) is computed from ``due_on``."""

    assignment = models.OneToOneField(Assignment, verbose_name=_("责任分工"), on_delete=models.CASCADE, related_name="acknowledgement")
    state = models.CharField(_("状态"), max_length=20, choices=AckState.choices, default=AckState.PENDING, db_index=True)
    dispatched_on = models.DateField(_("交办日期"))
    due_on = models.DateField(_("签收时限"))
    acted_at = models.DateTimeField(_("签收/退回时间"), null=True, blank=True)
    acted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    return_reason = models.TextField(_("退回理由"), blank=True)
    rerouted_to = models.ForeignKey(Unit, verbose_name=_("改派至"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("签收")
        verbose_name_plural = _("签收")

    def __str__(self) -> str:
        return f"{self.assignment.unit} {self.get_state_display()} {self.assignment.task.key}"

    def is_late(self, today: dt.date) -> bool:
        if self.state == AckState.PENDING:
            return today > self.due_on
        return bool(self.acted_at) and timezone.localdate(self.acted_at) > self.due_on


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class ExtensionRequest(models.Model):
    work_item = models.ForeignKey(WorkItem, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), default=clock.now)
    current_deadline = models.DateField(_("申请时时限"))
    new_deadline = models.DateField(_("申请延至"))
    reason = models.TextField(_("理由"))
    state = models.CharField(_("状态"), max_length=20, choices=ExtensionState.choices, default=ExtensionState.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.work_item}：{self.current_deadline} → {self.new_deadline}"


class Comment(models.Model):
    """批示 or review comment on a task or report, by a leader or reviewer."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="comments")
    report = models.ForeignKey("delivery.Report", verbose_name=_("报告"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("批示人"), null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("内容"))
    is_instruction = models.BooleanField(_("领导批示"), default=False)
    created_at = models.DateTimeField(_("时间"), default=clock.now)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("批示与意见")
        verbose_name_plural = _("批示与意见")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:40]
