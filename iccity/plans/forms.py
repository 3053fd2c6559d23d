from django import forms
from django.utils.translation import gettext_lazy as _

from iccity.orgs.models import UnitType

from .models import AssignmentRole

ALLOWED_SUFFIXES = (".txt", ".docx", ".pdf")


class RoleOverrideForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=AssignmentRole.choices)
    reason = forms.CharField(
        label=_("理由"), max_length=500, strip=True,
        error_messages={"required": _("调整牵头/配合角色必须说明理由")},
        widget=forms.TextInput(attrs={"placeholder": _("例如：领导小组办公室会议纪要明确由该单位牵头")}),
    )


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label=_("方案文件"), help_text=_("支持 .txt、.docx、文字版 .pdf"),
        error_messages={"required": _("请选择要导入的方案文件"), "empty": _("文件为空")},
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500,
                           widget=forms.TextInput(attrs={"placeholder": _("例如：区政府办公室修订稿")}))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("不支持的文件类型：%(name)s（只接受 .txt、.docx、.pdf）"), params={"name": f.name})
        return f


class MatrixFilterForm(forms.Form):
    """GET filters of the responsibility matrix. Invalid values fall back to “all” rather than an error page."""

    group = forms.CharField(label=_("任务板块"), required=False)
    unit_type = forms.ChoiceField(label=_("单位类型"), required=False,
                                  choices=[("", _("全部类型"))] + list(UnitType.choices))
    expand = forms.BooleanField(label=_("展开集合为各镇街"), required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("全部板块"))] + [(str(g.number), str(g)) for g in groups] + [("m", _("保障措施"))]
        self.fields["group"] = forms.ChoiceField(label=_("任务板块"), required=False, choices=choices)

    def value(self, name):
        return self.cleaned_data.get(name) if self.is_valid() else None
