"""Forms of the complaint pages. The legal checks live in ``submission.validate_submission``; these forms only carry
the fields, the spam controls (honeypot and the signed start time of ``core.publicforms``) and the handler's action
inputs."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from iccity.core.publicforms import sign_started, started_error
from iccity.core.validation import ID_TYPES as ID_TYPE_LABELS

from .models import Category
from .submission import REQUESTS as REQUEST_CHOICES

CASE_TYPES = [("complaint", _("投诉（与经营者有消费纠纷，请求调解）")),
              ("report", _("举报（提供经营者违法线索）")),
              ("both", _("两者都有（分别处理）"))]
# The codes and wording the validator accepts, so the form can never offer a value the core refuses.
ID_TYPES = [("", _("请选择"))] + list(ID_TYPE_LABELS.items())
REQUESTS = [(r, r) for r in REQUEST_CHOICES]


def _text(label, *, max_length=200, required=False, **kw):
    return forms.CharField(label=label, max_length=max_length, required=required, **kw)


class IntakeForm(forms.Form):
    """The public form. Fields are lenient strings; ``validate_submission`` gives the field errors shown next to them."""

    case_type = forms.ChoiceField(label=_("您要办理"), choices=CASE_TYPES, widget=forms.RadioSelect, initial="complaint",
                                  error_messages={"required": _("请选择办理投诉还是举报")})
    category = forms.ChoiceField(label=_("问题类别"), choices=(), error_messages={"required": _("请选择问题类别")})
    anonymous = forms.BooleanField(label=_("匿名举报（仅举报可匿名，须提供具体线索）"), required=False)
    person_name = _text(_("姓名"), max_length=60, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    person_phone = _text(_("手机或固定电话"), max_length=30,
                         widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    person_id_type = forms.ChoiceField(label=_("证件类型"), choices=ID_TYPES, required=False)
    person_id_number = _text(_("证件号码"), max_length=40)
    person_address = _text(_("联系地址"))
    consent_publish = forms.BooleanField(label=_("同意在消费投诉信息公示中公开本投诉（不含个人信息）"), required=False)
    consent_entrusted_mediation = forms.BooleanField(label=_("同意委托消费者协会调解"), required=False)
    respondent_name = _text(_("经营者名称"), required=True)
    respondent_uscc = _text(_("统一社会信用代码（可不填）"), max_length=18)
    respondent_address = _text(_("经营地址"))
    respondent_phone = _text(_("经营者电话"), max_length=30)
    town = _text(_("所在镇街"), max_length=40)
    business_district = _text(_("所在商圈"), max_length=60)
    occurred_on = _text(_("发生日期"), max_length=10, widget=forms.DateInput(attrs={"type": "date"}))
    amount = _text(_("涉及金额（元）"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    description = forms.CharField(label=_("事实与理由"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}))
    requests = forms.MultipleChoiceField(label=_("诉求"), choices=REQUESTS, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    # Spam controls: people never see "website" (hidden by CSS and aria); bots fill every field.
    website = _text(_("网址（请勿填写）"), widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    started = forms.CharField(widget=forms.HiddenInput, required=False)
    # the order of the page (intake.html), so the list of fields to fix above the form reads top to bottom
    field_order = ["case_type", "category", "respondent_name", "respondent_address", "town", "business_district",
                   "respondent_phone", "respondent_uscc", "occurred_on", "amount", "description", "requests",
                   "anonymous", "person_name", "person_phone", "person_id_type", "person_id_number", "person_address"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "请选择")] + [
            (c.code, f"{c.parent.name} / {c.name}" if c.parent_id else c.name)
            for c in Category.objects.filter(active=True).select_related("parent")]
        if not self.is_bound:
            self.initial["started"] = sign_started()

    def spam_error(self) -> str:
        if self.data.get("website"):
            return "提交未被受理"  # says nothing helpful to a bot
        return started_error(self.data.get("started", ""))

    def submission(self) -> dict:
        """The raw submission for ``validate_submission`` (strings as typed; booleans and lists parsed)."""
        data = {name: (self.data.get(name) or "").strip() for name in (
            "case_type", "category", "person_name", "person_phone", "person_id_type", "person_id_number",
            "person_address", "respondent_name", "respondent_uscc", "respondent_address", "respondent_phone", "town",
            "business_district", "occurred_on", "amount", "description")}
        for name in ("anonymous", "consent_publish", "consent_entrusted_mediation"):
            data[name] = self.data.get(name) in ("on", "true", "1", "True")
        data["requests"] = [r for r in self.data.getlist("requests") if r in dict(REQUESTS)]
        return data


class TrackForm(forms.Form):
    receipt_number = _text(_("受理编号"), max_length=30)
    phone_last4 = _text(_("联系电话后4位"), max_length=4, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    token = _text(_("或：查询凭证"), max_length=40)

    def clean(self):
        data = super().clean()
        if data.get("token"):
            return data
        if not data.get("receipt_number") or not (data.get("phone_last4") or "").isdigit() \
                or len(data.get("phone_last4") or "") != 4:
            raise forms.ValidationError(_("请填写受理编号和联系电话后4位，或填写查询凭证"))
        return data


class TransitionForm(forms.Form):
    to_state = forms.CharField(max_length=30)
    reason_code = forms.CharField(max_length=20, required=False)
    note = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    public_note = forms.CharField(max_length=300, required=False)
    lock_version = forms.IntegerField(required=False)
    document_channel = forms.ChoiceField(required=False, initial="internet", choices=[
        ("internet", _("网络")), ("phone", _("电话")), ("sms", _("短信")), ("email", _("邮件")), ("letter", _("信函"))])
