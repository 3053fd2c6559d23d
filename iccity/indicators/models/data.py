"""Observations with vintages. A release (an official publication, a vendor delivery, an ingestion run) carries its
date and status; a revision is a new observation in a later release, never an overwrite. Published growth rates are
stored as published, even when they differ from growth computed from levels (official figures get revised)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iccity.core import clock, demo

from .catalogue import Indicator


class ReleaseStatus(models.TextChoices):
    PRELIMINARY = "preliminary", _("初步")
    REVISED = "revised", _("修订")
    FINAL = "final", _("最终")


class Release(models.Model):
    title = models.CharField(_("发布名称"), max_length=300, help_text=_("例如“2023年西青区国民经济和社会发展统计公报”"))
    publisher = models.CharField(_("发布机构"), max_length=200)
    published_on = models.DateField(_("发布日期"))
    status = models.CharField(_("状态"), max_length=12, choices=ReleaseStatus.choices, default=ReleaseStatus.FINAL)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    confidence = models.CharField(_("可信度"), max_length=40, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("录入时间"), default=clock.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("数据发布（版次）")
        verbose_name_plural = _("数据发布（版次）")
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.published_on:%Y-%m-%d}）"


class Observation(models.Model):
    """One value of an indicator for a period, an area and an optional breakdown, as given by one release."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="observations")
    release = models.ForeignKey(Release, verbose_name=_("发布版次"), on_delete=models.PROTECT, related_name="observations")
    area = models.CharField(_("地区"), max_length=40, default="西青区", help_text=_("西青区；天津市为城市级参照序列"))
    period = models.CharField(_("期间"), max_length=10, help_text=_("2024、2024Q1、2024-03"))
    period_end = models.DateField(_("期间截止日"), help_text=_("由期间推算，用于排序和轨迹"))
    breakdown_kind = models.CharField(_("分组类型"), max_length=20, blank=True)
    breakdown_value = models.CharField(_("分组值"), max_length=100, blank=True)
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=4, null=True, blank=True)
    growth_rate = models.DecimalField(_("公布增速（%）"), max_digits=10, decimal_places=4, null=True, blank=True)
    is_cumulative = models.BooleanField(_("累计值"), default=False, help_text=_("年初至该期累计（1—N月）"))
    note = models.CharField(_("备注"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("观测值")
        verbose_name_plural = _("观测值")
        ordering = ["indicator", "area", "period_end", "breakdown_kind", "breakdown_value", "release__published_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "release", "area", "period", "breakdown_kind", "breakdown_value", "is_cumulative"],
                name="indicators_observation_unique"),
        ]
        indexes = [models.Index(fields=["indicator", "area", "period_end"])]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.area} {self.period} = {self.value}"
