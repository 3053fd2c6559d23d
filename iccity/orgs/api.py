"""Read-only unit API: the registry and each unit's assignments in the current version of every plan."""
from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from . import unit_work
from .models import Unit

router = Router(tags=["单位"])


class UnitOut(Schema):
    id: int = Field(..., description="单位编号")
    name: str = Field(..., description="名称（方案中的写法）")
    full_name: str = Field(..., description="全称")
    unit_type: str = Field(..., description="单位类型，如 bureau 区政府部门、town 镇、collective 集合")
    unit_type_label: str = Field(..., description="单位类型（中文）")
    verified: bool = Field(..., description="已核实")
    active: bool = Field(..., description="在用")
    aliases: list[str] = Field(..., description="别名")
    source: str = Field(..., description="来源")
    lead_tasks: int = Field(0, description="牵头任务数（各方案最新版）")
    co_tasks: int = Field(0, description="配合任务数（各方案最新版，含经由集合）")


class UnitAssignmentOut(Schema):
    plan: str = Field(..., description="方案标识")
    version: int = Field(..., description="版本号")
    task: str = Field(..., description="任务编号")
    task_title: str = Field(..., description="任务标题")
    role: str = Field(..., description="lead 牵头 / co 配合")
    role_source: str = Field(..., description="角色来源")
    via: str = Field("", description="经由的集合，直接列示为空")


class UnitDetailOut(UnitOut):
    notes: str = Field(..., description="备注")
    division_code: str = Field(..., description="区划代码")
    members: list[str] = Field(..., description="集合的成员单位（普通单位为空）")
    assignments: list[UnitAssignmentOut] = Field(..., description="在各方案最新版本中的分工")


def _unit_out(unit: Unit, counts: dict) -> dict:
    c = counts.get(unit.pk, {})
    return {"id": unit.pk, "name": unit.name, "full_name": unit.full_name, "unit_type": unit.unit_type,
            "unit_type_label": unit.get_unit_type_display(), "verified": unit.verified, "active": unit.active,
            "aliases": [a.alias for a in unit.aliases.all()], "source": unit.source,
            "lead_tasks": c.get("lead", 0), "co_tasks": c.get("co", 0)}


@router.get("/", response=list[UnitOut], summary="单位列表")
def list_units(request, unit_type: str | None = None, q: str | None = None):
    """`unit_type` 单位类型；`q` 名称、全称或别名中包含的文字。"""
    units = Unit.objects.prefetch_related("aliases")
    if unit_type:
        units = units.filter(unit_type=unit_type)
    if q:
        units = units.filter(Q(name__icontains=q) | Q(full_name__icontains=q) | Q(aliases__alias__icontains=q)).distinct()
    counts = unit_work.task_counts()
    return [_unit_out(u, counts) for u in units]


@router.get("/{unit_id}", response=UnitDetailOut, summary="单位详情（含分工）")
def unit_detail(request, unit_id: int):
    unit = get_object_or_404(Unit.objects.prefetch_related("aliases"), pk=unit_id)
    rows = unit_work.assignments(unit)
    assignments = [
        {"plan": a.task.version.plan.slug, "version": a.task.version.number, "task": a.task.key,
         "task_title": a.task.title, "role": a.role, "role_source": a.role_source, "via": a.via}
        for a in sorted(rows, key=lambda a: (a.task.version.plan.slug, a.task.kind != "task", a.task.number))
    ]
    return {**_unit_out(unit, unit_work.task_counts()), "notes": unit.notes, "division_code": unit.division_code,
            "members": [m.name for m in unit.resolve_members()] if unit.is_collective else [],
            "assignments": assignments}
