"""What every app shares: the audit trail and rule tables with effective dates."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
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
    # Hash chain (core.audit_chain): position, predecessor's hash, this row's hash. Empty on demo rows.
    seq = models.PositiveBigIntegerField(_("链序号"), null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(_("前序哈希"), max_length=64, blank=True, editable=False)
    row_hash = models.CharField(_("记录哈希"), max_length=64, blank=True, editable=False)

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

    def save(self, *args, **kwargs):
        # Append-only through the ORM; a row is written once, by core.audit_chain.append.
        if not self._state.adding:
            raise ValueError("操作记录只能追加，不能修改")
        super().save(*args, **kwargs)


class AuditChainHead(models.Model):
    """The last link of the audit hash chain (one row, pk=1). Appends lock it, so the chain never forks."""

    seq = models.PositiveBigIntegerField(default=0)
    row_hash = models.CharField(max_length=64, default="0" * 64)
    event_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")


class RuleQuerySet(models.QuerySet):
    def in_force(self, key: str, on: dt.date | None = None) -> Rule:
        """The rule version in force on ``on`` (core.clock's today by default). Raises Rule.DoesNotExist with a clear
        message. Code reads rules through ``core.rules.rule_value``, which applies the rule's missing-version policy."""
        from . import clock

        on = on or clock.today()
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

    # Keys are dotted by app ("delivery.ack_deadline"); a SlugField refused every one of them in the admin.
    key = models.CharField(_("规则键"), max_length=100, db_index=True, validators=[RegexValidator(
        r"^[a-z0-9][a-z0-9._-]*$", _("规则键只能包含小写字母、数字、点、下划线和连字符，如 delivery.ack_deadline"))])
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
from .models_auth import UserSecurity  # noqa: E402,F401
