"""Task status lights. The colour is computed (``evaluation.lights``) from deadlines, 序时进度 and indicator
trajectories by the thresholds in the rule table; these rows only remember the last computed light so that a change
is logged once and can drive alerts."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from iccity.core import clock
from iccity.core.models import Rule
from iccity.plans.models import Task


class TaskLight(models.Model):
    """The most recent light computed for a task (one row per task; rewritten only when the light changes)."""

    task = models.OneToOneField(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="light")
    colour = models.CharField(_("灯色"), max_length=20, help_text=_("规则表中的灯色代码，如 green/yellow/red"))
    reasons = models.JSONField(_("判定理由"), default=list, help_text=_("[{code, text, colour}]：每条理由及其导致的灯色"))
    inputs = models.JSONField(_("判定依据数据"), default=dict, blank=True)
    rule = models.ForeignKey(Rule, verbose_name=_("所依规则版本"), null=True, on_delete=models.PROTECT, related_name="+")
    computed_on = models.DateField(_("判定日期"))
    changed_at = models.DateTimeField(_("最近变化时间"), default=clock.now)

    class Meta:
        verbose_name = _("任务灯色")
        verbose_name_plural = _("任务灯色")

    def __str__(self) -> str:
        return f"{self.task.key} {self.colour}"


class LightTransition(models.Model):
    """A change of a task's light (灯色变化日志); drives notifications and the overdue trend."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="light_transitions")
    from_colour = models.CharField(_("原灯色"), max_length=20, blank=True)
    to_colour = models.CharField(_("新灯色"), max_length=20)
    reasons = models.JSONField(_("判定理由"), default=list)
    rule = models.ForeignKey(Rule, verbose_name=_("所依规则版本"), null=True, on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("判定日期"))
    created_at = models.DateTimeField(_("记录时间"), default=clock.now)

    class Meta:
        verbose_name = _("灯色变化")
        verbose_name_plural = _("灯色变化日志")
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["task", "on"])]

    def __str__(self) -> str:
        return f"{self.task.key} {self.from_colour or '—'}→{self.to_colour}（{self.on:%Y-%m-%d}）"
