"""Forms of the places app: the office's coordinate setting (one place, or a CSV file)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Place


class CoordinateForm(forms.Form):
    place = forms.ModelChoiceField(label=_("场所"), queryset=Place.objects.order_by("kind", "name"),
                                   empty_label=_("请选择场所"), error_messages={"required": _("请选择场所")})
    longitude = forms.DecimalField(label=_("经度（WGS-84）"), max_digits=10, decimal_places=6,
                                   error_messages={"required": _("请在地图上点选或填写经度"),
                                                   "invalid": _("经度须为数字，例如 117.055")})
    latitude = forms.DecimalField(label=_("纬度（WGS-84）"), max_digits=9, decimal_places=6,
                                  error_messages={"required": _("请在地图上点选或填写纬度"),
                                                  "invalid": _("纬度须为数字，例如 39.0558")})
    source = forms.CharField(label=_("坐标来源"), max_length=300,
                             help_text=_("网址，或无网址时的出处说明（例如“办公室现场核对”）"),
                             error_messages={"required": _("请填写坐标来源")})
    confidence = forms.CharField(label=_("可信度"), max_length=40, required=False,
                                 help_text=_("例如：精确点位、近似（代点）"))


class CoordinateCsvForm(forms.Form):
    file = forms.FileField(label=_("CSV文件"), help_text=_("表头：name（或 id）,lon,lat,source；WGS-84 坐标"),
                           error_messages={"required": _("请选择要导入的CSV文件")})
