"""Formula injection in the 台账 (issue 12 item 8): a narrative starting with =HYPERLINK( is exported as text, and
re-importing the untouched export changes nothing (the import undoes the export's escape)."""
from __future__ import annotations


from iccity.core import clock
from iccity.delivery.actions import do_save_draft
from iccity.delivery.models import Report
from iccity.delivery.permissions import Scope
from iccity.orgs.permissions import Actor
from iccity.reports.actions.ledger import do_apply_ledger_import, do_export_ledger, do_preview_ledger_import
from iccity.reports.ledger_columns import SHEET

from .test_ledger import TODAY, col, find_row, open_book, save, world  # noqa: F401 - helpers and fixture

HYPERLINK = '=HYPERLINK("http://evil.example/steal","点击查看附件")'


def _draft_with(world, narrative):  # noqa: F811
    report = Report.objects.get(cycle=world.cycle, task=world.task, unit=world.lead_unit)
    with clock.travel(TODAY):
        do_save_draft(report, {"narrative": narrative}, scope=Scope.of(Actor.for_user(world.reporter)))
    return report


def test_a_hyperlink_narrative_is_exported_as_text_not_a_formula(world):  # noqa: F811
    _draft_with(world, HYPERLINK)
    with clock.travel(TODAY):
        _, data = do_export_ledger(world.reporter)
    ws = open_book(data)[SHEET]
    cell = ws.cell(find_row(ws, "任务编号", "T1"), col("本期进展"))
    assert cell.value == "'" + HYPERLINK and cell.data_type == "s"
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_the_escaped_export_round_trips_with_no_changes(world):  # noqa: F811
    _draft_with(world, HYPERLINK)
    with clock.travel(TODAY):
        _, data = do_export_ledger(world.reporter)
        imp = do_preview_ledger_import(data, "台账.xlsx", world.reporter)
    assert imp.preview["errors"] == [] and imp.preview["changes"] == [] and imp.preview.get("conflicts", []) == []


def test_a_formula_like_value_typed_into_the_ledger_is_stored_as_typed(world):  # noqa: F811
    with clock.travel(TODAY):
        _, data = do_export_ledger(world.reporter)
    wb = open_book(data)
    ws = wb[SHEET]
    ws.cell(find_row(ws, "任务编号", "T1"), col("本期进展")).value = "'-完成规划初稿"  # Excel's own text marker
    with clock.travel(TODAY):
        imp = do_preview_ledger_import(save(wb), "台账.xlsx", world.reporter)
        do_apply_ledger_import(imp, world.reporter)
    report = Report.objects.get(cycle=world.cycle, task=world.task, unit=world.lead_unit)
    assert report.revisions.get().narrative == "-完成规划初稿"
