"""Forms of the evaluation app."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RatingLevel
from .ratings import is_quarter


class QuarterField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if value and not is_quarter(value):
            raise forms.ValidationError(_("季度格式应为如 2026Q4"))
        return value


class RatingForm(forms.Form):
    quarter = QuarterField(label=_("季度"), max_length=7)
    level = forms.ChoiceField(label=_("总体判断"), choices=RatingLevel.choices)
    planning = forms.ChoiceField(label=_("计划质量"), choices=RatingLevel.choices)
    capacity = forms.ChoiceField(label=_("推进能力"), choices=RatingLevel.choices)
    stage = forms.ChoiceField(label=_("推进阶段"), choices=RatingLevel.choices)
    evidence = forms.ChoiceField(label=_("成效证据"), choices=RatingLevel.choices)
    reasoning = forms.CharField(label=_("评定理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def areas(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("planning", "capacity", "stage", "evidence")}


class QuarterChoiceForm(forms.Form):
    quarter = QuarterField(label=_("季度"), max_length=7, required=False)
