"""Unit scoring. A run scores every unit for one period by the points rules in force at the period's end (a
``core.Rule`` version, stored on the run), so a score can always be reproduced; each point is a ``ScoreEntry`` that
names the event that caused it. Recomputing a period makes a new run and retires the old one (history kept)."""
from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from iccity.core import clock, demo
from iccity.core.models import Rule
from iccity.orgs.models import Unit


class ScoreRun(models.Model):
    period = models.CharField(_("考核期"), max_length=10, help_text=_("如 2026-11（月）或 2026Q4（季度）"), db_index=True)
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    rule = models.ForeignKey(Rule, verbose_name=_("计分规则版本"), on_delete=models.PROTECT, related_name="+")
    is_current = models.BooleanField(_("现行结果"), default=True)
    computed_at = models.DateTimeField(_("计算时间"), default=clock.now)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("计算人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("说明"), blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("考核计分批次")
        verbose_name_plural = _("考核计分批次")
        ordering = ["-period_end", "-computed_at"]
        constraints = [models.UniqueConstraint(fields=["period"], condition=models.Q(is_current=True),
                                               name="evaluation_one_current_run_per_period")]

    def __str__(self) -> str:
        return f"{self.period} 计分（规则 v{self.rule.version}）"


class UnitScore(models.Model):
    run = models.ForeignKey(ScoreRun, verbose_name=_("计分批次"), on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="scores")
    base = models.DecimalField(_("基础分"), max_digits=7, decimal_places=2)
    bonus = models.DecimalField(_("加分"), max_digits=7, decimal_places=2, default=0)
    deduction = models.DecimalField(_("扣分"), max_digits=7, decimal_places=2, default=0)
    total = models.DecimalField(_("得分"), max_digits=7, decimal_places=2)
    rank = models.PositiveIntegerField(_("名次"))
    previous_rank = models.PositiveIntegerField(_("上期名次"), null=True, blank=True)

    class Meta:
        verbose_name = _("单位得分")
        verbose_name_plural = _("单位得分")
        ordering = ["run", "rank", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="evaluation_unitscore_once_per_run")]

    def __str__(self) -> str:
        return f"{self.unit} {self.total}"

    @property
    def rank_change(self) -> int | None:
        """Positive when the unit moved up the table."""
        return None if self.previous_rank is None else self.previous_rank - self.rank


class ScoreEntry(models.Model):
    """One addition or deduction, with the rule row that gave it and the record that caused it."""

    run = models.ForeignKey(ScoreRun, verbose_name=_("计分批次"), on_delete=models.CASCADE, related_name="entries")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    event = models.CharField(_("计分事项"), max_length=40, help_text=_("规则表中的事项代码，如 missing_report"))
    role = models.CharField(_("责任角色"), max_length=10, blank=True, help_text=_("lead/co；与角色无关时为空"))
    points = models.DecimalField(_("分值"), max_digits=7, decimal_places=2)
    capped = models.BooleanField(_("已达封顶"), default=False, help_text=_("超出规则封顶，未计入总分"))
    description = models.CharField(_("说明"), max_length=300)
    source_type = models.ForeignKey(ContentType, verbose_name=_("来源类型"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    source_id = models.CharField(_("来源编号"), max_length=40, blank=True)
    occurred_on = models.DateField(_("发生日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("计分明细")
        verbose_name_plural = _("计分明细")
        ordering = ["run", "unit", "occurred_on", "id"]
        indexes = [models.Index(fields=["run", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.event} {self.points:+}"
