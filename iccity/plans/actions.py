"""State changes of plans. Views, API, admin and the CLI call these; each is one transaction with audit records."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from iccity.core import policy
from iccity.core.actions import record_audit
from iccity.orgs.actions import do_ensure_units

from .diff import VersionDiff, diff_versions
from .models import (
    Assignment, AssignmentRole, Goal, ImportDraft, Measure, Milestone, Plan, PlanVersion, RoleSource, Target, Task,
    TaskGroup, TaskKind,
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
    return _import_parsed(parsed, data, filename, actor=actor, plan_slug=plan_slug, note=note)


def _import_parsed(parsed: ParsedPlan, data: bytes, filename: str, *, actor, plan_slug: str | None, note: str,
                   corrections: list[dict] | None = None) -> ImportOutcome:
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        plan = _find_or_create_plan(parsed, plan_slug, actor)
        latest = plan.versions.select_for_update().order_by("-number").first()
        if latest is not None and latest.source_sha256 == digest and not corrections:
            return ImportOutcome(plan=plan, version=latest, created=False, warnings=latest.warnings)
        stored = parsed.to_dict()
        if corrections:
            stored["corrections"] = corrections
        version = PlanVersion.objects.create(
            plan=plan,
            number=(latest.number + 1) if latest else 1,
            title=parsed.title or plan.name,
            issuer=parsed.issuer or "",
            issued_on=dt.date.fromisoformat(parsed.date) if parsed.date else None,
            source_filename=Path(filename).name[:255],
            source_format=parsed.source_format,
            source_sha256=digest,
            parsed=stored,
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
                   "created_units": created_units, "corrections": len(corrections or [])},
            note=(diff.summary() if diff else "基线版本") + (f"；审核更正{len(corrections)}处" if corrections else "")
            + (f"；{note}" if note else ""),
        )
        for task in version.tasks.all():
            changes = [c for c in corrections or [] if c.get("key") == task.key]
            if changes:
                # the task's own trail shows what the office changed before import
                record_audit(actor, "plans.task.corrected_in_review", task,
                             before={c["op"]: c["before"] for c in changes},
                             after={c["op"]: c["after"] for c in changes},
                             note="；".join(c["summary"] for c in changes))
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
    Milestone.objects.bulk_create([
        Milestone(version=version, position=i, title=m.title[:100], text=(m.text or "")[:300], source_line=m.line,
                  starts_on=dt.date.fromisoformat(m.start) if m.start else None,
                  due_on=dt.date.fromisoformat(m.due) if m.due else None)
        for i, m in enumerate(parsed.milestones, start=1)
    ])
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
        group=groups.get(item.group) if item.group is not None else None, title=item.title[:300], text=item.text,
        source_line=item.line, deadline=dt.date.fromisoformat(item.deadline) if item.deadline else None,
        deadline_text=(item.deadline_text or "")[:100],
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
    policy.check_actor(actor, "plans.import_plan")
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


# -- review before import (issue 14) -------------------------------------------------------------------------------

def low_confidence(parsed: dict, threshold: float) -> list[dict]:
    """Tasks of a parsed dict whose own confidence or any assignment's is below ``threshold``, lowest first."""
    out = []
    for index, task in enumerate(parsed.get("tasks") or []):
        units = task.get("units") or []
        score = min([task.get("confidence", 1.0), *(u.get("confidence", 1.0) for u in units)])
        if score < threshold:
            reasons = [task.get("reason") or ""] if task.get("confidence", 1.0) < threshold else []
            reasons += [f"{u['name']}：{u.get('reason') or ''}" for u in units if u.get("confidence", 1.0) < threshold]
            out.append({"index": index, "confidence": score, "reasons": [r for r in reasons if r]})
    return sorted(out, key=lambda row: (row["confidence"], row["index"]))


def do_start_import(data: bytes, filename: str, *, actor=None, plan_slug: str | None = None, note: str = "",
                    accept: bool = False) -> ImportOutcome | ImportDraft:
    """Parse an upload; import it when nothing is below the review threshold (or ``accept``: the office takes the
    parse as it is, which the audit record says), else keep it as an ``ImportDraft`` for review. Nothing is
    written when the document cannot be parsed."""
    from .parsing import parse_document
    policy.check_actor(actor, "plans.import_plan")
    from .rules import review_threshold

    max_bytes = settings.ICCITY_MAX_UPLOAD_BYTES
    if len(data) > max_bytes:
        raise PlanReadError(f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {max_bytes // 1024 // 1024} MB")
    document, parsed = parse_document(data, filename)
    threshold = review_threshold()
    stored = parsed.to_dict()
    low = low_confidence(stored, threshold)
    if not low or accept:
        return _import_parsed(parsed, data, filename, actor=actor, plan_slug=plan_slug,
                              note=note + (f"（{len(low)}项低于审核阈值，未经审核按解析结果导入）" if low else ""))
    for n, task in enumerate(stored["tasks"], start=1):
        task["uid"] = f"d{n}"
    with transaction.atomic():
        draft = ImportDraft.objects.create(
            plan_slug=plan_slug or "", source_filename=Path(filename).name[:255], source_format=parsed.source_format,
            source_sha256=hashlib.sha256(data).hexdigest(), data=data, source_lines=list(document.lines),
            parsed=stored, threshold=threshold, note=note,
            created_by=actor if getattr(actor, "is_authenticated", False) else None)
        record_audit(actor, "plans.import_draft.created", draft,
                     after={"file": draft.source_filename, "tasks": len(stored["tasks"]), "below_threshold": len(low),
                            "threshold": threshold})
    return draft


_ROLES = {"lead": "牵头", "co": "配合"}


@transaction.atomic
def do_correct_draft(draft: ImportDraft, op: str, index: int, *, actor, title: str = "", units=None,
                     deadline: str = "", at: int = 1) -> ImportDraft:
    """One correction of a pending draft: ``title`` / ``units`` ([{name, role}]) / ``deadline`` (ISO or "") of task
    ``index``, ``split`` it before its sentence ``at``, or ``merge`` it with the next task. Stored in the draft's
    corrections (shown in the version diff after import) and audited."""
    policy.check_actor(actor, "plans.import_plan")
    draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.status != "pending":
        raise ValueError("该导入已完成或已放弃，不能再更正")
    tasks = draft.parsed["tasks"]
    if not 0 <= index < len(tasks):
        raise ValueError("没有这一条任务")
    task = tasks[index]
    before: object
    if op == "title":
        title = title.strip()
        if not title:
            raise ValueError("标题不能为空")
        before, task["title"] = task["title"], title[:300]
        after, summary = title, f"标题“{before}”→“{title}”"
    elif op == "units":
        cleaned = _clean_units(units or [])
        before = [{"name": u["name"], "role": u["role"]} for u in task.get("units") or []]
        old = {u["name"]: u for u in task.get("units") or []}
        task["units"] = [{**old.get(u["name"], {"printed": True}), "name": u["name"], "role": u["role"],
                          "position": n, "role_explicit": True, "confidence": 1.0, "reason": "办公室审核更正"}
                         for n, u in enumerate(cleaned, start=1)]
        after = cleaned
        summary = "单位 " + "、".join(f"{u['name']}（{_ROLES[u['role']]}）" for u in cleaned)
    elif op == "deadline":
        value = dt.date.fromisoformat(deadline).isoformat() if deadline else None
        before, task["deadline"] = task.get("deadline"), value
        after, summary = value, f"完成时限 {before or '无'}→{value or '无'}"
    elif op == "split":
        parts = [task["title"], *(task.get("measures") or [])]     # the item's sentences, title first
        if not 1 <= at < len(parts):
            raise ValueError("请选择从第几句开始拆分（该条至少要有两句）")
        tail = dict(task, uid=f"d{len(tasks) + len(draft.corrections) + 1}", title=parts[at][:300],
                    measures=parts[at + 1:], text="。".join(parts[at:]) + "。",
                    units=[dict(u) for u in task.get("units") or []])
        before = {"title": task["title"]}
        task["measures"] = parts[1:at]
        tasks.insert(index + 1, tail)
        after, summary = {"new_title": tail["title"]}, f"拆分为两项，新增“{tail['title'][:20]}”"
    elif op == "merge":
        if index + 1 >= len(tasks):
            raise ValueError("这是最后一项，没有可合并的下一项")
        nxt = tasks.pop(index + 1)
        before = {"title": task["title"], "merged_title": nxt["title"]}
        task["text"] += nxt["text"]
        task["measures"] = (task.get("measures") or []) + [nxt["title"]] + (nxt.get("measures") or [])
        names = {u["name"] for u in task.get("units") or []}
        task["units"] = (task.get("units") or []) + [u for u in nxt.get("units") or [] if u["name"] not in names]
        after, summary = {"title": task["title"]}, f"与下一项“{nxt['title'][:20]}”合并"
    else:
        raise ValueError(f"未知的更正：{op}")
    task["confidence"] = 1.0
    task["reason"] = (task.get("reason") or "") + "；办公室已审核"
    for n, item in enumerate(tasks, start=1):
        item["number"] = n
    correction = {"op": op, "uid": task["uid"], "before": before, "after": after, "summary": summary,
                  "by": getattr(actor, "username", "") or "", "at": dt.datetime.now().isoformat(timespec="seconds")}
    draft.corrections = [*draft.corrections, correction]
    draft.save(update_fields=["parsed", "corrections"])
    record_audit(actor, "plans.import_draft.corrected", draft, before={"op": op, "value": before},
                 after={"op": op, "value": after}, note=f"任务{task['number']}：{summary}")
    return draft


def _clean_units(units) -> list[dict]:
    out, seen = [], set()
    for unit in units:
        name = re.sub(r"\s+", "", unit.get("name") or "")
        if not name or name in seen:
            continue
        if unit.get("role") not in _ROLES:
            raise ValueError(f"未知角色：{unit.get('role')}")
        seen.add(name)
        out.append({"name": name[:200], "role": unit["role"]})
    if out and not any(u["role"] == "lead" for u in out):
        raise ValueError("至少要有一个牵头单位")
    return out


def do_commit_draft(draft: ImportDraft, *, actor) -> ImportOutcome:
    """Import a reviewed draft as the plan's new version; the corrections go with it (diff and audit)."""
    policy.check_actor(actor, "plans.import_plan")
    with transaction.atomic():
        draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
        if draft.status != "pending":
            raise ValueError("该导入已完成或已放弃")
        parsed = ParsedPlan.from_dict({**draft.parsed,
                                       "tasks": [{k: v for k, v in t.items() if k != "uid"}
                                                 for t in draft.parsed["tasks"]]})
        keys = {t["uid"]: f"T{n}" for n, t in enumerate(draft.parsed["tasks"], start=1)}
        corrections = [{**c, "key": keys.get(c["uid"], "")} for c in draft.corrections]
        outcome = _import_parsed(parsed, bytes(draft.data), draft.source_filename, actor=actor,
                                 plan_slug=draft.plan_slug or None, note=draft.note, corrections=corrections or None)
        draft.version = outcome.version
        draft.save(update_fields=["version"])
        record_audit(actor, "plans.import_draft.committed", draft,
                     after={"version": outcome.version.number, "corrections": len(corrections)})
    return outcome


@transaction.atomic
def do_discard_draft(draft: ImportDraft, *, actor) -> ImportDraft:
    policy.check_actor(actor, "plans.import_plan")
    draft = ImportDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.status != "pending":
        raise ValueError("该导入已完成或已放弃")
    from django.utils import timezone

    draft.discarded_at = timezone.now()
    draft.save(update_fields=["discarded_at"])
    record_audit(actor, "plans.import_draft.discarded", draft, after={"file": draft.source_filename})
    return draft
