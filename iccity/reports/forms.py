"""Forms of the reports app (Word outputs here; the ledger area keeps its own in forms_ledger.py if it needs any)."""
from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DocumentKind


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label=_("文书类型"), choices=DocumentKind.choices)
    period = forms.CharField(label=_("报告期"), required=False, max_length=7, help_text=_("YYYY-MM，空为最近的月度周期"))
    task = forms.CharField(label=_("任务编号"), required=False, max_length=10, help_text=_("专报：如 T3"))
    task_force = forms.ModelChoiceField(label=_("专班"), required=False, queryset=None)
    notice = forms.IntegerField(label=_("督办单编号"), required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        from iccity.orgs.models import TaskForce

        super().__init__(*args, **kwargs)
        self.fields["task_force"].queryset = TaskForce.objects.order_by("sort_order", "name")

    def clean_period(self):
        value = (self.cleaned_data.get("period") or "").strip()
        if value and not re.fullmatch(r"\d{4}-\d{2}", value):
            raise forms.ValidationError(_("报告期格式应为 YYYY-MM，如 2026-05"))
        return value

    def params(self) -> dict:
        data = self.cleaned_data
        out = {"period": data.get("period") or "", "task": (data.get("task") or "").strip()}
        if data.get("task_force") is not None:
            out["task_force"] = data["task_force"].pk
        if data.get("notice"):
            out["notice"] = data["notice"]
        return {k: v for k, v in out.items() if v not in ("", None)}


class TemplateUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("文书类型"), choices=DocumentKind.choices)
    name = forms.CharField(label=_("模板名称"), max_length=200)
    file = forms.FileField(label=_("Word 模板（.docx）"))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
