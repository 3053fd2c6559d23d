"""The 台账 (ledger) workbook: rows collected from the delivery loop, written to .xlsx and read back.

Rows are one per task (the reporting unit's report for the current cycle: 本期进展, 完成进度) followed by one per
work item (时限, 状态, 完成日期, 延期申请). Collecting rows costs a fixed number of queries whatever the data size.
Nothing here writes to the database; ``actions/ledger.py`` does.
"""
from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from iccity.core.exports import safe_cell, unescape_cell

from iccity.core.calendar import CalendarDataMissing, WorkdayCalendar
from iccity.core.timefmt import doc_date, doc_datetime, file_stamp, screen_date
from iccity.delivery import figures
from iccity.delivery.models import (
    ExtensionRequest, ExtensionState, Report, ReportingCycle, ReportRevision, WorkItem, WorkItemState,
)
from iccity.plans.models import Assignment, Task
from iccity.plans.queries import current_version_ids

from .ledger_columns import (
    BY_HEADER, BY_KEY, COLUMNS, FORMAT_VERSION, HEADER_ALIASES, ITEM, META_SHEET, SHEET, TASK, TITLE, LedgerRow,
    cjk_width,
)

HEADER_ROW = 4  # rows 1–3: title, export line, instructions


def item_key(item_id: int) -> str:
    return f"W{item_id}"


def current_cycles(today: dt.date) -> dict[int, ReportingCycle]:
    """Per plan, the oldest cycle still open: early in a month that is last month's, the one being reported."""
    cycles: dict[int, ReportingCycle] = {}
    for cycle in ReportingCycle.objects.filter(period_start__lte=today, closes_on__gte=today).order_by("plan_id", "period_start"):
        cycles.setdefault(cycle.plan_id, cycle)
    return cycles


class OverdueCounter:
    """Working days from a deadline to today, for many deadlines: each day is looked up once (a ledger of five years
    of items asked ``workdays_between`` day by day per item before)."""

    def __init__(self, calendar: WorkdayCalendar, today: dt.date):
        self.calendar, self.today = calendar, today
        self.cache: dict[dt.date, int] = {}

    def workdays_since(self, deadline: dt.date) -> int:
        if deadline not in self.cache:
            # walk back from today to this deadline, reusing the nearest later deadline already counted
            later = [d for d in self.cache if d > deadline]
            start = min(later) if later else self.today
            count = self.cache[start] if later else 0
            day = start
            while day > deadline:
                count += self.calendar.is_workday(day)
                day -= dt.timedelta(days=1)
            self.cache[deadline] = count
        return self.cache[deadline]


def item_status(item: WorkItem, today: dt.date, calendar: OverdueCounter, pending: ExtensionRequest | None) -> str:
    """状态 as people read it, computed from dates (never typed): 推进中 / 已办结 / 逾期 n 个工作日 …"""
    if item.state == WorkItemState.PROPOSED:
        return "待确认"
    if item.state == WorkItemState.CANCELLED:
        return "已撤销"
    if item.state == WorkItemState.DONE:
        late = item.completed_on and item.completed_on > item.deadline
        return "已办结（逾期办结）" if late else "已办结"
    if item.deadline < today:
        try:
            return f"逾期 {calendar.workdays_since(item.deadline)} 个工作日"
        except CalendarDataMissing:  # a year without holiday data: say calendar days rather than guess
            return f"逾期 {(today - item.deadline).days} 天"
    return "推进中（延期待审批）" if pending else "推进中"


@dataclass
class Collected:
    rows: list[LedgerRow]
    cycle_labels: list[str] = field(default_factory=list)
    figures: list = field(default_factory=list)  # delivery.figures.CycleFigures per current cycle (统计 sheet)

    @property
    def has_demo(self) -> bool:
        return any(r.is_demo for r in self.rows)

    def by_key(self) -> dict[str, LedgerRow]:
        return {r.key: r for r in self.rows}


def collect_rows(*, unit=None, today: dt.date, calendar: WorkdayCalendar | None = None) -> Collected:
    """The ledger as it is now, for all units or for one unit (items it leads or works on, its own reports)."""
    counter = OverdueCounter(calendar or WorkdayCalendar(), today)
    version_ids = current_version_ids()
    tasks = sorted(Task.objects.filter(version_id__in=version_ids).select_related("version"),
                   key=lambda t: (t.version_id, 0 if t.kind == "task" else 1, t.number))
    pending = ExtensionRequest.objects.filter(state=ExtensionState.PENDING).order_by("-requested_at")
    items = (WorkItem.objects.filter(task__version_id__in=version_ids).select_related("lead_unit")
             .prefetch_related("co_units", Prefetch("extensions", queryset=pending, to_attr="pending_extensions"))
             .order_by("task_id", "deadline", "id"))
    if unit is not None:
        items = items.filter(Q(lead_unit=unit) | Q(co_units=unit)).distinct()
    items_by_task: dict[int, list[WorkItem]] = {}
    for item in items:
        items_by_task.setdefault(item.task_id, []).append(item)

    cycles = current_cycles(today)
    version_plan = {t.version_id: t.version.plan_id for t in tasks}
    reports = Report.objects.filter(cycle__in=list(cycles.values()), task__version_id__in=version_ids).select_related("cycle", "unit")
    reports = reports.filter(unit=unit) if unit is not None else reports.filter(is_lead=True)
    report_by_task = {r.task_id: r for r in reports}
    latest: dict[int, ReportRevision] = {}
    for revision in ReportRevision.objects.filter(report__in=list(report_by_task.values())).order_by("report_id", "-number"):
        latest.setdefault(revision.report_id, revision)

    leads: dict[int, list[str]] = {}
    cos: dict[int, list[str]] = {}
    for a in Assignment.objects.filter(task_id__in=[t.pk for t in tasks], parent=None).select_related("unit"):
        (leads if a.role == "lead" else cos).setdefault(a.task_id, []).append(a.unit.name)

    rows: list[LedgerRow] = []
    seen_keys: set[str] = set()
    for task in tasks:
        task_items = items_by_task.get(task.pk, [])
        report = report_by_task.get(task.pk)
        if unit is not None and not task_items and report is None:
            continue
        key = task.key if task.key not in seen_keys else f"{task.key}#{task.pk}"
        seen_keys.add(key)
        rows.append(_task_row(key, task, report, latest.get(report.pk) if report else None, leads, cos, today,
                              cycles.get(version_plan[task.version_id])))
        for item in task_items:
            rows.append(_item_row(task, item, today, counter))
    shown = [figures.cycle_figures(c, today=today, unit_id=unit.pk if unit is not None else None)
             for c in sorted(cycles.values(), key=lambda c: (c.plan_id, c.period_start))]
    return Collected(rows=rows, cycle_labels=sorted({c.label for c in cycles.values()}), figures=shown)


def _task_row(key, task, report, revision, leads, cos, today, cycle) -> LedgerRow:
    row = LedgerRow(key=key, kind=TASK, refs={"task": task.pk, "report": report.pk if report else None,
                                              "_report_state": report.state if report else ""})
    row.values = {"task_key": key, "task": task.title, "lead": "、".join(leads.get(task.pk, [])),
                  "co": "、".join(cos.get(task.pk, []))}
    if report is None:
        row.values["status"] = "本期无报告" if cycle else "当前无开放的报告周期"
        return row
    row.is_demo = report.is_demo
    row.values.update({
        "status": f"{report.cycle.label}报告：{report.get_state_display()}",
        "progress_text": revision.narrative if revision else "",
        "progress": revision.progress if revision else None,
        "note": f"{report.unit.name}填报" + ("（示例）" if report.is_demo else ""),
    })
    if report.is_editable and today <= report.cycle.closes_on:
        row.editable = {"progress_text", "progress"}
    return row


def _item_row(task, item: WorkItem, today, counter: OverdueCounter) -> LedgerRow:
    pending = item.pending_extensions[0] if item.pending_extensions else None
    row = LedgerRow(key=item_key(item.pk), kind=ITEM, refs={"item": item.pk, "_state": item.state}, is_demo=item.is_demo)
    notes = []
    if item.is_demo:
        notes.append("示例")
    if item.extended:
        notes.append("已延期")
    if pending:
        notes.append(f"延期申请待审批（{screen_date(pending.requested_at)} 提出）")
    co_units = sorted(item.co_units.all(), key=lambda u: (u.sort_order, u.name))
    row.values = {
        "task_key": task.key, "item_key": row.key, "item": item.title, "lead": item.lead_unit.name,
        "co": "、".join(u.name for u in co_units), "baseline": item.baseline_deadline, "deadline": item.deadline,
        "status": item_status(item, today, counter, pending), "completed": item.completed_on,
        "ext_to": pending.new_deadline if pending else None, "ext_reason": pending.reason if pending else "",
        "note": "；".join(notes),
    }
    if item.state == WorkItemState.ACTIVE:
        row.editable = {"completed"} | (set() if pending else {"ext_to", "ext_reason"})
    return row


# -- writing ----------------------------------------------------------------------------------------------------------

GREY = PatternFill("solid", fgColor="F2F2F2")
TASK_FILL = PatternFill("solid", fgColor="DDEBF7")
EDIT_FILL = PatternFill("solid", fgColor="FFF9DB")
HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = "仿宋_GB2312"


def write_workbook(collected: Collected, *, token: str, scope_label: str, exported_at: dt.datetime) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ncols = len(COLUMNS)
    last = get_column_letter(ncols)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = TITLE
    ws["A1"].font = Font(name="方正小标宋简体", size=18)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 36
    ws.merge_cells(f"A2:{last}2")
    line = f"导出时间：{doc_datetime(exported_at)}　　范围：{scope_label}　　导出编号：{token}"
    if collected.cycle_labels:
        line += f"　　本期：{'、'.join(collected.cycle_labels)}"
    ws["A2"] = line
    ws["A2"].font = Font(name=FONT, size=11)
    ws.merge_cells(f"A3:{last}3")
    note = ("说明：黄色单元格可填写（完成日期、延期申请至、延期理由填在事项行；本期进展、完成进度填在任务行），"
            "灰色为系统数据，只读。填好后在“台账导入”上传，先预览再确认。请勿修改编号列和“元数据”工作表。")
    if collected.has_demo:
        note += "　【含示例数据：备注或状态中标注“示例”的行不是真实数据】"
    ws["A3"] = note
    ws["A3"].font = Font(name=FONT, size=10, color="C00000" if collected.has_demo else "404040")
    ws["A3"].alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[3].height = 32

    for col, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, col, column.header)
        cell.font = Font(name="黑体", size=11, bold=True)
        cell.fill = EDIT_FILL if column.editable_on else HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
    widths = {c.key: cjk_width(c.header) + 2 for c in COLUMNS}
    styles = _Styles()

    for r, row in enumerate(collected.rows, start=HEADER_ROW + 1):
        for col, column in enumerate(COLUMNS, start=1):
            value = row.values.get(column.key)
            cell = ws.cell(r, col, safe_cell(value) if value not in ("",) else None)  # formula injection
            editable = column.key in row.editable
            cell.style = styles.get(wb, "edit" if editable else row.kind,
                                    bold=row.kind == TASK and column.key in ("task_key", "task"),
                                    wrap=column.wrap, date=column.kind == "date")
            if value not in (None, "") and not column.wrap:
                widths[column.key] = max(widths[column.key], cjk_width(_as_text(value)) + 2)
    for col, column in enumerate(COLUMNS, start=1):
        # wrapped columns keep their designed width; the others fit their longest value (CJK counted double)
        width = column.width if column.wrap else min(max(widths[column.key], column.width), 40)
        ws.column_dimensions[get_column_letter(col)].width = width

    first, end = HEADER_ROW + 1, max(HEADER_ROW + 1, HEADER_ROW + len(collected.rows))
    _validations(ws, first, end)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 5)  # header and the key/title columns stay in view
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    # Protection without a password: it prevents accidental edits of system columns; the import checks every
    # read-only cell anyway, so a user who removes the protection cannot change them either.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False

    _stats_sheet(wb, collected, scope_label)
    meta = wb.create_sheet(META_SHEET)
    meta.append(["导出编号", token])
    meta.append(["格式版本", FORMAT_VERSION])
    meta.append(["行数", len(collected.rows)])
    meta.append(["说明", "系统用于识别导出批次和行版本，请勿修改"])
    meta.append(["行键", "行版本"])
    for row in collected.rows:
        meta.append([row.key, json.dumps(row.version(), ensure_ascii=False, sort_keys=True)])
    meta.protection.sheet = True
    meta.sheet_state = "hidden"

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def export_filename(export) -> str:
    """台账-区商务局-20261204-0519.xlsx: the export moment in Beijing time, as the page shows it."""
    return f"台账-{export.unit.name if export.unit else '全部单位'}-{file_stamp(export.created_at)}.xlsx"


STATS_SHEET = "统计"


def _stats_sheet(wb, collected: Collected, scope_label: str) -> None:
    """The period's figures, counted by delivery.figures exactly as 督办总览 and the monthly report count them, each
    with its definition. Read-only; the import ignores this sheet."""
    ws = wb.create_sheet(STATS_SHEET)
    ws.append([f"本期统计（{scope_label}）"])
    ws.append(["报告周期", "指标", "数值", "统计口径"])
    for shown in collected.figures:
        for row in shown.rows():
            ws.append([shown.cycle.label, row["name"], row["value"], row["definition"]])
        ws.append([shown.cycle.label, "具体事项统计日", doc_date(shown.on), figures.BY_CODE["items"].moment])
    if not collected.figures:
        ws.append(["当前无开放的报告周期", "", "", ""])
    for col, width in zip("ABCD", (14, 12, 10, 90)):
        ws.column_dimensions[col].width = width
    ws["A1"].font = Font(name="黑体", size=12, bold=True)
    ws.protection.sheet = True


class _Styles:
    """Named styles, one per look: setting a named style on a cell is cheap, while fresh Font/Fill/Protection objects
    per cell cost openpyxl a hash-and-compare each (measured: 60 rows 1.2 s, 600 rows 17 s)."""

    def __init__(self):
        self.made: dict[tuple, str] = {}

    def get(self, wb, look: str, *, bold: bool, wrap: bool, date: bool) -> str:
        key = (look, bold, wrap, date)
        if key not in self.made:
            name = "ledger-" + "-".join(str(k) for k in key)
            style = NamedStyle(name=name)
            style.protection = Protection(locked=look != "edit")
            style.fill = {"edit": EDIT_FILL, TASK: TASK_FILL}.get(look, GREY)
            style.border = BORDER
            style.font = Font(name=FONT, size=11, bold=bold)
            style.alignment = Alignment(vertical="top", wrap_text=wrap)
            if date:
                style.number_format = "yyyy-mm-dd"
            wb.add_named_style(style)
            self.made[key] = name
        return self.made[key]


def _as_text(value) -> str:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


def _validations(ws, first: int, end: int) -> None:
    letter = {c.key: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
    progress = DataValidation(type="whole", operator="between", formula1="0", formula2="100", allow_blank=True,
                              showErrorMessage=True, errorTitle="完成进度", error="请填写 0 到 100 的整数",
                              promptTitle="完成进度", prompt="0 到 100 的整数", showInputMessage=True)
    progress.add(f"{letter['progress']}{first}:{letter['progress']}{end}")
    # Dates: a warning, not a stop, so text dates such as 2026年3月5日 can still be typed (the import reads them).
    dates = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True,
                           showErrorMessage=True, errorStyle="warning", errorTitle="日期",
                           error="请填写日期，如 2026-03-05", promptTitle="日期", prompt="如 2026-03-05 或 2026年3月5日",
                           showInputMessage=True)
    for key in ("completed", "ext_to"):
        dates.add(f"{letter[key]}{first}:{letter[key]}{end}")
    ws.add_data_validation(progress)
    ws.add_data_validation(dates)


# -- reading ----------------------------------------------------------------------------------------------------------

class WorkbookUnreadable(ValueError):
    """The upload is not a ledger workbook this system exported (message in Chinese)."""


@dataclass
class FileRow:
    number: int  # the Excel row number, as people see it
    key: str
    kind: str
    cells: dict  # column key → raw cell value


def read_workbook(data: bytes) -> tuple[str, list[FileRow], list[str]]:
    """The export token, the data rows and the columns found; raises WorkbookUnreadable for a wrong file.

    The zip is checked for bombs first and the sheet is read streaming with row/cell caps (``core.uploads``): a small
    file claiming millions of cells is refused instead of being loaded whole."""
    import zipfile

    from iccity.core import uploads

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise WorkbookUnreadable("文件无法读取：请上传从本系统导出的台账（.xlsx 格式）")
    try:
        wb = uploads.open_workbook(data, what="台账")
    except uploads.UploadRefused as exc:
        raise WorkbookUnreadable(exc.message) from None
    except Exception:  # openpyxl raises many kinds (zip, xml, key errors) for files that are not .xlsx
        raise WorkbookUnreadable("文件无法读取：请上传从本系统导出的台账（.xlsx 格式）") from None
    try:
        return _read_sheets(wb, uploads)
    except uploads.UploadRefused as exc:
        raise WorkbookUnreadable(exc.message) from None
    except WorkbookUnreadable:
        raise
    except Exception:  # a broken sheet XML surfaces only while streaming
        raise WorkbookUnreadable("文件无法读取：请上传从本系统导出的台账（.xlsx 格式）") from None
    finally:
        wb.close()


def _read_sheets(wb, uploads) -> tuple[str, list[FileRow], list[str]]:
    if META_SHEET not in wb.sheetnames or SHEET not in wb.sheetnames:
        raise WorkbookUnreadable(f"文件中没有“{SHEET}”或“{META_SHEET}”工作表：请使用从本系统导出的台账填写")
    first = next(uploads.sheet_rows(wb[META_SHEET], max_col=2, what=f"“{META_SHEET}”工作表"), ())
    token = str((first[1] if len(first) > 1 else None) or "").strip()
    if not token:
        raise WorkbookUnreadable("“元数据”工作表中缺少导出编号：请重新导出台账后填写")
    header_row, columns, rows = None, {}, []
    stream = uploads.sheet_rows(wb[SHEET], max_col=len(COLUMNS) + 20, what=f"“{SHEET}”工作表")
    for r, values in enumerate(stream, start=1):
        if header_row is None:
            texts = {c: str(v or "").strip() for c, v in enumerate(values, start=1)}
            if "事项编号" in texts.values() and "任务编号" in texts.values():
                header_row = r
                for c, text in texts.items():
                    key = BY_HEADER[text].key if text in BY_HEADER else HEADER_ALIASES.get(text)
                    if key:
                        columns[c] = key
                missing = [c.header for c in COLUMNS if c.editable_on and c.key not in columns.values()]
                if missing:
                    raise WorkbookUnreadable(f"台账缺少可填写的列：{'、'.join(missing)}；请勿删除或重命名列")
            elif r >= 15:
                break
            continue
        # what the export escaped (core.exports.safe_cell) is read back as it was, so the round trip changes nothing
        cells = {key: unescape_cell(values[c - 1] if c <= len(values) else None) for c, key in columns.items()}
        item = str(cells.get("item_key") or "").strip()
        task = str(cells.get("task_key") or "").strip()
        if not item and not task:
            if any(v not in (None, "") for v in cells.values()):
                rows.append(FileRow(number=r, key="", kind="", cells=cells))  # filled cells without a key: reported
            continue
        if item:
            rows.append(FileRow(number=r, key=item, kind=ITEM, cells=cells))
        else:
            rows.append(FileRow(number=r, key=task, kind=TASK, cells=cells))
    if header_row is None:
        raise WorkbookUnreadable(f"“{SHEET}”工作表中找不到表头（任务编号、事项编号）：请勿删除表头行")
    return token, rows, list(columns.values())


def column_header(key: str) -> str:
    return BY_KEY[key].header
