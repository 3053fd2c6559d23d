"""The indicator catalogue. Dimensions belong to a framework because documents disagree on them (the Xiqing plan
has five, the national framework usually adds 消费舒适度): an indicator may sit in different dimensions in
different frameworks."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from iccity.core import demo
from iccity.orgs.models import Unit
from iccity.plans.models import Task


class Framework(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    version = models.CharField(_("版本"), max_length=40, blank=True)
    source = models.CharField(_("来源"), max_length=500)

    class Meta:
        verbose_name = _("评价框架")
        verbose_name_plural = _("评价框架")

    def __str__(self) -> str:
        return self.name


class Dimension(models.Model):
    framework = models.ForeignKey(Framework, verbose_name=_("框架"), on_delete=models.CASCADE, related_name="dimensions")
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=60)
    aliases = models.JSONField(_("别名"), default=list, blank=True, help_text=_("其他文件中的写法，如“到达便利度”"))
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("评价维度")
        verbose_name_plural = _("评价维度")
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="indicators_dimension_unique")]

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class Frequency(models.TextChoices):
    ANNUAL = "annual", _("年度")
    QUARTERLY = "quarterly", _("季度")
    MONTHLY = "monthly", _("月度")


class Publication(models.TextChoices):
    PERIOD = "period", _("当期值")
    CUMULATIVE = "cumulative", _("年初至今累计（1—N月）")


class ValueKind(models.TextChoices):
    LEVEL = "level", _("总量/水平")
    RATE_ONLY = "rate_only", _("仅发布增速")
    SHARE = "share", _("比重/覆盖率")
    COUNT = "count", _("计数")
    SCORE = "score", _("评分")


class TrajectoryMethod(models.TextChoices):
    COMPOUND = "compound", _("复合增长（CAGR）")
    LINEAR = "linear", _("线性")


class Indicator(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    definition = models.TextField(_("定义与口径"))
    unit = models.CharField(_("计量单位"), max_length=30)
    direction = models.CharField(_("方向"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    frequency = models.CharField(_("频率"), max_length=10, choices=Frequency.choices, default=Frequency.ANNUAL)
    publication = models.CharField(_("发布方式"), max_length=12, choices=Publication.choices, default=Publication.PERIOD)
    value_kind = models.CharField(_("数值类型"), max_length=12, choices=ValueKind.choices, default=ValueKind.LEVEL)
    source_org = models.CharField(_("数据来源机构"), max_length=200)
    source_note = models.TextField(_("来源说明"), blank=True, help_text=_("出处、可信度、注意事项"))
    responsible_unit = models.ForeignKey(Unit, verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="indicators")
    dimensions = models.ManyToManyField(Dimension, verbose_name=_("所属维度"), through="IndicatorDimension", blank=True,
                                        related_name="indicators")
    tasks = models.ManyToManyField(Task, verbose_name=_("关联任务"), blank=True, related_name="indicators")
    breakdowns = models.JSONField(_("允许的分组"), default=list, blank=True, help_text=_("town 镇街、district 商圈、category 品类"))
    trajectory_method = models.CharField(_("轨迹方法"), max_length=10, choices=TrajectoryMethod.choices,
                                         default=TrajectoryMethod.COMPOUND)
    threshold_scale = models.DecimalField(_("无目标时阈值系数 C"), max_digits=8, decimal_places=3, default=1,
                                          help_text=_("Open SDG 无目标判定：≥1.5%·C 为正常"))
    plausible_min = models.DecimalField(_("合理下限"), max_digits=20, decimal_places=4, null=True, blank=True)
    plausible_max = models.DecimalField(_("合理上限"), max_digits=20, decimal_places=4, null=True, blank=True)
    published = models.BooleanField(_("公开发布"), default=False, help_text=_("公开页面只显示已发布指标"))
    limitations = models.TextField(_("局限与说明"), blank=True)
    series_breaks = models.JSONField(_("序列断点（年份）"), default=list, blank=True,
                                     help_text=_("如人口在2020年七普处断开：断点前后不衔接计算增速"))
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标目录")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class IndicatorDimension(models.Model):
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.CASCADE)
    dimension = models.ForeignKey(Dimension, verbose_name=_("维度"), on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("指标所属维度")
        verbose_name_plural = _("指标所属维度")
        constraints = [models.UniqueConstraint(fields=["indicator", "dimension"], name="indicators_membership_unique")]

    def __str__(self) -> str:
        return f"{self.indicator.name} ∈ {self.dimension.name}"
