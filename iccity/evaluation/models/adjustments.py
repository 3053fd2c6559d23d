"""Points the office records by hand because no data shows them: a leader's 肯定性批示, a published experience
article, a report found untruthful. The row names the event (a rule row marked ``manual``) and the reason; the points
come from the rule version in force at the end of the period being scored, so a re-run gives the same total."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iccity.core import clock, demo
from iccity.delivery.models import Comment
from iccity.orgs.models import Unit


class ScoreAdjustment(models.Model):
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="score_adjustments")
    event = models.CharField(_("计分事项"), max_length=40, help_text=_("规则表中标为手工录入的事项，如 leader_commendation"))
    occurred_on = models.DateField(_("发生日期"), help_text=_("按此日期归入考核期"))
    reason = models.TextField(_("事由"))
    comment = models.ForeignKey(Comment, verbose_name=_("对应批示"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(_("录入时间"), default=clock.now)
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("撤销理由"), blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("手工计分事项")
        verbose_name_plural = _("手工计分事项")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["occurred_on"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.event} {self.occurred_on:%Y-%m-%d}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
