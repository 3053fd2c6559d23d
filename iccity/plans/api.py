"""Read-only plan API: plans, versions, tasks (with units, measures, targets) and assignments.

Every endpoint reads one version: ``?version=N``, default the latest. Units are given as listed in the document;
``members`` lists the real units a collective was expanded into.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from .models import Assignment, Plan, PlanVersion, Task, TaskKind

router = Router(tags=["方案"])


class VersionOut(Schema):
    number: int = Field(..., description="版本号，1 为基线")
    title: str = Field(..., description="方案标题")
    issuer: str = Field(..., description="发文机关")
    issued_on: dt.date | None = Field(None, description="成文日期")
    source_filename: str = Field(..., description="源文件名")
    source_format: str = Field(..., description="源文件格式 txt/docx/pdf")
    imported_at: dt.datetime = Field(..., description="导入时间")
    is_baseline: bool = Field(..., description="是否基线版本")
    note: str = Field("", description="说明")


class PlanOut(Schema):
    slug: str = Field(..., description="方案标识，用于网址")
    name: str = Field(..., description="方案名称")
    report_cycle: str = Field(..., description="报告周期 monthly/quarterly")
    current_version: int | None = Field(None, description="最新版本号")
    url: str = Field(..., description="方案总览页面")


class GoalOut(Schema):
    year: int | None = Field(None, description="目标年份")
    text: str = Field(..., description="目标内容")


class GroupOut(Schema):
    number: int = Field(..., description="板块序号")
    title: str = Field(..., description="板块标题")


class PlanDetailOut(PlanOut):
    versions: list[VersionOut] = Field(..., description="全部版本，新版在前")
    goals: list[GoalOut] = Field(..., description="最新版本的工作目标")
    groups: list[GroupOut] = Field(..., description="最新版本的任务板块")


class MemberOut(Schema):
    id: int = Field(..., description="单位编号")
    name: str = Field(..., description="单位名称")


class TaskUnitOut(Schema):
    unit_id: int = Field(..., description="单位编号")
    unit: str = Field(..., description="单位名称（名录）")
    listed_name: str = Field(..., description="原文写法")
    position: int = Field(..., description="列示顺序，1 为首位")
    role: str = Field(..., description="角色：lead 牵头 / co 配合")
    role_source: str = Field(..., description="角色来源：default 默认 / explicit 原文明确 / override 人工调整")
    members: list[MemberOut] = Field(default_factory=list, description="集合展开后的成员单位")


class TaskOut(Schema):
    key: str = Field(..., description="编号，T8 = 第8项重点任务，M3 = 保障措施（三）")
    kind: str = Field(..., description="类别：task 重点任务 / guarantee 保障措施")
    number: int = Field(..., description="序号")
    group: int | None = Field(None, description="所属板块序号")
    group_title: str = Field("", description="所属板块标题")
    title: str = Field(..., description="标题")
    units: list[TaskUnitOut] = Field(..., description="责任单位，按原文顺序")


class TargetOut(Schema):
    text: str = Field(..., description="原文")
    subject: str = Field(..., description="对象")
    kind: str = Field(..., description="类型")
    comparator: str = Field(..., description="比较方式")
    value: float | None = Field(None, description="数值")
    upper: float | None = Field(None, description="上限")
    unit: str = Field(..., description="计量单位")
    year: int | None = Field(None, description="目标年份")
    baseline_year: int | None = Field(None, description="基期年份")
    status: str = Field(..., description="状态：proposed 待确认 / confirmed 已确认 / rejected 不采用")


class TaskDetailOut(TaskOut):
    version: int = Field(..., description="版本号")
    text: str = Field(..., description="全文")
    measures: list[str] = Field(..., description="具体举措（逐句）")
    targets: list[TargetOut] = Field(..., description="量化目标")


class AssignmentOut(Schema):
    id: int = Field(..., description="分工编号")
    task: str = Field(..., description="任务编号")
    task_title: str = Field(..., description="任务标题")
    unit_id: int = Field(..., description="单位编号")
    unit: str = Field(..., description="单位名称")
    listed_name: str = Field(..., description="原文写法（展开行为空）")
    position: int = Field(..., description="列示顺序")
    role: str = Field(..., description="lead 牵头 / co 配合")
    role_source: str = Field(..., description="角色来源")
    via: str = Field("", description="经由的集合（如 各镇人民政府和街道办事处），直接列示为空")


# ---------------------------------------------------------------- helpers

def _version(plan: Plan, number: int | None) -> PlanVersion:
    versions = plan.versions.all()
    if number is not None:
        return get_object_or_404(versions, number=number)
    return get_object_or_404(versions.order_by("-number")[:1])


def _plan_out(plan: Plan, current: int | None) -> dict:
    return {"slug": plan.slug, "name": plan.name, "report_cycle": plan.report_cycle, "current_version": current,
            "url": plan.get_absolute_url()}


def _units_of(task: Task) -> list[dict]:
    rows = list(task.assignments.all())
    children: dict[int, list] = {}
    for a in rows:
        if a.parent_id:
            children.setdefault(a.parent_id, []).append({"id": a.unit_id, "name": a.unit.name})
    return [
        {"unit_id": a.unit_id, "unit": a.unit.name, "listed_name": a.listed_name, "position": a.position, "role": a.role,
         "role_source": a.role_source, "members": children.get(a.pk, [])}
        for a in sorted((a for a in rows if a.parent_id is None), key=lambda a: a.position)
    ]


def _task_out(task: Task) -> dict:
    return {"key": task.key, "kind": task.kind, "number": task.number,
            "group": task.group.number if task.group else None, "group_title": task.group.title if task.group else "",
            "title": task.title, "units": _units_of(task)}


def _unit_filter(value: str, prefix: str = "") -> Q:
    """A unit given as its id or its name."""
    if value.isdigit():
        return Q(**{f"{prefix}unit_id": int(value)})
    return Q(**{f"{prefix}unit__name": value}) | Q(**{f"{prefix}unit__aliases__alias": value})


_ASSIGNMENTS = Prefetch("assignments", queryset=Assignment.objects.select_related("unit").order_by("position", "id"))


# ---------------------------------------------------------------- endpoints

@router.get("/", response=list[PlanOut], summary="方案列表")
def list_plans(request):
    plans = Plan.objects.prefetch_related("versions")
    return [_plan_out(p, max((v.number for v in p.versions.all()), default=None)) for p in plans]


@router.get("/{slug}", response=PlanDetailOut, summary="方案详情（含版本）")
def plan_detail(request, slug: str):
    plan = get_object_or_404(Plan, slug=slug)
    versions = list(plan.versions.order_by("-number"))
    latest = versions[0] if versions else None
    return {
        **_plan_out(plan, latest.number if latest else None),
        "versions": versions,
        "goals": list(latest.goals.all()) if latest else [],
        "groups": list(latest.groups.all()) if latest else [],
    }


@router.get("/{slug}/tasks", response=list[TaskOut], summary="任务列表")
def list_tasks(request, slug: str, version: int | None = None, group: int | None = None, kind: str | None = None,
               unit: str | None = None):
    """`group` 板块序号；`kind` task/guarantee；`unit` 单位编号或名称（含经由集合承担的任务）。"""
    plan = get_object_or_404(Plan, slug=slug)
    tasks = _version(plan, version).tasks.select_related("group").prefetch_related(_ASSIGNMENTS)
    if group is not None:
        tasks = tasks.filter(group__number=group)
    if kind:
        tasks = tasks.filter(kind=kind)
    if unit:
        tasks = tasks.filter(pk__in=Assignment.objects.filter(_unit_filter(unit)).values("task_id"))
    ordered = sorted(tasks, key=lambda t: (t.kind != TaskKind.TASK, t.number))
    return [_task_out(t) for t in ordered]


@router.get("/{slug}/tasks/{key}", response=TaskDetailOut, summary="任务详情")
def task_detail(request, slug: str, key: str, version: int | None = None):
    plan = get_object_or_404(Plan, slug=slug)
    v = _version(plan, version)
    task = get_object_or_404(
        v.tasks.select_related("group").prefetch_related(_ASSIGNMENTS, "measures", "targets"), key=key.upper()
    )
    return {**_task_out(task), "version": v.number, "text": task.text,
            "measures": [m.text for m in task.measures.all()], "targets": list(task.targets.all())}


@router.get("/{slug}/assignments", response=list[AssignmentOut], summary="责任分工列表")
def list_assignments(request, slug: str, version: int | None = None, task: str | None = None, unit: str | None = None,
                     role: str | None = None, expanded: bool = False):
    """`task` 任务编号（T8/M3）；`unit` 单位编号或名称；`role` lead/co；`expanded=true` 包含集合展开出的各镇街。"""
    plan = get_object_or_404(Plan, slug=slug)
    rows = (Assignment.objects.filter(task__version=_version(plan, version))
            .select_related("task", "unit", "parent__unit").order_by("task__kind", "task__number", "position", "id"))
    if not expanded:
        rows = rows.filter(parent__isnull=True)
    if task:
        rows = rows.filter(task__key=task.upper())
    if unit:
        rows = rows.filter(_unit_filter(unit)).distinct()
    if role:
        rows = rows.filter(role=role)
    return [
        {"id": a.pk, "task": a.task.key, "task_title": a.task.title, "unit_id": a.unit_id, "unit": a.unit.name,
         "listed_name": a.listed_name, "position": a.position, "role": a.role, "role_source": a.role_source,
         "via": (a.parent.listed_name or a.parent.unit.name) if a.parent_id else ""}
        for a in sorted(rows, key=lambda a: (a.task.kind != TaskKind.TASK, a.task.number, a.position, a.pk))
    ]
