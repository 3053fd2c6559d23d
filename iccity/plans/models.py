"""The plan as data: plan → versions → goals, groups, tasks (and guarantee measures) → measures, assignments, targets.

Each import creates a complete, immutable version; nothing of an earlier version is overwritten. Items keep a
stable ``key`` (T8, M3) so versions can be compared and later modules can follow a task across versions.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from iccity.core.textutil import chinese_counting  # the （一） headings Word renders
from iccity.orgs.models import Unit



class ReportCycle(models.TextChoices):
    MONTHLY = "monthly", _("按月")
    QUARTERLY = "quarterly", _("按季度")


class Plan(models.Model):
    slug = models.SlugField(_("标识"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=300)
    report_cycle = models.CharField(_("报告周期"), max_length=20, choices=ReportCycle.choices, default=ReportCycle.MONTHLY)
    starts_on = models.DateField(_("实施起始"), null=True, blank=True, help_text=_("取自标题中的年份区间，可修改"))
    ends_on = models.DateField(_("实施截止"), null=True, blank=True, help_text=_("事项时限默认继承此日期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("行动方案")
        verbose_name_plural = _("行动方案")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("plans:overview", args=[self.slug])

    @property
    def current_version(self) -> PlanVersion | None:
        return self.versions.order_by("-number").first()


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    title = models.CharField(_("标题"), max_length=300)
    issuer = models.CharField(_("发文机关"), max_length=200, blank=True)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    source_filename = models.CharField(_("源文件名"), max_length=255)
    source_format = models.CharField(_("源文件格式"), max_length=10)
    source_sha256 = models.CharField(_("源文件SHA-256"), max_length=64, db_index=True)
    parsed = models.JSONField(_("解析结果"), help_text=_("解析器的完整输出，供追溯"))
    warnings = models.JSONField(_("解析提示"), default=list, blank=True)
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("方案版本")
        verbose_name_plural = _("方案版本")
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.plan} 第{self.number}版"

    @property
    def is_baseline(self) -> bool:
        return self.number == 1


class Goal(models.Model):
    version = models.ForeignKey(PlanVersion, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="goals")
    year = models.PositiveIntegerField(_("目标年份"), null=True, blank=True)
    text = models.TextField(_("目标内容"))
    position = models.PositiveIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("工作目标")
        verbose_name_plural = _("工作目标")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return f"{self.year or ''}年目标" if self.year else self.text[:20]


class TaskGroup(models.Model):
    version = models.ForeignKey(PlanVersion, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveIntegerField(_("序号"))
    title = models.CharField(_("标题"), max_length=300)

    class Meta:
        verbose_name = _("任务板块")
        verbose_name_plural = _("任务板块")
        ordering = ["version", "number"]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="plans_group_unique_number")]

    def __str__(self) -> str:
        return f"（{chinese_counting(self.number)}）{self.title}"


class TaskKind(models.TextChoices):
    TASK = "task", _("重点任务")
    GUARANTEE = "guarantee", _("保障措施")


class Task(models.Model):
    version = models.ForeignKey(PlanVersion, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("类别"), max_length=20, choices=TaskKind.choices, default=TaskKind.TASK)
    key = models.CharField(_("编号"), max_length=10, help_text=_("T8 = 第8项重点任务，M3 = 保障措施（三）"))
    number = models.PositiveIntegerField(_("序号"))
    group = models.ForeignKey(TaskGroup, verbose_name=_("任务板块"), null=True, blank=True, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("标题"), max_length=300)
    text = models.TextField(_("全文"))
    source_line = models.PositiveIntegerField(_("起始行"), default=0)
    # A completion time written in the plan ("2024年底前", a 完成时限 column): proposed to the work items' deadlines.
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    deadline_text = models.CharField(_("时限原文"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务与保障措施")
        ordering = ["version", "kind", "number"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="plans_task_unique_key")]

    def __str__(self) -> str:
        return f"{self.label} {self.title}"

    @property
    def label(self) -> str:
        return f"{self.number}." if self.kind == TaskKind.TASK else f"（{chinese_counting(self.number)}）"

    def get_absolute_url(self) -> str:
        return reverse("plans:task", args=[self.version.plan.slug, self.key])

    def listed_assignments(self):
        """Assignments as the document lists them (collectives once, not their expansion)."""
        return [a for a in self.assignments.all() if a.parent_id is None]


class Measure(models.Model):
    """One sentence of a task's text (具体举措): the raw material for work items."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="measures")
    position = models.PositiveIntegerField(_("顺序"))
    text = models.TextField(_("内容"))

    class Meta:
        verbose_name = _("具体举措")
        verbose_name_plural = _("具体举措")
        ordering = ["task", "position"]

    def __str__(self) -> str:
        return self.text[:40]


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("牵头")
    CO = "co", _("配合")


class RoleSource(models.TextChoices):
    DEFAULT = "default", _("默认（首位为牵头）")
    EXPLICIT = "explicit", _("原文明确")
    OVERRIDE = "override", _("人工调整")
    EXPANDED = "expanded", _("由集合展开")


class Assignment(models.Model):
    """A unit responsible for a task. Collectives are kept as listed, plus one child row per member unit."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="assignments")
    listed_name = models.CharField(_("原文写法"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("列示顺序"))
    role = models.CharField(_("角色"), max_length=10, choices=AssignmentRole.choices)
    role_source = models.CharField(_("角色来源"), max_length=10, choices=RoleSource.choices, default=RoleSource.DEFAULT)
    parent = models.ForeignKey(
        "self", verbose_name=_("所属集合"), null=True, blank=True, on_delete=models.CASCADE, related_name="expanded"
    )

    class Meta:
        verbose_name = _("责任分工")
        verbose_name_plural = _("责任分工")
        ordering = ["task", "position", "parent_id", "unit__sort_order"]
        constraints = [models.UniqueConstraint(fields=["task", "unit", "parent"], name="plans_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.task.key} {self.unit}（{self.get_role_display()}）"


class TargetStatus(models.TextChoices):
    PROPOSED = "proposed", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("不采用")


class Target(models.Model):
    """A quantified commitment found in the text. Proposed here; the indicators module confirms and tracks it."""

    version = models.ForeignKey(PlanVersion, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="targets")
    task = models.ForeignKey(Task, verbose_name=_("任务"), null=True, blank=True, on_delete=models.CASCADE, related_name="targets")
    text = models.TextField(_("原文"))
    subject = models.CharField(_("对象"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20)
    comparator = models.CharField(_("比较"), max_length=10)
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=4, null=True, blank=True)
    upper = models.DecimalField(_("上限"), max_digits=20, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    year = models.PositiveIntegerField(_("目标年份"), null=True, blank=True)
    baseline_year = models.PositiveIntegerField(_("基期年份"), null=True, blank=True)
    reference = models.CharField(_("参照序列"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=TargetStatus.choices, default=TargetStatus.PROPOSED)

    class Meta:
        verbose_name = _("量化目标")
        verbose_name_plural = _("量化目标")
        ordering = ["version", "year", "id"]

    def __str__(self) -> str:
        return self.text[:60]



class Milestone(models.Model):
    """A phase the plan names ("2023年—2025年为全面推进阶段", "第一阶段：集中攻坚 … 2023年9月底前")."""

    version = models.ForeignKey(PlanVersion, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveIntegerField(_("顺序"))
    title = models.CharField(_("阶段"), max_length=100)
    starts_on = models.DateField(_("开始"), null=True, blank=True)
    due_on = models.DateField(_("截止"), null=True, blank=True)
    text = models.CharField(_("原文"), max_length=300, blank=True)
    source_line = models.PositiveIntegerField(_("起始行"), default=0)

    class Meta:
        verbose_name = _("阶段节点")
        verbose_name_plural = _("阶段节点")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.title


class ImportDraft(models.Model):
    """A parsed upload waiting for the office's review: items or assignments below the review threshold
    (``plans.review_threshold``). Corrections are applied to ``parsed`` and listed in ``corrections``; committing
    creates the version (with the corrections stored in its ``parsed``). Status is computed from the fields."""

    plan_slug = models.CharField(_("目标方案"), max_length=60, blank=True)
    source_filename = models.CharField(_("源文件名"), max_length=255)
    source_format = models.CharField(_("源文件格式"), max_length=10)
    source_sha256 = models.CharField(_("源文件SHA-256"), max_length=64)
    data = models.BinaryField(_("源文件"))
    source_lines = models.JSONField(_("源文本行"), default=list)
    parsed = models.JSONField(_("解析结果（含更正）"))
    corrections = models.JSONField(_("审核更正"), default=list, blank=True)
    threshold = models.FloatField(_("审核阈值"))
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    version = models.ForeignKey(PlanVersion, verbose_name=_("导入后的版本"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="drafts")
    discarded_at = models.DateTimeField(_("放弃时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待审核导入")
        verbose_name_plural = _("待审核导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_filename}（{self.get_status_display()}）"

    @property
    def status(self) -> str:
        return "committed" if self.version_id else ("discarded" if self.discarded_at else "pending")

    def get_status_display(self) -> str:
        return {"committed": "已导入", "discarded": "已放弃", "pending": "待审核"}[self.status]
