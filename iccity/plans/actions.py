"""State changes of plans. Views, API, admin and the CLI call these; each is one transaction with audit records."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from iccity.core.actions import record_audit
from iccity.orgs.actions import do_ensure_units

from .diff import VersionDiff, diff_versions
from .models import (
    Assignment, AssignmentRole, Goal, Measure, Plan, PlanVersion, RoleSource, Target, Task, TaskGroup, TaskKind,
)
from .parsing import PlanReadError, parse_bytes
from .parsing.result import ParsedPlan, ParsedTask

XIQING_PLAN_SLUG = "xiqing-icc"
XIQING_PLAN_FILE = Path(settings.PROJECT_DIR) / "data" / "xiqing-icc-action-plan-2023-2027.txt"


@dataclass
class ImportOutcome:
    plan: Plan
    version: PlanVersion
    created: bool                       # False: the same file was imported before; nothing was written
    diff: VersionDiff | None = None     # against the previous version
    created_units: list[str] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)


def _refuse_zip_bomb(data: bytes) -> None:
    """A .docx is a zip: check it for bombs before the (Django-free) parser inflates it (issue 12 item 2)."""
    from iccity.core import uploads

    if data[:4] == b"PK\x03\x04":
        try:
            uploads.check_zip(data, what="方案文件")
        except uploads.UploadRefused as exc:
            raise PlanReadError(exc.message) from None


def do_import_plan(
    data: bytes, filename: str, *, actor=None, plan_slug: str | None = None, note: str = ""
) -> ImportOutcome:
    """Parse a document and store it as a new version of its plan.

    Parsing happens before any write: a document that cannot be parsed writes nothing. Re-importing the file of the
    latest version changes nothing. A different file becomes version n+1, with its diff against version n.
    """
    max_bytes = settings.ICCITY_MAX_UPLOAD_BYTES
    if len(data) > max_bytes:
        raise PlanReadError(f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {max_bytes // 1024 // 1024} MB")
    _refuse_zip_bomb(data)
    parsed = parse_bytes(data, filename)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        plan = _find_or_create_plan(parsed, plan_slug, actor)
        latest = plan.versions.select_for_update().order_by("-number").first()
        if latest is not None and latest.source_sha256 == digest:
            return ImportOutcome(plan=plan, version=latest, created=False, warnings=latest.warnings)
        version = PlanVersion.objects.create(
            plan=plan,
            number=(latest.number + 1) if latest else 1,
            title=parsed.title or plan.name,
            issuer=parsed.issuer or "",
            issued_on=dt.date.fromisoformat(parsed.date) if parsed.date else None,
            source_filename=Path(filename).name[:255],
            source_format=parsed.source_format,
            source_sha256=digest,
            parsed=parsed.to_dict(),
            warnings=[{"line": w.line, "message": w.message} for w in parsed.warnings],
            imported_by=actor if getattr(actor, "is_authenticated", False) else None,
            note=note,
        )
        created_units = _store_content(version, parsed, actor)
        diff = diff_versions(latest, version) if latest else None
        record_audit(
            actor, "plans.version.imported", version,
            after={"number": version.number, "sha256": digest, "tasks": len(parsed.tasks),
                   "measures": len(parsed.measures), "assignments": parsed.assignment_count,
                   "created_units": created_units},
            note=(diff.summary() if diff else "基线版本") + (f"；{note}" if note else ""),
        )
    return ImportOutcome(plan=plan, version=version, created=True, diff=diff, created_units=created_units,
                         warnings=version.warnings)


def _find_or_create_plan(parsed: ParsedPlan, slug: str | None, actor) -> Plan:
    if slug:
        plan = Plan.objects.filter(slug=slug).first()
    else:
        plan = Plan.objects.filter(name=parsed.title).first() if parsed.title else None
        slug = f"plan-{Plan.objects.count() + 1}"
        while Plan.objects.filter(slug=slug).exists():
            slug += "-1"
    if plan is None:
        starts_on, ends_on = plan_period(parsed.title or "")
        plan = Plan.objects.create(slug=slug, name=parsed.title or "未命名方案", starts_on=starts_on, ends_on=ends_on)
        record_audit(actor, "plans.plan.created", plan, after={"slug": plan.slug, "name": plan.name})
    return plan


_PERIOD = re.compile(r"[（(](\d{4})\s*[—–\-－~～至]+\s*(\d{4})年?[)）]")


def plan_period(title: str) -> tuple[dt.date | None, dt.date | None]:
    """The implementation period from a title such as 《…行动方案（2023—2027年）》."""
    match = _PERIOD.search(title)
    if not match:
        return None, None
    return dt.date(int(match.group(1)), 1, 1), dt.date(int(match.group(2)), 12, 31)


def _store_content(version: PlanVersion, parsed: ParsedPlan, actor) -> list[str]:
    names = parsed.distinct_unit_names()
    units, created = do_ensure_units(names, actor=actor, context=f"导入《{version.title}》第{version.number}版时出现")
    Goal.objects.bulk_create(
        [Goal(version=version, year=g.year, text=g.text, position=i) for i, g in enumerate(parsed.goals, start=1)]
    )
    groups = {g.number: TaskGroup.objects.create(version=version, number=g.number, title=g.title) for g in parsed.groups}
    tasks_by_number: dict[tuple[str, int], Task] = {}
    for kind, items in ((TaskKind.TASK, parsed.tasks), (TaskKind.GUARANTEE, parsed.measures)):
        for item in items:
            task = _store_task(version, kind, item, groups, units)
            tasks_by_number[(kind, item.number)] = task
    Target.objects.bulk_create([
        Target(
            version=version,
            task=tasks_by_number.get((TaskKind.GUARANTEE if t.owner_kind == "measure" else TaskKind.TASK, t.task_number))
            if t.task_number is not None and t.owner_kind != "goal" else None,
            text=t.text, subject=t.subject, kind=t.kind, comparator=t.comparator, value=t.value, upper=t.upper,
            unit=t.unit, year=t.year, baseline_year=t.baseline_year, reference=t.reference,
        )
        for t in parsed.targets
    ])
    return created


def _store_task(version, kind, item: ParsedTask, groups, units) -> Task:
    task = Task.objects.create(
        version=version, kind=kind, number=item.number, key=("T" if kind == TaskKind.TASK else "M") + str(item.number),
        group=groups.get(item.group) if item.group is not None else None, title=item.title, text=item.text,
        source_line=item.line,
    )
    Measure.objects.bulk_create([Measure(task=task, position=i, text=s) for i, s in enumerate(item.measures, start=1)])
    for listed in item.units:
        unit = units[listed.name]
        parent = Assignment.objects.create(
            task=task, unit=unit, listed_name=listed.name, position=listed.position, role=listed.role,
            role_source=RoleSource.EXPLICIT if listed.role_explicit else RoleSource.DEFAULT,
        )
        if unit.is_collective:
            Assignment.objects.bulk_create([
                Assignment(task=task, unit=member, listed_name="", position=listed.position, role=listed.role,
                           role_source=RoleSource.EXPANDED, parent=parent)
                for member in unit.resolve_members() if member.pk != unit.pk
            ])
    return task


@transaction.atomic
def do_set_assignment_role(assignment: Assignment, role: str, *, actor, reason: str) -> Assignment:
    """Override the lead/co role the parser assumed (e.g. the office decides a co-unit leads)."""
    if role not in AssignmentRole.values:
        raise ValueError(f"未知角色：{role}")
    if not reason.strip():
        raise ValueError("调整牵头/配合角色必须说明理由")
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    before = {"role": assignment.role, "role_source": assignment.role_source}
    assignment.role = role
    assignment.role_source = RoleSource.OVERRIDE
    assignment.save(update_fields=["role", "role_source"])
    assignment.expanded.update(role=role)
    record_audit(actor, "plans.assignment.role_changed", assignment, before=before,
                 after={"role": role, "role_source": RoleSource.OVERRIDE}, note=reason)
    return assignment


@transaction.atomic
def do_refresh_collectives(version: PlanVersion, *, actor=None) -> int:
    """Re-expand collective assignments after the registry changed (a town added, 涉农 flags edited)."""
    changed = 0
    for parent in Assignment.objects.filter(task__version=version, parent__isnull=True, unit__unit_type="collective").select_related("unit"):
        wanted = {m.pk for m in parent.unit.resolve_members() if m.pk != parent.unit_id}
        have = set(parent.expanded.values_list("unit_id", flat=True))
        parent.expanded.exclude(unit_id__in=wanted).delete()
        Assignment.objects.bulk_create([
            Assignment(task_id=parent.task_id, unit_id=pk, position=parent.position, role=parent.role,
                       role_source=RoleSource.EXPANDED, parent=parent)
            for pk in wanted - have
        ])
        changed += len(wanted ^ have)
    if changed:
        record_audit(actor, "plans.version.collectives_refreshed", version, after={"changed": changed})
    return changed
