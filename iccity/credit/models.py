"""Tables of the credit app: merchants (USCC checked, failures flagged for review), credit commitments, list entries
(penalty records, 严重违法失信名单, 守信激励名单) with periods computed from the rule version in force on the decision
date, and repair requests. Whether an entry is public is computed from those dates and today, never typed."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from iccity.core import clock, demo


class EntityKind(models.TextChoices):
    LEGAL = "legal", _("法人及非法人组织")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")


class Merchant(models.Model):
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("主体类型"), max_length=30, choices=EntityKind.choices, default=EntityKind.LEGAL)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    uscc_check = models.CharField(_("代码校验结果"), max_length=20, blank=True, editable=False,
                                  help_text=_("valid / bad_check / suspicious；后两者须人工核对"))
    uscc_reviewed_at = models.DateTimeField(_("人工核对时间"), null=True, blank=True, editable=False)
    uscc_review_note = models.CharField(_("人工核对意见"), max_length=300, blank=True, editable=False)
    # 个体工商户经营者 is a natural person: kept for the office, never shown publicly (see disclosure.py)
    operator_name = models.CharField(_("经营者姓名（个人信息，不公开）"), max_length=60, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("市场主体")
        verbose_name_plural = _("市场主体")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def needs_uscc_review(self) -> bool:
        return self.uscc_check in ("bad_check", "suspicious") and self.uscc_reviewed_at is None


class CreditCommitment(models.Model):
    class Kind(models.TextChoices):
        REPAIR = "repair", _("信用修复承诺")
        NOTIFICATION = "notification", _("告知承诺")
        VOLUNTARY = "voluntary", _("主动承诺")

    merchant = models.ForeignKey(Merchant, verbose_name=_("市场主体"), on_delete=models.PROTECT,
                                 related_name="commitments")
    kind = models.CharField(_("承诺类型"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("承诺内容"))
    signed_on = models.DateField(_("承诺日期"))
    is_public = models.BooleanField(_("已公开"), default=True, help_text=_("信用修复须作出公开信用承诺"))
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("信用承诺")
        verbose_name_plural = _("信用承诺")
        ordering = ["-signed_on"]

    def __str__(self) -> str:
        return f"{self.merchant} {self.get_kind_display()} {self.signed_on:%Y-%m-%d}"


class ListKind(models.TextChoices):
    PENALTY = "penalty", _("行政处罚信息")
    SERIOUS_VIOLATION = "serious_violation", _("严重违法失信名单")
    INCENTIVE = "incentive", _("守信激励名单")


class Severity(models.TextChoices):
    NONE = "", _("不适用")
    MINOR = "minor", _("轻微")
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("严重")


class EntryQuerySet(models.QuerySet):
    def public_on(self, day):
        """Entries the rules allow to show on ``day``: published kind, period running, not removed or revoked."""
        return self.filter(published=True, publish_from__lte=day, publish_until__gte=day, revoked_on__isnull=True) \
            .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=day))


class ListEntry(models.Model):
    merchant = models.ForeignKey(Merchant, verbose_name=_("市场主体"), on_delete=models.PROTECT, related_name="entries")
    list_kind = models.CharField(_("类别"), max_length=30, choices=ListKind.choices)
    severity = models.CharField(_("失信程度"), max_length=10, choices=Severity.choices, blank=True)
    decision_number = models.CharField(_("决定文书号"), max_length=100)
    decision_date = models.DateField(_("决定日期"))
    authority = models.CharField(_("决定机关"), max_length=200)
    authority_uscc = models.CharField(_("决定机关统一社会信用代码"), max_length=18, blank=True)
    legal_basis = models.TextField(_("依据"))
    violation_type = models.CharField(_("违法行为类型/认定事由"), max_length=200)
    facts = models.TextField(_("主要事实"), blank=True)
    penalty = models.CharField(_("处罚内容/激励措施"), max_length=300, blank=True)
    fine_wan = models.DecimalField(_("罚款金额（万元）"), max_digits=14, decimal_places=6, null=True, blank=True)
    confiscation_wan = models.DecimalField(_("没收金额（万元）"), max_digits=14, decimal_places=6, null=True,
                                           blank=True)
    data_source_unit = models.CharField(_("数据来源单位"), max_length=200, blank=True)
    valid_until = models.DateField(_("认定有效期至"), null=True, blank=True, help_text=_("仅守信激励名单"))
    # computed by rules.periods_for at registration and stored with the rule version used
    rule_version = models.PositiveIntegerField(_("适用规则版本"), editable=False)
    published = models.BooleanField(_("依规公示"), editable=False)
    publish_from = models.DateField(_("公示起始"), editable=False)
    repair_from = models.DateField(_("可申请修复/提前移出日期"), null=True, blank=True, editable=False)
    publish_until = models.DateField(_("公示截止（含当日）"), editable=False)
    removed_on = models.DateField(_("提前移出日期"), null=True, blank=True, editable=False)
    removal_reason = models.CharField(_("移出原因"), max_length=300, blank=True, editable=False)
    revoked_on = models.DateField(_("决定撤销日期"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("登记时间"), default=clock.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("信用信息")
        verbose_name_plural = _("信用信息")
        ordering = ["-decision_date", "-pk"]
        constraints = [models.UniqueConstraint(fields=["list_kind", "decision_number"], name="credit_entry_doc_no")]

    def __str__(self) -> str:
        return f"{self.get_list_kind_display()} {self.decision_number}"

    def status(self, day=None) -> str:
        day = day or clock.today()
        if self.revoked_on:
            return "revoked"
        if self.removed_on and self.removed_on <= day:
            return "removed"
        if not self.published:
            return "not_published"
        if day < self.publish_from:
            return "pending"
        return "published" if day <= self.publish_until else "expired"

    STATUS_LABELS = {"revoked": "决定已撤销", "removed": "已提前移出", "not_published": "依规不公示",
                     "pending": "未到公示期", "published": "公示中", "expired": "公示期满"}

    def status_label(self) -> str:
        return self.STATUS_LABELS[self.status()]


class RepairRequest(models.Model):
    """信用修复 / 提前移出 application. ``state`` moves only through the actions (submitted → reviewing →
    approved | rejected), each step with its time, actor and reason."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        REVIEWING = "reviewing", _("审核中")
        APPROVED = "approved", _("已修复")
        REJECTED = "rejected", _("不予修复")

    entry = models.ForeignKey(ListEntry, verbose_name=_("信用信息"), on_delete=models.PROTECT,
                              related_name="repair_requests")
    commitment = models.ForeignKey(CreditCommitment, verbose_name=_("信用承诺"), on_delete=models.PROTECT,
                                   related_name="repair_requests")
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.SUBMITTED,
                             editable=False)
    submitted_on = models.DateField(_("申请日期"), editable=False)
    obligations_met = models.BooleanField(_("已履行法定义务、纠正失信行为"), default=False)
    statement = models.TextField(_("申请说明"), blank=True)
    review_started_at = models.DateTimeField(_("开始审核"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("决定人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    decision_reason = models.TextField(_("决定理由"), blank=True, editable=False)
    is_demo = models.BooleanField(_("示例数据"), default=demo.is_active)

    class Meta:
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")
        ordering = ["-submitted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.entry} 修复申请（{self.get_state_display()}）"
