"""State changes of the unit registry. Views, admin and commands call these; each is one transaction with an audit record."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from iccity.core.actions import record_audit

from .models import CollectiveRule, LeadingGroup, Unit, UnitAlias, UnitType
from .registry import UnitMatcher, alias_candidates, guess_unit_type
from iccity.core import policy

DEFAULT_REGISTRY = Path(__file__).parent / "data" / "xiqing-units.toml"

UNIT_FIELDS = ("name", "full_name", "unit_type", "collective_rule", "agriculture_related", "division_code", "verified", "source", "notes", "active")


def unit_snapshot(unit: Unit) -> dict:
    return {f: getattr(unit, f) for f in UNIT_FIELDS}


@dataclass
class RegistryLoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    aliases_added: int = 0


def _unit_rows(data: dict):
    """Flatten the TOML groups into one row per unit, in file order."""
    default_source = data.get("defaults", {}).get("plan_source", "")
    for group in data.get("unit", []):
        for name in group.get("names", []):
            code = group.get("codes", {}).get(name, "")
            notes = " ".join(filter(None, [group.get("notes", ""), group.get("agriculture_note", "")]))
            source = group.get("source") or default_source
            if code and group.get("code_source"):
                notes = " ".join(filter(None, [notes, f"区划代码来源：{group['code_source']}"]))
            yield {
                "name": name,
                "unit_type": group["type"],
                "verified": group.get("verified", False),
                "agriculture_related": group.get("agriculture_related", False),
                "division_code": code,
                "source": source,
                "notes": notes,
            }, []
        for collective in group.get("collectives", []):
            yield {
                "name": collective["name"],
                "unit_type": UnitType.COLLECTIVE,
                "collective_rule": collective["rule"],
                "verified": group.get("verified", False),
                "source": default_source,
                "notes": collective.get("notes", ""),
            }, collective.get("aliases", [])


@transaction.atomic
def do_load_registry(path: Path | str = DEFAULT_REGISTRY, *, actor=None, update: bool = False) -> RegistryLoadResult:
    """Load units, aliases and the leading group from a TOML file. Adds what is missing; ``update`` also rewrites
    fields of existing units (otherwise an administrator's edits are kept)."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    result = RegistryLoadResult()
    for order, (row, extra_aliases) in enumerate(_unit_rows(data), start=1):
        row["sort_order"] = order
        unit = Unit.objects.filter(name=row["name"]).first()
        if unit is None:
            unit = Unit.objects.create(**row)
            record_audit(actor, "orgs.unit.created", unit, after=unit_snapshot(unit), note=f"从名录文件 {Path(path).name} 载入")
            result.created.append(unit.name)
        elif update:
            before = unit_snapshot(unit)
            for key, value in row.items():
                setattr(unit, key, value)
            unit.save()
            if before != unit_snapshot(unit):
                record_audit(actor, "orgs.unit.updated", unit, before=before, after=unit_snapshot(unit), note="名录文件更新")
                result.updated.append(unit.name)
        for alias in sorted(alias_candidates(unit.name) | set(extra_aliases)):
            _, made = UnitAlias.objects.get_or_create(alias=alias, defaults={"unit": unit})
            result.aliases_added += made
    for entry in data.get("alias", []):
        unit = Unit.objects.get(name=entry["unit"])
        for alias in entry["aliases"]:
            _, made = UnitAlias.objects.get_or_create(alias=alias, defaults={"unit": unit})
            result.aliases_added += made
    if "leading_group" in data:
        lg = data["leading_group"]
        group, made = LeadingGroup.objects.get_or_create(
            name=lg["name"], defaults={"office_name": lg.get("office_name", ""), "source": lg.get("source", "")}
        )
        if made:
            record_audit(actor, "orgs.leading_group.created", group, note="从名录文件载入")
    return result


def do_ensure_units(names: list[str], *, actor=None, context: str = "") -> tuple[dict[str, Unit], list[str]]:
    """Map document names to units, creating unverified units for names the registry does not know.

    Must run inside the caller's transaction (plan import) so a failed import leaves no stray units.
    Returns the mapping and the names that were created.
    """
    matcher = UnitMatcher()
    mapping: dict[str, Unit] = {}
    created: list[str] = []
    for name in names:
        unit = matcher.match(name)
        if unit is None:
            unit_type = guess_unit_type(name)
            unit = Unit.objects.create(
                name=name,
                unit_type=unit_type,
                collective_rule=CollectiveRule.MANUAL if unit_type == UnitType.COLLECTIVE else "",
                verified=False,
                source=context,
                notes="导入方案时自动创建，类型为推测，请核实。",
            )
            record_audit(actor, "orgs.unit.created", unit, after=unit_snapshot(unit), note=context)
            matcher.remember(unit)
            created.append(name)
        mapping[name] = unit
    return mapping, created


@transaction.atomic
def do_update_unit(unit: Unit, changes: dict, *, actor) -> Unit:
    before = unit_snapshot(unit)
    for key, value in changes.items():
        if key not in UNIT_FIELDS:
            raise ValueError(f"不能修改字段 {key}")
        setattr(unit, key, value)
    unit.full_clean()
    unit.save()
    record_audit(actor, "orgs.unit.updated", unit, before=before, after=unit_snapshot(unit))
    return unit


# ---------------------------------------------------------------- task forces (专班) and their members

TASK_FORCE_ROLES = ("task_force_lead", "task_force_member")


@transaction.atomic
def do_create_task_force(name: str, *, actor, host_unit: Unit | None = None, leading_group: LeadingGroup | None = None,
                         description: str = ""):
    policy.check_actor(actor, "orgs.manage_task_forces")
    from iccity.core.actions import ActionRefused

    from .models import TaskForce

    name = name.strip()
    if not name:
        raise ActionRefused("专班名称不能为空")
    group = leading_group or LeadingGroup.objects.order_by("pk").first()
    if group is None:
        raise ActionRefused("尚未建立领导小组，请先载入单位名录")
    if TaskForce.objects.filter(leading_group=group, name=name).exists():
        raise ActionRefused(f"专班“{name}”已存在")
    force = TaskForce.objects.create(leading_group=group, name=name, host_unit=host_unit, description=description)
    record_audit(actor, "orgs.task_force.created", force,
                 after={"name": name, "host_unit": host_unit.name if host_unit else None})
    return force


@transaction.atomic
def do_set_task_force_member(task_force, person, role: str, *, actor):
    """A person holds one role per task force: setting lead replaces member and vice versa."""
    policy.check_actor(actor, "orgs.manage_task_forces")
    from iccity.core.actions import ActionRefused

    from .models import RoleAssignment

    if role not in TASK_FORCE_ROLES:
        raise ActionRefused("专班角色只能是专班负责人或专班成员")
    current = list(RoleAssignment.objects.select_for_update().filter(person=person, task_force=task_force,
                                                                      role__in=TASK_FORCE_ROLES))
    before = sorted(r.role for r in current)
    if before == [role]:
        return current[0]
    RoleAssignment.objects.filter(pk__in=[r.pk for r in current]).delete()
    assignment = RoleAssignment.objects.create(person=person, role=role, task_force=task_force)
    record_audit(actor, "orgs.task_force.member_set", task_force, before={"person": person.name, "roles": before},
                 after={"person": person.name, "roles": [role]})
    return assignment


@transaction.atomic
def do_remove_task_force_member(task_force, person, *, actor) -> None:
    policy.check_actor(actor, "orgs.manage_task_forces")
    from iccity.core.actions import ActionRefused

    from .models import RoleAssignment

    rows = RoleAssignment.objects.filter(person=person, task_force=task_force, role__in=TASK_FORCE_ROLES)
    roles = sorted(rows.values_list("role", flat=True))
    if not roles:
        raise ActionRefused(f"{person.name} 不是该专班成员")
    rows.delete()
    record_audit(actor, "orgs.task_force.member_removed", task_force, before={"person": person.name, "roles": roles})
