"""Reporting cycles, per-unit reports with frozen revisions, their transition log and evidence files."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iccity.core import clock, demo

from iccity.orgs.models import Unit
from iccity.plans.models import Plan, ReportCycle, Task

from .work import WorkItem


class ReportingCycle(models.Model):
    """One reporting period of a plan. Submissions are refused after ``closes_on``."""

    plan = models.ForeignKey(Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="reporting_cycles")
    cadence = models.CharField(_("周期"), max_length=20, choices=ReportCycle.choices)
    label = models.CharField(_("名称"), max_length=40, help_text=_("例如“2026年11月”“2026年第四季度”"))
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    due_on = models.DateField(_("报送截止"))
    closes_on = models.DateField(_("关闭日期"), help_text=_("此日之后不再接受报送"))
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("报告周期")
        verbose_name_plural = _("报告周期")
        ordering = ["plan", "-period_start"]
        constraints = [models.UniqueConstraint(fields=["plan", "period_start", "cadence"], name="delivery_cycle_unique")]

    def __str__(self) -> str:
        return self.label

    def is_open(self, today: dt.date) -> bool:
        return self.period_start <= today <= self.closes_on


class ReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交，待单位负责人审核")
    UNIT_APPROVED = "unit_approved", _("单位已审核，待专班/办公室审核")
    ACCEPTED = "accepted", _("已通过")
    RETURNED = "returned", _("已退回修改")


class Report(models.Model):
    """One unit's report on one task for one cycle. The lead unit's report consolidates the co-units' ones.

    Content lives in ``ReportRevision`` rows: a submitted revision is frozen; a returned report continues in a new
    revision, so every version is kept. ``lock_version`` makes concurrent reviews fail cleanly instead of both winning.
    """

    cycle = models.ForeignKey(ReportingCycle, verbose_name=_("报告周期"), on_delete=models.CASCADE, related_name="reports")
    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="reports")
    is_lead = models.BooleanField(_("牵头单位报告"), default=False)
    state = models.CharField(_("状态"), max_length=20, choices=ReportState.choices, default=ReportState.DRAFT, db_index=True)
    lock_version = models.PositiveIntegerField(_("版本锁"), default=0)
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    reached_review_at = models.DateTimeField(_("首次报送专班时间"), null=True, blank=True,
                                             help_text=_("单位负责人首次审核通过的时间；此后专班、办公室和区领导可见"))
    accepted_at = models.DateTimeField(_("通过时间"), null=True, blank=True)
    moved_at = models.DateTimeField(_("最近流转时间"), null=True, blank=True,
                                    help_text=_("最近一次提交、审核或退回的时间；审核队列按它把最新待办排在前面"))
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["cycle", "task__kind", "task__number", "-is_lead", "unit__sort_order"]
        constraints = [models.UniqueConstraint(fields=["cycle", "task", "unit"], name="delivery_report_unique")]
        # the review queue: one state (e.g. 单位已审核), newest move first
        indexes = [models.Index(fields=["state", "-moved_at"], name="delivery_report_queue")]

    def __str__(self) -> str:
        return f"{self.cycle} {self.task.key} {self.unit}"

    @property
    def is_editable(self) -> bool:
        return self.state in (ReportState.DRAFT, ReportState.RETURNED)


class ReportRevision(models.Model):
    report = models.ForeignKey(Report, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("版本"))
    narrative = models.TextField(_("工作进展"), blank=True)
    progress = models.PositiveSmallIntegerField(_("完成进度（%）"), null=True, blank=True)
    completed_items = models.ManyToManyField(WorkItem, verbose_name=_("本期完成事项"), blank=True, related_name="reported_in")
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下步打算"), blank=True)
    figures = models.JSONField(_("数据"), default=list, blank=True, help_text=_("[{名称, 数值, 单位}]"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, help_text=_("提交后本版本冻结"))

    class Meta:
        verbose_name = _("报告版本")
        verbose_name_plural = _("报告版本")
        ordering = ["report", "-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="delivery_revision_unique")]

    def __str__(self) -> str:
        return f"{self.report} 第{self.number}版"

    @property
    def is_frozen(self) -> bool:
        return self.submitted_at is not None


class ReportEvent(models.Model):
    """The transition log of a report (who moved it from which state to which, with what comment)."""

    report = models.ForeignKey(Report, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="events")
    revision = models.ForeignKey(ReportRevision, verbose_name=_("版本"), null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("动作"), max_length=30)
    from_state = models.CharField(_("原状态"), max_length=20, choices=ReportState.choices)
    to_state = models.CharField(_("新状态"), max_length=20, choices=ReportState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.TextField(_("意见"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=clock.now)

    class Meta:
        verbose_name = _("报告流转记录")
        verbose_name_plural = _("报告流转记录")
        ordering = ["report", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report} {self.action}"


class EvidenceFile(models.Model):
    """Stored content, addressed by its SHA-256; one file may back evidence in several revisions."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    media_type = models.CharField(_("检测类型"), max_length=100)
    extension = models.CharField(_("扩展名"), max_length=10)
    created_at = models.DateTimeField(_("上传时间"), default=clock.now)

    class Meta:
        verbose_name = _("佐证文件内容")
        verbose_name_plural = _("佐证文件内容")

    def __str__(self) -> str:
        return f"{self.sha256[:12]}.{self.extension}"

    @property
    def relative_path(self) -> str:
        return f"evidence/{self.sha256[:2]}/{self.sha256[2:4]}/{self.sha256}"


class Evidence(models.Model):
    revision = models.ForeignKey(ReportRevision, verbose_name=_("报告版本"), on_delete=models.CASCADE, related_name="evidence")
    file = models.ForeignKey(EvidenceFile, verbose_name=_("文件"), on_delete=models.PROTECT, related_name="uses")
    original_name = models.CharField(_("原文件名"), max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=clock.now)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["revision", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
