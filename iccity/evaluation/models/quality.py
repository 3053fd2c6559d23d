"""Report-quality flags: computed by ``evaluation.quality`` when a revision is submitted (and by the nightly job),
shown to reviewers with their reason; they never block submission."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from iccity.core import clock
from iccity.delivery.models import ReportRevision


class QualityFlagCode(models.TextChoices):
    EMPTY = "empty", _("内容空泛或为空")
    REPEATED = "repeated", _("与本单位上期报告重复")
    COPIED = "copied", _("与其他单位报告雷同")
    NO_FACTS = "no_facts", _("无具体事实（无数字、日期、地点或项目名称）")
    CONTRADICTS = "contradicts", _("数据与官方统计不符")


class QualityFlag(models.Model):
    revision = models.ForeignKey(ReportRevision, verbose_name=_("报告版本"), on_delete=models.CASCADE,
                                 related_name="quality_flags")
    code = models.CharField(_("问题类型"), max_length=20, choices=QualityFlagCode.choices)
    key = models.CharField(_("区分键"), max_length=100, blank=True,
                           help_text=_("同类多条时区分，如对照的报告或指标编号"))
    reason = models.TextField(_("理由"))
    detail = models.JSONField(_("依据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("检出时间"), default=clock.now)

    class Meta:
        verbose_name = _("报告质量提示")
        verbose_name_plural = _("报告质量提示")
        ordering = ["revision", "code", "key"]
        constraints = [models.UniqueConstraint(fields=["revision", "code", "key"], name="evaluation_flag_once")]

    def __str__(self) -> str:
        return f"{self.get_code_display()}：{self.reason[:40]}"
