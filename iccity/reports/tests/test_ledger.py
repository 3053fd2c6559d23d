"""台账 export and re-import: the untouched workbook comes back with no changes; every cell is checked."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from iccity.core import clock
from iccity.core.actions import ActionRefused, ConflictError
from iccity.delivery.actions import (
    do_accept_work_item, do_dispatch_plan, do_open_cycle, do_propose_work_items,
)
from iccity.delivery.models import ExtensionRequest, Report, WorkItem, WorkItemState
from iccity.delivery.permissions import Scope
from iccity.orgs.models import Person, Role, RoleAssignment, Unit
from iccity.orgs.permissions import Actor
from iccity.reports.actions.ledger import do_apply_ledger_import, do_export_ledger, do_preview_ledger_import
from iccity.reports.ledger_columns import COLUMNS, META_SHEET, SHEET
from iccity.reports.models import LedgerImportState

TODAY = dt.date(2026, 3, 2)
HEADER_ROW = 4


def make_person(django_user_model, username, role, unit=None):
    user = django_user_model.objects.create_user(username, password="pass-123456")
    person = Person.objects.create(user=user, name=username, unit=unit)
    RoleAssignment.objects.create(person=person, role=role, unit=unit)
    return user


class World:
    """The Xiqing plan dispatched, task T1 broken into accepted work items, March 2026's cycle open."""

    def __init__(self, version, office, django_user_model):
        self.version, self.office = version, office
        office_scope = Scope.of(Actor.for_user(office))
        do_dispatch_plan(version, scope=office_scope, on=TODAY)
        self.cycle, _ = do_open_cycle(version.plan, TODAY, scope=office_scope)
        self.task = version.tasks.get(key="T1")
        for item in do_propose_work_items(self.task, scope=office_scope):
            do_accept_work_item(item, scope=office_scope, changes={"deadline": dt.date(2026, 6, 30)})
        self.items = list(WorkItem.objects.filter(task=self.task).order_by("id"))
        self.lead_unit = self.items[0].lead_unit
        self.reporter = make_person(django_user_model, "reporter", Role.LIAISON, self.lead_unit)
        self.other_unit = Unit.objects.get(name="区文旅局")
        self.other_reporter = make_person(django_user_model, "other_reporter", Role.LIAISON, self.other_unit)


@pytest.fixture
def world(xiqing_plan, office_admin, django_user_model):
    with clock.travel(TODAY):
        yield World(xiqing_plan, office_admin, django_user_model)


def open_book(data: bytes):
    return load_workbook(io.BytesIO(data))


def col(header: str) -> int:
    return next(i for i, c in enumerate(COLUMNS, start=1) if c.header == header)


def find_row(ws, header: str, value: str) -> int:
    c = col(header)
    return next(r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, c).value == value)


def save(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_untouched_export_reimports_with_no_changes_conflicts_or_errors(world):
    export, data = do_export_ledger(world.office)
    imp = do_preview_ledger_import(data, "台账.xlsx", world.office)
    assert imp.preview["summary"]["rows"] == export.row_count > len(world.items)
    assert imp.preview["changes"] == [] and imp.preview["conflicts"] == [] and imp.preview["errors"] == []


def test_unit_export_round_trips_and_holds_only_its_rows(world):
    export, data = do_export_ledger(world.reporter)
    assert export.unit == world.lead_unit
    ws = open_book(data)[SHEET]
    keys = {ws.cell(r, col("事项编号")).value for r in range(HEADER_ROW + 1, ws.max_row + 1)} - {None}
    assert keys == {f"W{i.pk}" for i in world.items}
    imp = do_preview_ledger_import(data, "台账.xlsx", world.reporter)
    assert imp.preview["summary"] == {"changes": 0, "conflicts": 0, "errors": 0, "rows": export.row_count}


def test_workbook_locks_system_columns_and_unlocks_editable_ones(world):
    _, data = do_export_ledger(world.office)
    wb = open_book(data)
    ws = wb[SHEET]
    assert ws.protection.sheet and ws.freeze_panes == "E5"
    assert wb[META_SHEET].sheet_state == "hidden"
    r = find_row(ws, "事项编号", f"W{world.items[0].pk}")
    assert ws.cell(r, col("完成日期")).protection.locked is False
    assert ws.cell(r, col("完成时限")).protection.locked is True
    assert ws.cell(r, col("状态")).value == "推进中"
    # about two width units per Chinese character (xlsx autofit counts them as one)
    assert ws.column_dimensions["E"].width >= 2 * len("牵头单位")


def test_a_unit_fills_progress_and_applies_through_its_draft_report(world):
    _, data = do_export_ledger(world.reporter)
    wb = open_book(data)
    ws = wb[SHEET]
    task_row = find_row(ws, "任务编号", "T1")
    ws.cell(task_row, col("本期进展")).value = "完成商圈规划初稿，召开推进会2次"
    ws.cell(task_row, col("完成进度（%）")).value = "40%"
    item_row = find_row(ws, "事项编号", f"W{world.items[0].pk}")
    ws.cell(item_row, col("延期申请至")).value = "2026年9月30日"
    ws.cell(item_row, col("延期理由")).value = "用地审批尚未完成"
    with clock.travel(TODAY):
        imp = do_preview_ledger_import(save(wb), "台账.xlsx", world.reporter)
        assert imp.preview["errors"] == [] and len(imp.preview["changes"]) == 2
        assert not ExtensionRequest.objects.exists()  # nothing applied at preview
        do_apply_ledger_import(imp, world.reporter)
    report = Report.objects.get(cycle=world.cycle, task=world.task, unit=world.lead_unit)
    revision = report.revisions.get()
    assert (revision.narrative, revision.progress) == ("完成商圈规划初稿，召开推进会2次", 40)
    ext = ExtensionRequest.objects.get()
    assert (ext.work_item_id, ext.new_deadline) == (world.items[0].pk, dt.date(2026, 9, 30))
    imp.refresh_from_db()
    assert imp.state == LedgerImportState.APPLIED


def test_applying_the_same_import_twice_is_refused(world):
    _, data = do_export_ledger(world.office)
    wb = open_book(data)
    ws = wb[SHEET]
    ws.cell(find_row(ws, "事项编号", f"W{world.items[0].pk}"), col("完成日期")).value = dt.datetime(2026, 3, 1)
    with clock.travel(TODAY):
        imp = do_preview_ledger_import(save(wb), "台账.xlsx", world.office)
        do_apply_ledger_import(imp, world.office)
        with pytest.raises(ConflictError):
            do_apply_ledger_import(imp, world.office)
    item = WorkItem.objects.get(pk=world.items[0].pk)
    assert (item.state, item.completed_on) == (WorkItemState.DONE, dt.date(2026, 3, 1))


@pytest.mark.parametrize("header,value,fragment", [
    ("完成日期", "下个月", "不是日期"),
    ("完成日期", "2026-02-30", "不是有效日期"),
    ("完成日期", "2026-12-01", "晚于今天"),
    ("延期申请至", "2026-09-30", "同时填写"),
    ("完成时限", "2026-12-31", "只读列"),
    ("事项", "改个名字", "只读列"),
])
def test_bad_item_cells_are_listed_with_sheet_row_and_column(world, header, value, fragment):
    _, data = do_export_ledger(world.office)
    wb = open_book(data)
    ws = wb[SHEET]
    r = find_row(ws, "事项编号", f"W{world.items[0].pk}")
    ws.cell(r, col(header)).value = value
    with clock.travel(TODAY):
        imp = do_preview_ledger_import(save(wb), "台账.xlsx", world.office)
        [error] = imp.preview["errors"]
        assert (error["sheet"], error["row"]) == (SHEET, r)
        assert fragment in error["message"]
        with pytest.raises(ActionRefused, match="错误"):
            do_apply_ledger_import(imp, world.office)


@pytest.mark.parametrize("value,fragment", [("120", "超出范围"), ("很多", "不是数字")])
def test_progress_outside_0_to_100_is_an_error(world, value, fragment):
    _, data = do_export_ledger(world.reporter)
    wb = open_book(data)
    ws = wb[SHEET]
    ws.cell(find_row(ws, "任务编号", "T1"), col("完成进度（%）")).value = value
    with clock.travel(TODAY):
        imp = do_preview_ledger_import(save(wb), "台账.xlsx", world.reporter)
    assert [e["column"] for e in imp.preview["errors"]] == ["完成进度（%）"]
    assert fragment in imp.preview["errors"][0]["message"]


def test_unknown_row_key_is_an_error(world):
    _, data = do_export_ledger(world.office)
    wb = open_book(data)
    ws = wb[SHEET]
    ws.cell(find_row(ws, "事项编号", f"W{world.items[0].pk}"), col("事项编号")).value = "W999999"
    imp = do_preview_ledger_import(save(wb), "台账.xlsx", world.office)
    assert "不在本次导出" in imp.preview["errors"][0]["message"]


def test_a_unit_may_change_only_its_own_rows(world):
    _, data = do_export_ledger(world.office)  # the full ledger, handed to another unit
    wb = open_book(data)
    ws = wb[SHEET]
    ws.cell(find_row(ws, "事项编号", f"W{world.items[0].pk}"), col("完成日期")).value = "2026-03-01"
    imp = do_preview_ledger_import(save(wb), "台账.xlsx", world.other_reporter)
    assert "不属于本单位" in imp.preview["errors"][0]["message"]
    assert imp.preview["changes"] == []


def test_another_units_export_cannot_be_imported(world):
    _, data = do_export_ledger(world.reporter)
    with pytest.raises(PermissionDenied):
        do_preview_ledger_import(data, "台账.xlsx", world.other_reporter)


def test_a_file_that_is_not_a_ledger_is_refused_in_chinese(world):
    with pytest.raises(ActionRefused, match="无法读取"):
        do_preview_ledger_import(b"not a workbook", "x.xlsx", world.office)


def test_export_and_preview_query_counts_do_not_grow_with_rows(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from iccity.delivery.actions import do_create_work_item

    def counts():
        with CaptureQueriesContext(connection) as export_q:
            _, data = do_export_ledger(world.office)
        with CaptureQueriesContext(connection) as preview_q:
            do_preview_ledger_import(data, "台账.xlsx", world.office)
        return len(export_q), len(preview_q)

    scope = Scope.of(Actor.for_user(world.office))
    with clock.travel(TODAY):
        counts()  # warm-up: content types for the audit records are cached after the first call
        before = counts()
        co = [world.other_unit]
        for task in world.version.tasks.filter(key__in=["T2", "T3", "T4"]):
            for n in range(3 * len(world.items)):
                do_create_work_item(task, {"title": f"新增事项{n}", "lead_unit": world.lead_unit, "co_units": co,
                                           "deadline": dt.date(2026, 5, 31)}, scope=scope)
        assert WorkItem.objects.count() >= 10 * len(world.items)
        assert counts() == before


def test_completion_and_extension_on_the_same_row_is_an_error_not_a_half_import(world):
    _, data = do_export_ledger(world.reporter)
    wb = open_book(data)
    ws = wb[SHEET]
    r = find_row(ws, "事项编号", f"W{world.items[0].pk}")
    ws.cell(r, col("完成日期")).value = "2026-03-01"
    ws.cell(r, col("延期申请至")).value = "2026-09-30"
    ws.cell(r, col("延期理由")).value = "审批延后"
    with clock.travel(TODAY):
        imp = do_preview_ledger_import(save(wb), "台账.xlsx", world.reporter)
    assert "不能同时填写" in imp.preview["errors"][0]["message"] and imp.preview["changes"] == []


def test_a_unit_reports_an_item_done_in_its_draft_and_the_task_force_still_closes_it(world):
    item = world.items[0]
    _, data = do_export_ledger(world.reporter)
    wb = open_book(data)
    ws = wb[SHEET]
    ws.cell(find_row(ws, "事项编号", f"W{item.pk}"), col("完成日期")).value = "2026年3月1日"
    with clock.travel(TODAY):
        imp = do_preview_ledger_import(save(wb), "台账.xlsx", world.reporter)
        [change] = imp.preview["changes"]
        assert change["op"] == "report_done" and "待专班确认" in change["summary"]
        do_apply_ledger_import(imp, world.reporter)
    report = Report.objects.get(cycle=world.cycle, task=world.task, unit=world.lead_unit)
    assert list(report.revisions.get().completed_items.all()) == [item]
    assert WorkItem.objects.get(pk=item.pk).state == WorkItemState.ACTIVE


def test_status_is_computed_in_working_days_from_the_deadline(world):
    WorkItem.objects.filter(pk=world.items[1].pk).update(deadline=dt.date(2026, 4, 30))  # spans 劳动节 (5月1–5日)
    with clock.travel(dt.date(2026, 7, 3)):
        _, data = do_export_ledger(world.office)
    ws = open_book(data)[SHEET]
    status = {ws.cell(r, col("事项编号")).value: ws.cell(r, col("状态")).value for r in range(HEADER_ROW + 1, ws.max_row + 1)}
    assert status[f"W{world.items[0].pk}"] == "逾期 3 个工作日"  # 7月1日、2日、3日
    from iccity.core.calendar import WorkdayCalendar
    expected = WorkdayCalendar().workdays_between(dt.date(2026, 4, 30), dt.date(2026, 7, 3))
    assert status[f"W{world.items[1].pk}"] == f"逾期 {expected} 个工作日"
