"""台账 round-trip: export the ledger, preview an uploaded one (every cell checked, nothing applied), apply it through
the delivery actions the web forms use.

Where each editable column goes (all through ``iccity.delivery.actions``, never by writing models):

- 完成日期 on a work-item row: the office or the driving task force closes the item (``do_complete_work_item``);
  a unit reports it done in its current-cycle report (``do_save_draft`` adds it to 本期完成事项) and the task force
  closes it after review — the same as ticking it in the report form.
- 延期申请至 + 延期理由 on a work-item row: ``do_request_extension`` (lead unit only; the deadline itself moves
  only when the extension is approved).
- 本期进展 and 完成进度 on a task row: the reporting unit's draft report for the current cycle (``do_save_draft``:
  narrative, progress). A full export shows the lead unit's report; a unit's export shows its own.

A conflict is a row the file changed that was also changed in iccity since the export (its fingerprint in
``LedgerExport.row_versions`` differs from now): it is listed and never applied. We judge the whole row rather
than single columns because the row's meaning hangs together (a completion date typed against a deadline that has
since moved must be looked at again by a person).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from django.core.exceptions import PermissionDenied
from django.db import transaction

from iccity.core import clock, policy
from iccity.core.actions import ActionRefused, ConflictError, record_audit
from iccity.delivery import actions as delivery
from iccity.delivery.models import Report, ReportRevision, WorkItem, WorkItemState
from iccity.delivery.permissions import DENIED_MESSAGES, Perm, Scope, allowed
from iccity.orgs.models import Unit
from iccity.orgs.permissions import Actor

from ..ledger import WorkbookUnreadable, collect_rows, column_header, current_cycles, read_workbook, write_workbook
from ..ledger_columns import BY_KEY, ITEM, SHEET, TASK, CellError, fingerprint, normalise, parse_cell
from ..models import LedgerExport, LedgerImport, LedgerImportState


def as_actor(actor) -> Actor:
    return actor if isinstance(actor, Actor) else Actor.for_user(actor)


def exportable_units(actor) -> list[Unit] | None:
    """Units the actor may export for; ``None`` means all (and the full ledger)."""
    actor = as_actor(actor)
    if actor.office_admin or actor.leader or actor.task_forces:
        return None
    return list(Unit.objects.filter(pk__in=actor.units).order_by("sort_order", "name"))


@transaction.atomic
def do_export_ledger(actor, unit: Unit | None = None) -> tuple[LedgerExport, bytes]:
    """The ledger workbook for all units (office, leaders, task forces) or one unit (its liaison or head)."""
    actor = as_actor(actor)  # None is nobody here (an anonymous Actor, refused); the console passes its own Actor
    policy.check_actor(actor, "reports.export_ledger", unit)
    allowed_units = exportable_units(actor)
    if allowed_units is not None and unit is None:
        if len(allowed_units) > 1:
            raise ActionRefused("您在多个单位任职，请选择要导出的单位")
        unit = allowed_units[0]
    now = clock.now()
    collected = collect_rows(unit=unit, today=clock.today())
    export = LedgerExport.objects.create(
        token=uuid.uuid4().hex, unit=unit, row_versions={r.key: r.version() for r in collected.rows},
        row_count=len(collected.rows), created_by=actor.user, created_at=now,
    )
    data = write_workbook(collected, token=export.token, scope_label=unit.name if unit else "全部单位", exported_at=now)
    record_audit(actor.user, "reports.ledger.exported", export,
                 after={"unit": unit.name if unit else None, "rows": export.row_count})
    return export, data


# -- preview ----------------------------------------------------------------------------------------------------------

def _error(row: int, column: str, message: str) -> dict:
    return {"sheet": SHEET, "row": row, "column": column, "message": message}


def _display(value) -> str:
    return normalise(value)


@transaction.atomic
def do_preview_ledger_import(data: bytes, filename: str, actor) -> LedgerImport:
    """Check every cell of an uploaded ledger and record what applying it would change. Nothing is applied."""
    actor = as_actor(actor)
    if not data:
        raise ActionRefused("上传的文件是空的")
    try:
        token, file_rows, _columns = read_workbook(data)
    except WorkbookUnreadable as exc:
        raise ActionRefused(str(exc)) from None
    export = LedgerExport.objects.select_related("unit").filter(token=token).first()
    if export is None:
        raise ActionRefused(f"找不到导出编号 {token} 对应的台账导出记录：请使用本系统导出的台账")
    policy.check_actor(actor, "reports.import_ledger", export)  # each row is then judged by the delivery rights
    preview = build_preview(export, file_rows, Scope.of(actor), clock.today())
    ledger_import = LedgerImport.objects.create(
        export=export, filename=filename[:255], sha256=hashlib.sha256(data).hexdigest(), preview=preview,
        uploaded_by=actor.user, uploaded_at=clock.now(),
    )
    record_audit(actor.user, "reports.ledger.previewed", ledger_import, after=preview["summary"])
    return ledger_import


def build_preview(export: LedgerExport, file_rows, scope: Scope, today: dt.date) -> dict:
    current = collect_rows(unit=export.unit, today=today).by_key()
    changes, conflicts, errors = [], [], []
    seen: dict[str, int] = {}
    candidates = []
    for fr in file_rows:
        if not fr.key:
            errors.append(_error(fr.number, "", "该行有内容但没有任务编号或事项编号：请勿新增行"))
            continue
        if fr.key in seen:
            errors.append(_error(fr.number, column_header("item_key" if fr.kind == ITEM else "task_key"),
                                 f"编号 {fr.key} 与第 {seen[fr.key]} 行重复"))
            continue
        seen[fr.key] = fr.number
        version = export.row_versions.get(fr.key)
        if version is None or version.get("kind") != fr.kind:
            errors.append(_error(fr.number, column_header("item_key" if fr.kind == ITEM else "task_key"),
                                 f"编号 {fr.key} 不在本次导出的台账中：请勿新增行或修改编号"))
            continue
        changed = _changed_cells(fr, version, errors)
        if changed:
            candidates.append((fr, version, changed))

    items = WorkItem.objects.select_related("task", "lead_unit").prefetch_related("co_units").in_bulk(
        [v["ref"]["item"] for _, v, _ in candidates if v["kind"] == ITEM])
    reports = Report.objects.select_related("cycle", "unit").in_bulk(
        [v["ref"]["report"] for _, v, _ in candidates if v["kind"] == TASK and v["ref"].get("report")])
    unit_reports = _unit_reports(scope, today, [i.task_id for i in items.values()])
    for fr, version, changed in candidates:
        row = current.get(fr.key)
        if row is None:
            conflicts.append(_conflict(fr, changed, ["该行已不在系统的台账中（事项已删除或已不属于该单位）"]))
            continue
        # Typed again what the system already holds (e.g. the same file imported twice): nothing to do for it.
        changed = {k: v for k, v in changed.items() if normalise(v) != normalise(row.values.get(k))}
        if not changed:
            continue
        now_fp = row.fingerprints()
        moved = [k for k, h in now_fp.items() if version["f"].get(k) != h]
        if moved:
            conflicts.append(_conflict(fr, changed, [_moved_text(k, row) for k in moved]))
            continue
        if fr.kind == ITEM:
            _plan_item(fr, row, items.get(version["ref"]["item"]), changed, scope, today, unit_reports, changes, errors)
        else:
            _plan_task(fr, row, reports.get(version["ref"].get("report")), changed, scope, changes, errors)
    summary = {"changes": len(changes), "conflicts": len(conflicts), "errors": len(errors), "rows": len(file_rows)}
    return {"changes": changes, "conflicts": conflicts, "errors": errors, "summary": summary}


def _changed_cells(fr, version: dict, errors: list) -> dict:
    """Cells whose value differs from the export; read-only ones are errors, editable ones are returned typed."""
    changed = {}
    for key, raw in fr.cells.items():
        column = BY_KEY[key]
        if not column.fingerprinted:
            continue  # 状态 and 备注 are computed on export; whatever is typed there is ignored
        try:
            value = parse_cell(column, raw)
        except CellError as exc:
            errors.append(_error(fr.number, column.header, str(exc)))
            continue
        if fingerprint(normalise(value)) == version["f"].get(key):
            continue
        if fr.kind not in column.editable_on:
            errors.append(_error(fr.number, column.header,
                                 f"“{column.header}”为只读列，不能在台账中修改（原值请以系统为准）"))
            continue
        changed[key] = value
    return changed


def _conflict(fr, changed: dict, reasons: list[str]) -> dict:
    return {"sheet": SHEET, "row": fr.number, "key": fr.key,
            "file": {column_header(k): _display(v) for k, v in changed.items()}, "reasons": reasons,
            "message": "导出后系统中该行已有变化，本行未导入，请重新导出后核对填写"}


def _moved_text(key: str, row) -> str:
    if key.startswith("_"):
        return "办理状态已在系统中变化" if key == "_state" else "本期报告状态已在系统中变化"
    return f"“{column_header(key)}”已在系统中改为“{_display(row.values.get(key)) or '空'}”"


def _unit_reports(scope: Scope, today: dt.date, task_ids: list[int]) -> dict[tuple[int, int], Report]:
    """The actor's own units' reports of the current cycle, by (task, unit)."""
    if not scope.actor.units or not task_ids:
        return {}
    cycles = list(current_cycles(today).values())
    qs = Report.objects.filter(cycle__in=cycles, task_id__in=task_ids, unit_id__in=scope.actor.units).select_related("cycle")
    return {(r.task_id, r.unit_id): r for r in qs}


def _own_item(scope: Scope, item: WorkItem) -> bool:
    units = scope.actor.units
    return item.lead_unit_id in units or any(u.pk in units for u in item.co_units.all())


def _plan_item(fr, row, item, changed, scope, today, unit_reports, changes, errors) -> None:
    if item is None:
        errors.append(_error(fr.number, "事项编号", f"事项 {fr.key} 已不存在"))
        return
    manages = allowed(scope, Perm.MANAGE_WORK_ITEMS, item)
    if not manages and not _own_item(scope, item):
        errors.append(_error(fr.number, "事项编号", f"事项 {fr.key} 不属于本单位，不能修改"))
        return
    for key in changed:
        if key not in row.editable:
            reason = "该事项已办结或已撤销" if item.state != WorkItemState.ACTIVE else "该事项已有待审批的延期申请"
            errors.append(_error(fr.number, column_header(key), f"{reason}，本列不能填写"))
            return
    base = {"row": fr.number, "key": fr.key, "kind": ITEM, "item": item.pk, "title": item.title}
    if changed.get("completed") and (changed.get("ext_to") or changed.get("ext_reason")):
        errors.append(_error(fr.number, "延期申请至", "同一事项不能同时填写完成日期和延期申请，请只保留其一"))
        return
    if "completed" in changed:
        day = changed["completed"]
        if day is None:
            errors.append(_error(fr.number, "完成日期", "不能在台账中撤销办结"))
        elif day > today:
            errors.append(_error(fr.number, "完成日期", f"完成日期 {day:%Y-%m-%d} 晚于今天"))
        elif manages:
            changes.append({**base, "op": "complete", "completed_on": day.isoformat(),
                            "summary": f"办结事项，完成日期 {day:%Y-%m-%d}"})
        else:
            report = next((unit_reports.get((item.task_id, u)) for u in sorted(scope.actor.units)
                           if (item.task_id, u) in unit_reports), None)
            if report is None or not allowed(scope, Perm.EDIT_REPORT, report) or today > report.cycle.closes_on:
                errors.append(_error(fr.number, "完成日期", "本单位本期报告已提交或没有开放的报告周期，无法报告办结"))
            else:
                changes.append({**base, "op": "report_done", "report": report.pk, "completed_on": day.isoformat(),
                                "summary": f"在{report.cycle.label}报告中报告办结（{day:%Y-%m-%d}），待专班确认"})
    if "ext_to" in changed or "ext_reason" in changed:
        new = changed.get("ext_to", row.values.get("ext_to"))
        reason = changed.get("ext_reason", row.values.get("ext_reason")) or ""
        if new is None or not reason.strip():
            errors.append(_error(fr.number, "延期申请至", "申请延期请同时填写“延期申请至”和“延期理由”"))
        elif new <= item.deadline:
            errors.append(_error(fr.number, "延期申请至", f"申请延至的日期应晚于当前时限 {item.deadline:%Y-%m-%d}"))
        elif not allowed(scope, Perm.REQUEST_EXTENSION, item):
            errors.append(_error(fr.number, "延期申请至", DENIED_MESSAGES[Perm.REQUEST_EXTENSION]))
        else:
            changes.append({**base, "op": "extension", "new_deadline": new.isoformat(), "reason": reason.strip(),
                            "summary": f"申请延期至 {new:%Y-%m-%d}（理由：{reason.strip()}）"})


def _plan_task(fr, row, report, changed, scope, changes, errors) -> None:
    if report is None:
        errors.append(_error(fr.number, "本期进展", "该任务本期没有可填报的报告"))
        return
    if not allowed(scope, Perm.EDIT_REPORT, report):
        message = DENIED_MESSAGES[Perm.EDIT_REPORT] if report.unit_id not in scope.actor.units else \
            f"{report.unit.name}的{report.cycle.label}报告已提交（{report.get_state_display()}），不能再修改"
        errors.append(_error(fr.number, "本期进展", message))
        return
    data = {}
    if "progress_text" in changed:
        data["narrative"] = changed["progress_text"]
    if "progress" in changed:
        data["progress"] = changed["progress"]
    parts = []
    if "narrative" in data:
        parts.append("更新本期进展")
    if "progress" in data:
        parts.append(f"完成进度 {data['progress'] if data['progress'] is not None else '清空'}%")
    changes.append({"row": fr.number, "key": fr.key, "kind": TASK, "op": "report", "report": report.pk, "data": data,
                    "title": f"{report.unit.name} {report.cycle.label}报告",
                    "summary": "、".join(parts) + f"（{report.unit.name}{report.cycle.label}报告草稿）"})


# -- apply ------------------------------------------------------------------------------------------------------------

@transaction.atomic
def do_apply_ledger_import(ledger_import: LedgerImport, actor) -> LedgerImport:
    """Apply the previewed changes in one transaction. Rows changed in iccity since the export (also after the preview)
    are listed as conflicts and skipped. Any refusal rolls everything back. Applying twice is refused."""
    actor = as_actor(actor)
    policy.check_actor(actor, "reports.decide_ledger_import", ledger_import)  # rows: judged by the delivery rights
    claimed = LedgerImport.objects.filter(pk=ledger_import.pk, state=LedgerImportState.PREVIEWED).update(
        state=LedgerImportState.APPLIED, applied_at=clock.now())
    current_state = LedgerImport.objects.select_related("export__unit").get(pk=ledger_import.pk)
    if not claimed:
        raise ConflictError(f"该台账当前状态为“{current_state.get_state_display()}”，不能重复导入")
    preview = dict(current_state.preview)
    if preview.get("errors"):
        raise ActionRefused(f"台账中有 {len(preview['errors'])} 处错误，请修改后重新上传，本次未导入任何内容")
    scope = Scope.of(actor)
    export = current_state.export
    now_rows = collect_rows(unit=export.unit, today=clock.today()).by_key()
    applied, late_conflicts = [], []
    for change in preview.get("changes", []):
        row = now_rows.get(change["key"])
        exported = export.row_versions.get(change["key"], {}).get("f", {})
        moved = [] if row is None else [k for k, h in row.fingerprints().items() if exported.get(k) != h]
        if row is None or moved:
            reasons = ["该行已不在系统的台账中"] if row is None else [_moved_text(k, row) for k in moved]
            late_conflicts.append({"sheet": SHEET, "row": change["row"], "key": change["key"], "file": {},
                                   "reasons": reasons, "message": "预览后系统中该行已有变化，本行未导入"})
            continue
        applied.append(change)
    _run(applied, scope)
    preview["applied"] = [c["row"] for c in applied]
    preview["conflicts"] = list(preview.get("conflicts", [])) + late_conflicts
    preview["summary"] = {**preview.get("summary", {}), "applied": len(applied), "conflicts": len(preview["conflicts"])}
    LedgerImport.objects.filter(pk=current_state.pk).update(preview=preview)
    current_state.preview = preview
    record_audit(actor.user, "reports.ledger.applied", current_state, after=preview["summary"],
                 note=f"导出编号 {export.token}")
    return current_state


def _run(changes: list[dict], scope: Scope) -> None:
    """Call the delivery actions; reports get one draft save each with everything the file says about them."""
    per_report: dict[int, dict] = {}
    rows_of: dict[int, list[int]] = {}
    try:
        for change in changes:
            if change["op"] == "complete":
                item = WorkItem.objects.get(pk=change["item"])
                delivery.do_complete_work_item(item, scope=scope, completed_on=dt.date.fromisoformat(change["completed_on"]))
            elif change["op"] == "extension":
                item = WorkItem.objects.get(pk=change["item"])
                delivery.do_request_extension(item, dt.date.fromisoformat(change["new_deadline"]), change["reason"], scope=scope)
            elif change["op"] == "report":
                per_report.setdefault(change["report"], {}).update(change["data"])
                rows_of.setdefault(change["report"], []).append(change["row"])
            elif change["op"] == "report_done":
                per_report.setdefault(change["report"], {}).setdefault("_done", []).append(change["item"])
                rows_of.setdefault(change["report"], []).append(change["row"])
        for report_id, data in per_report.items():
            report = Report.objects.get(pk=report_id)
            done = data.pop("_done", [])
            if done:
                latest = ReportRevision.objects.filter(report=report).order_by("-number").first()
                have = list(latest.completed_items.all()) if latest else []
                data["completed_items"] = have + [i for i in WorkItem.objects.filter(pk__in=done) if i not in have]
            change = {"row": min(rows_of[report_id])}
            delivery.do_save_draft(report, data, scope=scope)
    except (ActionRefused, PermissionDenied) as exc:
        message = getattr(exc, "message", None) or str(exc)
        raise ActionRefused(f"台账第 {change['row']} 行未能导入：{message}。本次未导入任何内容，请核对后重新上传") from exc


@transaction.atomic
def do_discard_ledger_import(ledger_import: LedgerImport, actor) -> LedgerImport:
    actor = as_actor(actor)
    policy.check_actor(actor, "reports.decide_ledger_import", ledger_import)
    if not LedgerImport.objects.filter(pk=ledger_import.pk, state=LedgerImportState.PREVIEWED).update(
            state=LedgerImportState.DISCARDED):
        raise ConflictError("该台账已导入或已放弃")
    ledger_import.refresh_from_db()
    record_audit(actor.user, "reports.ledger.discarded", ledger_import)
    return ledger_import
