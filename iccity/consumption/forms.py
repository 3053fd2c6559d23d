"""Form validation for the consumption pages (GET forms: the pages are bookmarkable)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_DAYS = 93


def _districts(raw: str) -> list[str]:
    # Accept both the ASCII comma (URLs from the events app) and the Chinese 、/，
    parts = raw.replace("，", ",").replace("、", ",").split(",")
    return [p.strip() for p in parts if p.strip()]


class RangeForm(forms.Form):
    start = forms.DateField(label=_("开始日期"), required=False)
    end = forms.DateField(label=_("结束日期"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("开始日期晚于结束日期"))
        return data


class ImpactForm(forms.Form):
    start = forms.DateField(label=_("活动开始日期"), error_messages={"required": _("请填写活动开始日期"),
                                                                 "invalid": _("日期格式应为 2024-02-10")})
    end = forms.DateField(label=_("活动结束日期"), error_messages={"required": _("请填写活动结束日期"),
                                                               "invalid": _("日期格式应为 2024-02-25")})
    districts = forms.CharField(label=_("受影响商圈"), help_text=_("多个商圈用逗号分隔"),
                                error_messages={"required": _("请至少填写一个受活动影响的商圈")})

    def clean_districts(self):
        names = _districts(self.cleaned_data["districts"])
        if not names:
            raise forms.ValidationError(_("请至少填写一个受活动影响的商圈"))
        return names

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("活动开始日期晚于结束日期"))
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(_("活动窗口超过93天，请缩短"))
        return data
