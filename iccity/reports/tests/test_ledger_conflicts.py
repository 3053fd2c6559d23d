"""台账 conflicts: a row changed in iccity since the export is listed and never overwritten; other rows apply."""
from __future__ import annotations

import datetime as dt

from iccity.core import clock
from iccity.delivery.actions import do_decide_extension, do_request_extension, do_save_draft
from iccity.delivery.models import Report, WorkItem, WorkItemState
from iccity.delivery.permissions import Scope
from iccity.orgs.permissions import Actor
from iccity.reports.actions.ledger import do_apply_ledger_import, do_export_ledger, do_preview_ledger_import

from .test_ledger import TODAY, col, find_row, open_book, save, world  # noqa: F401  (world is a fixture)
from .test_ledger import SHEET


def scope_of(user) -> Scope:
    return Scope.of(Actor.for_user(user))


def test_deadline_changed_in_iccity_after_export_is_a_conflict_and_other_rows_apply(world):
    first, second = world.items[0], world.items[1]
    with clock.travel(TODAY):
        _, data = do_export_ledger(world.office)
        # In iccity, after the export: first's deadline moves through an approved extension.
        request = do_request_extension(first, dt.date(2026, 8, 31), "市级审批延后", scope=scope_of(world.reporter))
        do_decide_extension(request, True, "同意", scope=scope_of(world.office))
        # Offline, the office closes both items in the workbook.
        wb = open_book(data)
        ws = wb[SHEET]
        for item in (first, second):
            ws.cell(find_row(ws, "事项编号", f"W{item.pk}"), col("完成日期")).value = "2026年3月1日"
        imp = do_preview_ledger_import(save(wb), "台账.xlsx", world.office)
        assert imp.preview["errors"] == []
        [conflict] = imp.preview["conflicts"]
        assert conflict["key"] == f"W{first.pk}"
        assert any("完成时限" in reason and "2026-08-31" in reason for reason in conflict["reasons"])
        assert [c["key"] for c in imp.preview["changes"]] == [f"W{second.pk}"]
        do_apply_ledger_import(imp, world.office)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.completed_on, first.deadline) == (WorkItemState.ACTIVE, None, dt.date(2026, 8, 31))
    assert (second.state, second.completed_on) == (WorkItemState.DONE, dt.date(2026, 3, 1))


def test_report_edited_on_the_web_after_export_is_not_overwritten_by_the_workbook(world):
    report = Report.objects.get(cycle=world.cycle, task=world.task, unit=world.lead_unit)
    with clock.travel(TODAY):
        _, data = do_export_ledger(world.reporter)
        do_save_draft(report, {"narrative": "网页上填写的进展"}, scope=scope_of(world.reporter))
        wb = open_book(data)
        ws = wb[SHEET]
        ws.cell(find_row(ws, "任务编号", "T1"), col("本期进展")).value = "台账里填写的进展"
        imp = do_preview_ledger_import(save(wb), "台账.xlsx", world.reporter)
        assert [c["key"] for c in imp.preview["conflicts"]] == ["T1"]
        assert imp.preview["changes"] == []
        do_apply_ledger_import(imp, world.reporter)
    assert report.revisions.get().narrative == "网页上填写的进展"


def test_change_made_between_preview_and_apply_is_caught_at_apply(world):
    item = world.items[0]
    with clock.travel(TODAY):
        _, data = do_export_ledger(world.office)
        wb = open_book(data)
        ws = wb[SHEET]
        ws.cell(find_row(ws, "事项编号", f"W{item.pk}"), col("完成日期")).value = "2026-03-01"
        imp = do_preview_ledger_import(save(wb), "台账.xlsx", world.office)
        assert len(imp.preview["changes"]) == 1
        do_request_extension(item, dt.date(2026, 8, 31), "市级审批延后", scope=scope_of(world.reporter))
        imp = do_apply_ledger_import(imp, world.office)
    assert imp.preview["summary"]["applied"] == 0
    assert [c["key"] for c in imp.preview["conflicts"]] == [f"W{item.pk}"]
    assert WorkItem.objects.get(pk=item.pk).state == WorkItemState.ACTIVE


def test_same_value_typed_in_file_and_iccity_is_neither_change_nor_conflict(world):
    item = world.items[0]
    with clock.travel(TODAY):
        _, data = do_export_ledger(world.reporter)
        do_request_extension(item, dt.date(2026, 8, 31), "市级审批延后", scope=scope_of(world.reporter))
        wb = open_book(data)
        ws = wb[SHEET]
        r = find_row(ws, "事项编号", f"W{item.pk}")
        ws.cell(r, col("延期申请至")).value = dt.datetime(2026, 8, 31)
        ws.cell(r, col("延期理由")).value = "市级审批延后"
        imp = do_preview_ledger_import(save(wb), "台账.xlsx", world.reporter)
    assert imp.preview["summary"]["changes"] == imp.preview["summary"]["conflicts"] == 0
