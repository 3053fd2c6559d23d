"""Notices: reminders (催报), escalation notices (催办单 → 督办单 → 红色督办) and workflow messages, with their
deliveries per channel. ``dedupe_key`` is unique, so a job run twice or in parallel creates each notice once."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iccity.core import clock, demo

from iccity.orgs.models import Person, Unit
from iccity.plans.models import Task

from .reports import Report, ReportingCycle
from .work import WorkItem


class NoticeKind(models.TextChoices):
    DUE_SOON = "due_soon", _("催报提醒")
    ACK_DUE = "ack_due", _("签收提醒")
    URGE = "urge", _("催办单")
    SUPERVISE = "supervise", _("督办单")
    RED = "red", _("红色督办")
    RETURNED = "returned", _("退回通知")
    INFO = "info", _("工作通知")


ESCALATION_ORDER = [NoticeKind.URGE, NoticeKind.SUPERVISE, NoticeKind.RED]


class Notice(models.Model):
    kind = models.CharField(_("类型"), max_length=20, choices=NoticeKind.choices, db_index=True)
    unit = models.ForeignKey(Unit, verbose_name=_("接收单位"), on_delete=models.CASCADE, related_name="notices")
    task = models.ForeignKey(Task, verbose_name=_("任务"), null=True, blank=True, on_delete=models.CASCADE, related_name="notices")
    cycle = models.ForeignKey(ReportingCycle, verbose_name=_("报告周期"), null=True, blank=True, on_delete=models.CASCADE, related_name="notices")
    work_item = models.ForeignKey(WorkItem, verbose_name=_("事项"), null=True, blank=True, on_delete=models.CASCADE, related_name="notices")
    report = models.ForeignKey(Report, verbose_name=_("报告"), null=True, blank=True, on_delete=models.CASCADE, related_name="notices")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    # what the notice said when it was issued (unit name, listed items with their state then, date of issue), so a
    # reprint years later is the same document; empty for notices issued before it was kept (the body is read then)
    snapshot = models.JSONField(_("签发时内容"), default=dict, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("生成时间"), default=clock.now, db_index=True)
    read_by = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("已读"), blank=True, related_name="+")
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("通知与督办单")
        verbose_name_plural = _("通知与督办单")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Channel(models.Model):
    """Where notices go besides the in-app inbox: SMTP email, DingTalk or WeCom group robots."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        DINGTALK = "dingtalk", _("钉钉群机器人")
        WECOM = "wecom", _("企业微信群机器人")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    unit = models.ForeignKey(Unit, verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="channels", help_text=_("空表示全局（如领导小组办公室群）"))
    address = models.CharField(_("地址"), max_length=500, help_text=_("邮箱地址，或机器人 Webhook 地址"))
    secret = models.CharField(_("加签密钥"), max_length=200, blank=True, help_text=_("钉钉“加签”密钥"))
    # A personal channel (one person's mailbox or work-notification robot) follows that person's notice preferences;
    # unit and global channels are shared, so nobody's preference silences them.
    person = models.ForeignKey(Person, verbose_name=_("个人"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="notice_channels",
                               help_text=_("填写后为个人渠道：接收其所任职单位的通知，按本人的通知偏好即时发送、每日汇总或不发送"))
    kinds = models.JSONField(_("接收的通知类型"), default=list, blank=True, help_text=_("空表示全部"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name}"


class NoticeDelivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        DIGEST = "digest", _("待每日汇总")

    notice = models.ForeignKey(Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="deliveries")
    channel = models.ForeignKey(Channel, verbose_name=_("渠道"), on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    digest = models.ForeignKey("NoticeDigest", verbose_name=_("所属每日汇总"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="deliveries")

    class Meta:
        verbose_name = _("通知发送记录")
        verbose_name_plural = _("通知发送记录")
        constraints = [models.UniqueConstraint(fields=["notice", "channel"], name="delivery_notice_channel_unique")]

    def __str__(self) -> str:
        return f"{self.notice} → {self.channel}"


class NoticeChannel(models.TextChoices):
    """The ways a person can be told about a notice; in-app is the notification centre and the bell."""

    INAPP = "inapp", _("站内")
    EMAIL = "email", _("邮件")
    DINGTALK = "dingtalk", _("钉钉")
    WECOM = "wecom", _("企业微信")


class NoticeMode(models.TextChoices):
    IMMEDIATE = "immediate", _("即时")
    DIGEST = "digest", _("每日汇总")
    OFF = "off", _("关闭")


class NotificationPreference(models.Model):
    """How one person wants to hear about notices on one channel. No row means immediate (the behaviour before
    preferences existed)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="notice_preferences")
    channel = models.CharField(_("渠道"), max_length=20, choices=NoticeChannel.choices)
    mode = models.CharField(_("方式"), max_length=20, choices=NoticeMode.choices, default=NoticeMode.IMMEDIATE)
    updated_at = models.DateTimeField(_("修改时间"), default=clock.now)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")
        constraints = [models.UniqueConstraint(fields=["user", "channel"], name="delivery_notice_pref_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_channel_display()} · {self.get_mode_display()}"


class NoticeDigest(models.Model):
    """One daily digest: one person, one channel, one day. ``dedupe_key`` is unique, so the digest job run twice (or
    by two workers) sends each digest once."""

    class State(models.TextChoices):
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="notice_digests")
    channel_kind = models.CharField(_("渠道"), max_length=20, choices=NoticeChannel.choices)
    day = models.DateField(_("日期"))
    dedupe_key = models.CharField(_("去重键"), max_length=200, unique=True)
    notice_count = models.PositiveIntegerField(_("通知条数"), default=0)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.SENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("生成时间"), default=clock.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("每日通知汇总")
        verbose_name_plural = _("每日通知汇总")
        ordering = ["-day", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_channel_kind_display()} · {self.day}"
