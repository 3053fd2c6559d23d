"""Forms of the surveys app. Spam controls are the public forms' (``core.publicforms``: honeypot + signed start time)."""
from __future__ import annotations

from django import forms

from iccity.core.publicforms import sign_started, started_error

DONT_KNOW = "dk"


class SurveyForm(forms.Form):
    """One radio group per item: 1…k or 不清楚. Built from the wave's questionnaire."""

    website = forms.CharField(label="网址（请勿填写）", required=False, max_length=200,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.items = []
        choices = [(str(i), str(i)) for i in range(1, survey.scale_max + 1)] + [(DONT_KNOW, "不清楚")]
        self.groups = []
        for dim in survey.dimensions.prefetch_related("items"):
            names = []
            for item in dim.items.all():
                name = f"item_{item.pk}"
                self.fields[name] = forms.ChoiceField(
                    label=item.text, choices=choices, widget=forms.RadioSelect,
                    error_messages={"required": "请选择评分（不了解可选“不清楚”）",
                                    "invalid_choice": "请选择1—10分或“不清楚”"})
                self.fields[name].item = item
                self.items.append((name, item))
                names.append(name)
            self.groups.append((dim, names))
        if not self.is_bound:
            self.initial["started"] = sign_started()

    def grouped_fields(self):
        return [(dim, [self[name] for name in names]) for dim, names in self.groups]

    def spam_error(self) -> str:
        if self.data.get("website"):
            return "提交未被受理"
        return started_error(self.data.get("started", ""))

    def answers(self) -> dict[int, int | None]:
        out = {}
        for name, item in self.items:
            value = self.cleaned_data[name]
            out[item.pk] = None if value == DONT_KNOW else int(value)
        return out
