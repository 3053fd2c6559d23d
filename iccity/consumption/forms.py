"""Form validation for the consumption pages (GET forms: the pages are bookmarkable)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_DAYS = 93


class RangeForm(forms.Form):
    start = forms.DateField(label=_("开始日期"), required=False)
    end = forms.DateField(label=_("结束日期"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("开始日期晚于结束日期"))
        return data


class _Names(forms.MultipleChoiceField):
    def to_python(self, value):
        return [v for v in super().to_python(value) if v.strip()]  # an empty pick is no pick


class ImpactForm(forms.Form):
    start = forms.DateField(label=_("活动开始日期"), error_messages={"required": _("请填写活动开始日期"),
                                                                 "invalid": _("日期格式应为 2024-02-10")})
    end = forms.DateField(label=_("活动结束日期"), error_messages={"required": _("请填写活动结束日期"),
                                                               "invalid": _("日期格式应为 2024-02-25")})
    districts = _Names(
        label=_("受影响商圈"), help_text=_("可多选（按住 Ctrl 或 Shift 点选）"),
        error_messages={"required": _("请至少选择一个受活动影响的商圈"),
                        "invalid_choice": _("商圈“%(value)s”不在可选范围内")},
        widget=forms.SelectMultiple(attrs={"size": 6}))

    def __init__(self, *args, **kwargs):
        from .impact import district_choices

        super().__init__(*args, **kwargs)
        self.fields["districts"].choices = district_choices()

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("活动开始日期晚于结束日期"))
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(_("活动窗口超过93天，请缩短"))
        return data
