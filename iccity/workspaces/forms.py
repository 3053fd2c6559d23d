from django import forms
from django.utils.translation import gettext_lazy as _

from .registry import TITLES


class SwitchForm(forms.Form):
    """The desk to switch to; only the desks the person has are offered (``desks``)."""

    workspace = forms.ChoiceField(label=_("切换工作台"), choices=[(code, title) for code, title in TITLES.items()])

    def __init__(self, *args, desks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workspace"].choices = [(d.code, d.title) for d in desks]
