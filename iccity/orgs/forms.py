from django import forms
from django.utils.translation import gettext_lazy as _

from .models import UnitType


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或别名"), required=False, max_length=100)
    unit_type = forms.ChoiceField(label=_("单位类型"), required=False, choices=[("", _("全部类型"))] + list(UnitType.choices))
