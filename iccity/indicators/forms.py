"""Forms of the indicator pages: filters (GET, invalid values fall back to the default), a single value with its
release (chosen or created inline), the observation upload with its release fields, and a new index edition."""
from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Framework, Release, ReleaseStatus
from .progress import LABELS

ALLOWED_SUFFIXES = (".xlsx", ".csv")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
AREAS = ["西青区", "天津市"]

STATUS_CHOICES = list(LABELS.items())


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("指标名称、代码或定义")}))
    status = forms.ChoiceField(label=_("进展状态"), required=False, choices=[("", _("全部状态"))] + STATUS_CHOICES)
    framework = forms.CharField(required=False, widget=forms.HiddenInput)

    def value(self, name, default=""):
        return (self.cleaned_data.get(name) or default) if self.is_valid() else default


class ReleaseFieldsMixin(forms.Form):
    """The release (数据发布版次) a value or a file comes from."""

    title = forms.CharField(label=_("发布名称"), max_length=300, required=False,
                            widget=forms.TextInput(attrs={"placeholder": _("例如：2024年西青区国民经济和社会发展统计公报")}))
    publisher = forms.CharField(label=_("发布机构"), max_length=200, required=False,
                                widget=forms.TextInput(attrs={"placeholder": _("例如：西青区统计局")}))
    published_on = forms.DateField(label=_("发布日期"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    release_status = forms.ChoiceField(label=_("数据状态"), choices=ReleaseStatus.choices, initial=ReleaseStatus.FINAL,
                                       required=False)
    url = forms.CharField(label=_("链接"), max_length=500, required=False)
    confidence = forms.CharField(label=_("可信度"), max_length=40, required=False)
    note = forms.CharField(label=_("说明"), max_length=1000, required=False)

    release_required_message = _("请填写发布名称、发布机构和发布日期")

    def clean_release_fields(self, cleaned):
        missing = [f for f in ("title", "publisher", "published_on") if not cleaned.get(f)]
        for name in missing:
            self.add_error(name, self.release_required_message)
        return not missing

    def release_fields(self) -> dict:
        c = self.cleaned_data
        return {"title": c["title"], "publisher": c["publisher"], "published_on": c["published_on"],
                "status": c["release_status"] or ReleaseStatus.FINAL, "url": c.get("url", ""), "confidence": c.get("confidence", ""),
                "note": c.get("note", "")}


class ObservationForm(ReleaseFieldsMixin):
    """One value entered by the office; the release is an existing one or created from the fields below it."""

    # Periods are read by the importer (2024、2024Q1、2024-03、2024年3月、2024年1-3月 …), one rule for every entry path.
    period = forms.CharField(label=_("期间"), max_length=20,
                             widget=forms.TextInput(attrs={"placeholder": _("2024、2024Q1 或 2024-03")}))
    value = forms.DecimalField(label=_("数值"), max_digits=20, decimal_places=4, required=False)
    growth_rate = forms.DecimalField(label=_("公布增速（%）"), max_digits=10, decimal_places=4, required=False)
    area = forms.ChoiceField(label=_("地区"), choices=[(a, a) for a in AREAS], initial=AREAS[0])
    breakdown_kind = forms.CharField(label=_("分组类型"), max_length=20, required=False,
                                     widget=forms.TextInput(attrs={"placeholder": _("town、district、category，总计留空")}))
    breakdown_value = forms.CharField(label=_("分组值"), max_length=100, required=False)
    release = forms.ModelChoiceField(label=_("发布版次"), queryset=Release.objects.none(), required=False,
                                     empty_label=_("— 新建发布版次（填写下方字段）—"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["release"].queryset = Release.objects.order_by("-published_on", "-id")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("value") is None and cleaned.get("growth_rate") is None:
            self.add_error("value", _("请填写数值或公布增速"))
        if not cleaned.get("release"):
            self.clean_release_fields(cleaned)
        return cleaned

    def release_fields(self) -> dict:
        release = self.cleaned_data.get("release")
        if release is None:
            return super().release_fields()
        # The importer reuses a stored release when title, publisher and date match.
        return {"title": release.title, "publisher": release.publisher, "published_on": release.published_on,
                "status": release.status}

    def push_row(self, indicator) -> dict:
        c = self.cleaned_data
        return {"code": indicator.code, "area": c["area"], "period": c["period"], "value": c["value"],
                "growth_rate": c["growth_rate"], "breakdown_kind": c["breakdown_kind"],
                "breakdown_value": c["breakdown_value"]}

    def breakdown(self) -> tuple[str, str]:
        return (self.cleaned_data["breakdown_kind"], self.cleaned_data["breakdown_value"])


class UploadForm(ReleaseFieldsMixin):
    file = forms.FileField(label=_("数据文件"), required=False, help_text=_("按模板填写的 .xlsx 或 .csv"))
    # After the check step the file stays on the server under its SHA-256; the confirm step only carries the hash.
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    filename = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f and not f.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("不支持的文件类型：%(name)s（只接受 .xlsx、.csv）"), params={"name": f.name})
        return f

    def clean_token(self):
        token = self.cleaned_data.get("token", "")
        if token and not SHA256.match(token):
            raise forms.ValidationError(_("上传凭据无效，请重新选择文件"))
        return token

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not cleaned.get("token") and "file" not in self.errors:
            self.add_error("file", _("请选择要导入的数据文件"))
        # Release fields may also come from the workbook's 发布信息 sheet: the importer checks them.
        return cleaned


class EditionForm(forms.Form):
    name = forms.CharField(label=_("版次名称"), max_length=200,
                           widget=forms.TextInput(attrs={"placeholder": _("例如：2024年各镇街消费活跃度指数")}))
    framework = forms.ModelChoiceField(label=_("评价框架"), queryset=None, empty_label=None, to_field_name="code")
    year = forms.IntegerField(label=_("数据年份"), min_value=2000, max_value=2100)
    as_of = forms.DateField(label=_("数据截止日"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            help_text=_("只使用此日前发布的数据"))
    method = forms.ChoiceField(label=_("赋权与合成方法"), choices=())
    by = forms.ChoiceField(label=_("评价单元"), choices=())
    units = forms.CharField(label=_("比较单元"), required=False, max_length=1000,
                            help_text=_("地区或分组值，用顿号或逗号分隔；留空使用数据中全部镇街"))

    def __init__(self, *args, method_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = Framework.objects.order_by("code")
        self.fields["method"].choices = list(method_choices)

    def unit_list(self) -> list[str]:
        raw = self.cleaned_data.get("units", "")
        return [u.strip() for u in re.split(r"[、,，;；\s]+", raw) if u.strip()]
