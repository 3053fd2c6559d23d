"""Form validation for the delivery pages. Forms only check input; the actions decide and write."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from iccity.orgs.models import Person, Role, Unit
from iccity.plans.models import Task

from .models import WorkItem, WorkItemKind, WorkItemState

TEXTAREA = {"rows": 5}
MAX_FIGURES = 30


class ReportForm(forms.Form):
    narrative = forms.CharField(label=_("工作进展"), required=False, widget=forms.Textarea(attrs=TEXTAREA),
                                help_text=_("本期做了什么、取得了哪些成效（提交时必填）"))
    progress = forms.IntegerField(label=_("完成进度（%）"), required=False, min_value=0, max_value=100,
                                  widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100}))
    completed_items = forms.ModelMultipleChoiceField(label=_("本期完成事项"), required=False,
                                                     queryset=WorkItem.objects.none(), widget=forms.CheckboxSelectMultiple)
    problems = forms.CharField(label=_("存在问题"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_steps = forms.CharField(label=_("下步打算"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["completed_items"]
        field.queryset = WorkItem.objects.filter(pk__in=[i.pk for i in items])
        # Choices from the list the page already loaded: rendering must not query per item.
        field.choices = [(i.pk, i.title) for i in items]

    def action_data(self) -> dict:
        data = {k: self.cleaned_data[k] for k in ("narrative", "progress", "problems", "next_steps")}
        data["completed_items"] = list(self.cleaned_data["completed_items"])
        return data


def parse_figures(post) -> tuple[list[dict], list[str]]:
    """Rows of 数据 from parallel ``fig_name``/``fig_value``/``fig_unit`` lists; blank rows are dropped."""
    names, values, units = (post.getlist(k) for k in ("fig_name", "fig_value", "fig_unit"))
    rows, errors = [], []
    for index, (name, value, unit) in enumerate(zip(names, values, units), start=1):
        name, value, unit = name.strip(), value.strip(), unit.strip()
        if not (name or value or unit):
            continue
        if not name:
            errors.append(_("第%(n)s行数据缺少名称") % {"n": index})
        try:
            Decimal(value.replace(",", ""))
        except InvalidOperation:
            errors.append(_("“%(name)s”的数值“%(value)s”不是数字") % {"name": name or index, "value": value})
        rows.append({"name": name[:100], "value": value.replace(",", "")[:40], "unit": unit[:20]})
    if len(rows) > MAX_FIGURES:
        errors.append(_("数据最多 %(n)s 行") % {"n": MAX_FIGURES})
    return rows, errors


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("意见"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReturnAssignmentForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), max_length=2000,
                             error_messages={"required": _("退回必须说明理由，以便办公室改派")})


class DateInput(forms.DateInput):
    input_type = "date"


class WorkItemForm(forms.Form):
    title = forms.CharField(label=_("事项"), max_length=300)
    kind = forms.ChoiceField(label=_("类型"), choices=WorkItemKind.choices, initial=WorkItemKind.MILESTONE)
    deadline = forms.DateField(label=_("完成时限"), required=False, widget=DateInput,
                               help_text=_("留空则继承上级事项或方案截止日期"))
    deliverable = forms.CharField(label=_("成果形式"), max_length=300, required=False)
    lead_unit = forms.ModelChoiceField(label=_("牵头单位"), queryset=Unit.objects.none())
    co_units = forms.ModelMultipleChoiceField(label=_("配合单位"), queryset=Unit.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    parent = forms.ModelChoiceField(label=_("上级事项"), queryset=WorkItem.objects.none(), required=False)

    def __init__(self, *args, units=(), items=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lead_unit", "co_units"):
            self.fields[name].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
            self.fields[name].choices = ([("", "—")] if name == "lead_unit" else []) + [(u.pk, u.name) for u in units]
        parents = [i for i in items if i.state in (WorkItemState.PROPOSED, WorkItemState.ACTIVE)]
        self.fields["parent"].queryset = WorkItem.objects.filter(pk__in=[i.pk for i in parents])
        self.fields["parent"].choices = [("", _("（无，顶层事项）"))] + [(i.pk, i.title) for i in parents]


class WorkItemEditForm(forms.Form):
    title = forms.CharField(label=_("事项"), max_length=300)
    deliverable = forms.CharField(label=_("成果形式"), max_length=300, required=False)
    deadline = forms.DateField(label=_("完成时限"), required=False, widget=DateInput)


class ExtensionForm(forms.Form):
    new_deadline = forms.DateField(label=_("申请延至"), widget=DateInput)
    reason = forms.CharField(label=_("延期理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(forms.Form):
    note = forms.CharField(label=_("审批意见"), required=False, max_length=2000)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("批示/意见"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class OverviewFilterForm(forms.Form):
    SORTS = [("name", _("按名称")), ("overdue", _("逾期多的在前")), ("returned", _("退回多的在前")),
             ("unack", _("未签收多的在前")), ("escalated", _("督办多的在前"))]
    cycle = forms.ChoiceField(label=_("报告周期"), required=False)
    task_force = forms.ChoiceField(label=_("专班"), required=False)
    unit = forms.ChoiceField(label=_("单位"), required=False)
    sort = forms.ChoiceField(label=_("排序"), choices=SORTS, required=False)

    def __init__(self, *args, cycles=(), task_forces=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [(str(c.pk), c.label) for c in cycles]
        self.fields["task_force"].choices = [("", _("全部专班"))] + [(str(t.pk), t.name) for t in task_forces]
        self.fields["unit"].choices = [("", _("全部单位"))] + [(str(u["pk"]), u["name"]) for u in units]

    def value(self, name: str) -> str:
        return self.cleaned_data.get(name) or "" if self.is_valid() else ""


class TaskForceForm(forms.Form):
    name = forms.CharField(label=_("专班名称"), max_length=200)
    host_unit = forms.ModelChoiceField(label=_("牵头单位"), queryset=Unit.objects.exclude(unit_type="collective"),
                                       required=False)


class MemberForm(forms.Form):
    person = forms.ModelChoiceField(label=_("人员"), queryset=Person.objects.select_related("unit"))
    role = forms.ChoiceField(label=_("角色"), choices=[(Role.TASK_FORCE_LEAD, _("专班负责人")),
                                                     (Role.TASK_FORCE_MEMBER, _("专班成员"))])


class DrivenTasksForm(forms.Form):
    tasks = forms.ModelMultipleChoiceField(label=_("负责的任务"), queryset=Task.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, tasks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = Task.objects.filter(pk__in=[t.pk for t in tasks])
        self.fields["tasks"].choices = [(t.pk, f"{t.key} {t.title}") for t in tasks]

