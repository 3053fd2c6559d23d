"""Consumer complaints (投诉, mediated) and reports (举报, investigated), under SAMR Order 121 (in force 2026-04-15).

States are the legal workflow's (see ``states.py`` for the allowed transitions); every step is a ``CaseEvent``; every
notice served is a ``CaseNotice`` with document type, number, channel and time. Deadlines are computed from the
``core.Rule`` versions in force on the receipt date and stored with the rule version used.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iccity.core import clock, demo
from iccity.core.fields import BlindIndexField, EncryptedTextField
from iccity.orgs.models import Unit


class CaseType(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")


class Category(models.Model):
    """The complaint category tree; also the Open311 service list."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey("self", verbose_name=_("上级类别"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    description = models.TextField(_("说明"), blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    default_unit = models.ForeignKey(Unit, verbose_name=_("默认承办单位"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    active = models.BooleanField(_("启用"), default=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("投诉类别")
        verbose_name_plural = _("投诉类别")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Route by the respondent's town / 商圈 and category to the responsible unit (first match by priority)."""

    priority = models.PositiveSmallIntegerField(_("优先级"), default=100, help_text=_("数字小者优先"))
    town = models.CharField(_("镇街"), max_length=40, blank=True, help_text=_("空表示任意"))
    business_district = models.CharField(_("商圈"), max_length=60, blank=True, help_text=_("空表示任意"))
    category = models.ForeignKey(Category, verbose_name=_("类别"), null=True, blank=True, on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("分派规则")
        verbose_name_plural = _("分派规则")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return f"{self.town or '任意镇街'}/{self.business_district or '任意商圈'}/{self.category or '任意类别'} → {self.unit}"


class CaseQuerySet(models.QuerySet):
    def with_phone(self, phone: str):
        """Exact search by the complainant's phone through its keyed hash (the column itself is encrypted)."""
        field = Case._meta.get_field("person_phone_index")
        digits = field.normalise(phone)
        return self.filter(person_phone_index=field.index_for(digits)) if digits else self.none()


class Case(models.Model):
    receipt_number = models.CharField(_("受理编号"), max_length=30, unique=True, help_text=_("群众凭此查询办理进度"))
    case_type = models.CharField(_("类型"), max_length=12, choices=CaseType.choices)
    state = models.CharField(_("状态"), max_length=30, db_index=True)
    linked_case = models.ForeignKey("self", verbose_name=_("关联案件"), null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", help_text=_("同一来件拆分出的投诉/举报，或合并到的案件"))
    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="cases")
    channel = models.CharField(_("来源渠道"), max_length=20, default="web",
                               help_text=_("web 网上、phone 电话、walk_in 窗口、open311 接口、12315 平台"))
    received_at = models.DateTimeField(_("收到时间"), db_index=True)
    # complainant (投诉人/举报人): personal data, visible only to the case's handlers
    anonymous = models.BooleanField(_("匿名举报"), default=False)
    # encrypted at rest (core.crypto; keys outside the database); the phone has a keyed hash for exact search
    person_name = EncryptedTextField(_("姓名"), blank=True)
    person_phone = EncryptedTextField(_("电话"), blank=True)
    person_phone_index = BlindIndexField(_("电话检索摘要"), source="person_phone", purpose="complaints.phone",
                                         normaliser="digits")
    person_id_type = models.CharField(_("证件类型"), max_length=20, blank=True)
    person_id_number = EncryptedTextField(_("证件号码"), blank=True)
    person_address = EncryptedTextField(_("地址"), blank=True)
    anonymised_at = models.DateTimeField(_("个人信息匿名化时间"), null=True, blank=True,
                                         help_text=_("超过保存期限的已办结案件，个人信息已删除"))
    consent_publish = models.BooleanField(_("同意公开"), default=False)
    consent_entrusted_mediation = models.BooleanField(_("同意委托调解"), default=False)
    # respondent (被投诉/举报经营者)
    respondent_name = models.CharField(_("经营者名称"), max_length=200)
    respondent_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    respondent_address = models.CharField(_("经营地址"), max_length=200, blank=True)
    respondent_phone = models.CharField(_("经营者电话"), max_length=30, blank=True)
    town = models.CharField(_("所在镇街"), max_length=40, blank=True)
    business_district = models.CharField(_("所在商圈"), max_length=60, blank=True)
    lat = models.DecimalField(_("纬度（WGS84）"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(_("经度（WGS84）"), max_digits=9, decimal_places=6, null=True, blank=True)
    media_url = models.URLField(_("图片/附件链接"), max_length=500, blank=True, help_text=_("Open311 media_url"))
    # facts
    occurred_on = models.DateField(_("发生日期"), null=True, blank=True)
    amount = models.DecimalField(_("涉及金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    description = EncryptedTextField(_("事实与理由"), max_length=4000)  # citizens write names and phones into it
    requests = models.JSONField(_("诉求"), default=list, blank=True, help_text=_("修理、重作、更换、退货、补足数量、退款、赔偿"))
    flags = models.JSONField(_("提示"), default=list, blank=True, help_text=_("如：发生已超过3年，可能不予受理（第16条第4项）"))
    # handling
    unit = models.ForeignKey(Unit, verbose_name=_("承办单位"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="complaint_cases")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("承办人"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    reason_code = models.CharField(_("法定理由"), max_length=20, blank=True, help_text=_("ART16_1…7、ART23_1…8"))
    outcome_note = models.TextField(_("办理结果"), blank=True)
    accept_due = models.DateField(_("受理决定时限"), null=True, blank=True)
    handle_due = models.DateField(_("办理时限"), null=True, blank=True)
    first_contact_due = models.DateTimeField(_("首次联系时限（本地服务标准）"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("首次联系时间"), null=True, blank=True)
    deadline_rules = models.JSONField(_("所用时限规则"), default=dict, blank=True, help_text=_("规则键 → 版本，供追溯"))
    paused_since = models.DateTimeField(_("中止计时自"), null=True, blank=True)
    pauses = models.JSONField(_("中止计时区间"), default=list, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    lock_version = models.PositiveIntegerField(_("版本锁"), default=0)
    lookup_token = models.CharField(_("查询令牌"), max_length=40, blank=True, help_text=_("Open311 token / 查询凭证"))
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)
    created_at = models.DateTimeField(_("登记时间"), default=clock.now)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("投诉举报案件")
        verbose_name_plural = _("投诉举报案件")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["unit", "state"]), models.Index(fields=["respondent_uscc"])]

    def __str__(self) -> str:
        return f"{self.receipt_number} {self.get_case_type_display()} {self.respondent_name}"


class CaseEvent(models.Model):
    """The transition log of a case."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("动作"), max_length=40)
    from_state = models.CharField(_("原状态"), max_length=30, blank=True)
    to_state = models.CharField(_("新状态"), max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    reason_code = models.CharField(_("法定理由"), max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)
    public_note = models.CharField(_("对外说明"), max_length=300, blank=True, help_text=_("群众查询和 Open311 status_notes 可见"))
    created_at = models.DateTimeField(_("时间"), default=clock.now)

    class Meta:
        verbose_name = _("案件流转记录")
        verbose_name_plural = _("案件流转记录")
        ordering = ["case", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case.receipt_number} {self.action}"


class CaseNotice(models.Model):
    """A document served (受理决定书, 不予受理决定书, 调解通知书, 终止调解决定书, 调解书, 举报处理结果告知书…)."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="notices")
    document_type = models.CharField(_("文书类型"), max_length=40)
    document_number = models.CharField(_("文号"), max_length=60)
    channel = models.CharField(_("送达方式"), max_length=20, help_text=_("internet 网络、phone 电话、sms 短信、email 邮件、letter 信函"))
    sent_at = models.DateTimeField(_("送达时间"), default=clock.now)
    recipient = EncryptedTextField(_("送达对象"))  # the complainant's name: encrypted like the case's
    content = EncryptedTextField(_("内容"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("文书送达记录")
        verbose_name_plural = _("文书送达记录")
        ordering = ["case", "sent_at"]
        constraints = [models.UniqueConstraint(fields=["document_number"], name="complaints_notice_number_unique")]

    def __str__(self) -> str:
        return f"{self.document_type} {self.document_number}"


class Open311Key(models.Model):
    """An API key for Open311 writers; only its SHA-256 is stored."""

    name = models.CharField(_("调用方"), max_length=100)
    key_sha256 = models.CharField(_("密钥摘要"), max_length=64, unique=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)

    class Meta:
        verbose_name = _("Open311 接口密钥")
        verbose_name_plural = _("Open311 接口密钥")

    def __str__(self) -> str:
        return self.name
