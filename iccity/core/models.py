"""What every app shares: the audit trail and rule tables with effective dates."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import clock, demo
from .timefmt import screen_datetime


class AuditEvent(models.Model):
    """One recorded change (全程留痕). Written only by ``core.actions.record_audit`` inside the action's transaction."""

    created_at = models.DateTimeField(_("时间"), default=clock.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("操作人（记录时）"), max_length=150, blank=True, help_text=_("账号删除后仍可追溯"))
    action = models.CharField(_("动作"), max_length=80, db_index=True)
    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "created_at"]),
            # partial: makes "is there any demo data?" (asked on every page) an index probe
            models.Index(fields=["is_demo"], condition=Q(is_demo=True), name="core_audit_demo_idx"),
        ]

    def __str__(self) -> str:
        return f"{screen_datetime(self.created_at)} {self.actor_label or '系统'} {self.action} {self.object_repr}"


class RuleQuerySet(models.QuerySet):
    def in_force(self, key: str, on: dt.date | None = None) -> "Rule":
        """The rule version in force on ``on`` (today by default). Raises Rule.DoesNotExist with a clear message."""
        on = on or dt.date.today()
        rule = (
            self.filter(key=key, effective_from__lte=on)
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on))
            .order_by("-effective_from", "-version")
            .first()
        )
        if rule is None:
            raise Rule.DoesNotExist(f"规则“{key}”在 {on:%Y-%m-%d} 没有生效的版本")
        return rule


class Rule(models.Model):
    """A versioned rule (deadline, threshold, points…) whose value changes by law or policy, not by code.

    A rule is judged by the version in force on the relevant date (e.g. the receipt date of a case); old
    versions are kept so past decisions stay reproducible.
    """

    key = models.SlugField(_("规则键"), max_length=100)
    version = models.PositiveIntegerField(_("版本"), default=1)
    title = models.CharField(_("名称"), max_length=200)
    value = models.JSONField(_("取值"))
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True, help_text=_("不含当日；空表示仍有效"))
    source = models.CharField(_("依据/来源"), max_length=500, help_text=_("法规、文件或会议纪要；无出处的规则不应录入"))
    notes = models.TextField(_("备注"), blank=True)

    objects = RuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("规则")
        verbose_name_plural = _("规则表")
        ordering = ["key", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="core_rule_key_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}（{self.effective_from:%Y-%m-%d}起）"
from .models_calendar import HolidayOverride, HolidayYear  # noqa: E402,F401
