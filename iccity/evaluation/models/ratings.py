"""Quarterly likelihood-of-delivery ratings (the delivery-unit method): the office's judgement, kept beside the
computed light of the same day. A new rating for the same task and quarter supersedes the earlier one; history stays."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iccity.core import clock, demo
from iccity.plans.models import Task


class RatingLevel(models.TextChoices):
    RED = "red", _("红（难以完成）")
    AMBER_RED = "amber_red", _("红黄（问题较多）")
    AMBER_GREEN = "amber_green", _("黄绿（基本可控）")
    GREEN = "green", _("绿（有望完成）")


class DeliveryRating(models.Model):
    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="delivery_ratings")
    quarter = models.CharField(_("季度"), max_length=7, help_text=_("如 2026Q4"), db_index=True)
    level = models.CharField(_("总体判断"), max_length=20, choices=RatingLevel.choices)
    # Judgement areas (EDI assessment framework), each on the same four-point scale.
    planning = models.CharField(_("计划质量"), max_length=20, choices=RatingLevel.choices)
    capacity = models.CharField(_("推进能力"), max_length=20, choices=RatingLevel.choices)
    stage = models.CharField(_("推进阶段"), max_length=20, choices=RatingLevel.choices)
    evidence = models.CharField(_("成效证据"), max_length=20, choices=RatingLevel.choices)
    reasoning = models.TextField(_("评定理由"))
    computed_colour = models.CharField(_("评定时系统灯色"), max_length=20, blank=True)
    computed_reasons = models.JSONField(_("评定时系统灯色理由"), default=list, blank=True)
    supersedes = models.OneToOneField("self", verbose_name=_("取代的评定"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="superseded_by")
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评定人"), null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    rated_at = models.DateTimeField(_("评定时间"), default=clock.now)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("完成可能性评定")
        verbose_name_plural = _("完成可能性评定")
        ordering = ["task__kind", "task__number", "-quarter", "-rated_at"]
        indexes = [models.Index(fields=["task", "quarter"])]

    def __str__(self) -> str:
        return f"{self.task.key} {self.quarter} {self.get_level_display()}"

    @property
    def is_current(self) -> bool:
        return not hasattr(self, "superseded_by") or self.superseded_by is None
