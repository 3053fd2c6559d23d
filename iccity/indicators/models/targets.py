"""Targets of an indicator: absolute levels, thresholds, relative to a stored baseline (with the vintage it came
from), average growth, tied to another series, ranges, shares. Targets found by the plan parser are proposed here
for the office to confirm."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from iccity.core import demo
from iccity.plans.models import Target as PlanTarget

from .catalogue import Indicator
from .data import Observation


class TargetKind(models.TextChoices):
    ABSOLUTE = "absolute", _("绝对值")
    THRESHOLD = "threshold", _("门槛（突破/超过）")
    RELATIVE = "relative", _("相对基期（如翻一番）")
    GROWTH = "growth", _("年均增速")
    SYNC = "sync", _("与另一序列同步")
    RANGE = "range", _("区间")
    SHARE = "share", _("比重/覆盖率")


class TargetStatus(models.TextChoices):
    DRAFT = "draft", _("草拟")
    ADOPTED = "adopted", _("已采用")


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="targets")
    area = models.CharField(_("地区"), max_length=40, default="西青区")
    kind = models.CharField(_("类型"), max_length=12, choices=TargetKind.choices)
    comparator = models.CharField(_("比较"), max_length=10, help_text=_(">=、>、<=、<、=、x（倍数）、between"))
    value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=4, null=True, blank=True)
    upper = models.DecimalField(_("上限"), max_digits=20, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=30, blank=True)
    year = models.PositiveIntegerField(_("目标年份"))
    baseline_year = models.PositiveIntegerField(_("基期年份"), null=True, blank=True)
    baseline_observation = models.ForeignKey(Observation, verbose_name=_("基期值（含版次）"), null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+",
                                             help_text=_("相对目标使用的基期数据及其发布版次"))
    reference_indicator = models.ForeignKey(Indicator, verbose_name=_("参照序列"), null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="referenced_by")
    source_document = models.CharField(_("出处文件"), max_length=300)
    source_clause = models.TextField(_("原文"), blank=True)
    plan_target = models.ForeignKey(PlanTarget, verbose_name=_("来自方案解析"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="indicator_targets")
    status = models.CharField(_("状态"), max_length=10, choices=TargetStatus.choices, default=TargetStatus.DRAFT)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("指标目标")
        verbose_name_plural = _("指标目标")
        ordering = ["indicator", "year"]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.year}年 {self.comparator} {self.value}{self.unit}"
