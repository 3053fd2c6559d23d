"""Admin of the credit app (Chinese). Every save goes through an action: registering merchants, commitments and
entries, the USCC review, revocation and the repair workflow are admin actions or add forms that call ``do_*``.
Stored entries are never edited: a wrong entry is revoked and registered again, with both steps in the audit trail."""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from iccity.core.actions import ActionRefused
from iccity.core.admin_mixins import ReadOnlyAdmin

from . import actions
from .models import CreditCommitment, ListEntry, Merchant, RepairRequest


class ActionAddAdmin(admin.ModelAdmin):
    """Add through an action; no edits or deletes afterwards."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [f.name for f in self.model._meta.fields if f.name != "id"]
        return super().get_readonly_fields(request, obj)

    def register(self, request, obj):  # pragma: no cover - overridden
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            saved = self.register(request, obj)
        except ActionRefused as exc:
            form.add_error(None, exc.message)
            raise forms.ValidationError(exc.message) from None
        obj.pk = saved.pk

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except forms.ValidationError as exc:
            self.message_user(request, "；".join(exc.messages), level=messages.ERROR)
            from django.http import HttpResponseRedirect

            return HttpResponseRedirect(request.get_full_path())

    def _run(self, request, queryset, func, done: str, **kwargs):
        for obj in queryset:
            try:
                func(obj, actor=request.user, **kwargs)
                self.message_user(request, f"{obj}：{done}")
            except ActionRefused as exc:
                self.message_user(request, f"{obj}：{exc.message}", level=messages.ERROR)


@admin.register(Merchant)
class MerchantAdmin(ActionAddAdmin):
    list_display = ("name", "kind", "uscc", "uscc_check_label", "uscc_review_note", "is_demo")
    list_filter = ("kind", "uscc_check", "is_demo")
    search_fields = ("name", "uscc")
    fields = ("name", "kind", "uscc", "operator_name")
    actions = ["confirm_uscc"]

    @admin.display(description="代码校验")
    def uscc_check_label(self, obj):
        label = actions.USCC_CHECK_LABELS.get(obj.uscc_check, obj.uscc_check)
        return f"{label}（已核对）" if obj.uscc_reviewed_at else label

    def register(self, request, obj):
        return actions.do_register_merchant(obj.name, uscc=obj.uscc, kind=obj.kind, operator_name=obj.operator_name,
                                            actor=request.user)

    @admin.action(description="人工核对：确认所选主体的统一社会信用代码有效")
    def confirm_uscc(self, request, queryset):
        self._run(request, queryset, actions.do_review_uscc, "已核对", confirmed=True, note="管理后台人工核对确认")


@admin.register(CreditCommitment)
class CommitmentAdmin(ActionAddAdmin):
    list_display = ("merchant", "kind", "signed_on", "is_public", "is_demo")
    list_filter = ("kind", "is_demo")
    fields = ("merchant", "kind", "text", "signed_on", "is_public")

    def register(self, request, obj):
        return actions.do_record_commitment(obj.merchant, kind=obj.kind, text=obj.text, signed_on=obj.signed_on,
                                            is_public=obj.is_public, actor=request.user)


class EntryForm(forms.ModelForm):
    fine_yuan = forms.CharField(label="罚款金额（元）", required=False, help_text="按元填写，公示时换算为万元")
    confiscation_yuan = forms.CharField(label="没收金额（元）", required=False)

    class Meta:
        model = ListEntry
        fields = ("merchant", "list_kind", "severity", "decision_number", "decision_date", "authority",
                  "authority_uscc", "legal_basis", "violation_type", "facts", "penalty", "data_source_unit",
                  "valid_until")


@admin.register(ListEntry)
class EntryAdmin(ActionAddAdmin):
    form = EntryForm
    list_display = ("decision_number", "merchant", "list_kind", "severity", "decision_date", "publish_until",
                    "rule_version", "status_label", "is_demo")
    list_filter = ("list_kind", "severity", "is_demo")
    search_fields = ("decision_number", "merchant__name", "merchant__uscc")
    actions = ["revoke"]

    @admin.display(description="状态")
    def status_label(self, obj):
        return obj.status_label()

    def get_fields(self, request, obj=None):
        if obj is not None:
            return [f.name for f in ListEntry._meta.fields if f.name != "id"]
        return list(EntryForm.Meta.fields) + ["fine_yuan", "confiscation_yuan"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:  # a stored entry is shown, never edited
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        self._yuan = (form.cleaned_data.get("fine_yuan"), form.cleaned_data.get("confiscation_yuan"))
        super().save_model(request, obj, form, change)

    def register(self, request, obj):
        fine, confiscation = self._yuan
        return actions.do_register_entry(
            obj.merchant, list_kind=obj.list_kind, severity=obj.severity, decision_number=obj.decision_number,
            decision_date=obj.decision_date, authority=obj.authority, authority_uscc=obj.authority_uscc,
            legal_basis=obj.legal_basis, violation_type=obj.violation_type, facts=obj.facts, penalty=obj.penalty,
            fine_yuan=fine or None, confiscation_yuan=confiscation or None, data_source_unit=obj.data_source_unit,
            valid_until=obj.valid_until, actor=request.user)

    @admin.action(description="撤销所选决定（停止公示）")
    def revoke(self, request, queryset):
        self._run(request, queryset, actions.do_revoke_entry, "已撤销并停止公示", reason="管理后台登记：原决定已撤销")


@admin.register(RepairRequest)
class RepairAdmin(ReadOnlyAdmin):
    list_display = ("entry", "state", "submitted_on", "decided_at", "decision_reason", "is_demo")
    list_filter = ("state", "is_demo")
    actions = ["start_review", "approve", "reject"]

    def _run(self, request, queryset, func, done, **kwargs):
        for obj in queryset:
            try:
                func(obj, actor=request.user, **kwargs)
                self.message_user(request, f"{obj}：{done}")
            except ActionRefused as exc:
                self.message_user(request, f"{obj}：{exc.message}", level=messages.ERROR)

    @admin.action(description="开始审核")
    def start_review(self, request, queryset):
        self._run(request, queryset, actions.do_start_repair_review, "审核中")

    @admin.action(description="准予修复（提前移出公示）")
    def approve(self, request, queryset):
        self._run(request, queryset, actions.do_decide_repair, "已修复", approve=True,
                  reason="经审核，已满最短公示期、已履行义务并作出信用承诺")

    @admin.action(description="不予修复")
    def reject(self, request, queryset):
        self._run(request, queryset, actions.do_decide_repair, "不予修复", approve=False,
                  reason="经审核，不符合信用修复条件")
