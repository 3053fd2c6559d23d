"""Every delivery count, defined once. 督办总览, the figures API, the Word monthly report / 专报 / stocktake, the Excel
台账 and the dashboards all count through this module, so an official who reads a document and then opens the platform
sees the same numbers.

Each figure has a written definition (what counts, as of which moment, which cycle, whether co-units count); the
definitions are shown on the help page (``/delivery/figures/``) and printed in the documents' notes (统计口径).
Counting is done by grouped aggregate queries (one per measure), never by loading rows, so it costs the same for one
cycle or five years.
"""
from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, fields
from functools import reduce

from django.conf import settings
from django.db import NotSupportedError, connection
from django.db.models import Count, DateTimeField, Func, Q, QuerySet
from django.utils import timezone

from iccity.core import clock

from .models import Report, ReportingCycle, ReportState, WorkItem, WorkItemState

NONE_KEY = 0  # rows whose grouping key is empty (e.g. a task no task force drives)


@dataclass(frozen=True)
class Figure:
    code: str
    name: str
    unit: str          # 份 / 项 / %
    counts: str        # what counts
    moment: str        # as of which moment
    cycle: str         # which cycle / period
    co_units: str      # whether co-units count

    @property
    def definition(self) -> str:
        return f"{self.counts}{self.moment}{self.cycle}{self.co_units}"


_REPORT_CYCLE = "按所选报告周期（月报为该月周期）统计。"
_REPORT_CO = "牵头单位和配合单位各自的报告都计入（每个责任单位一份）。"
_NOW = "以统计时（页面打开、文书或台账生成时）报告的状态为准。"
_ITEM_DAY = "截至报告期末；报告期尚未结束的，截至统计当日。"
_ITEM_CO = "事项只计入其牵头单位，配合单位不重复计。"
_ITEM_SCOPE = "按方案统计，与报告周期所属方案一致。"

FIGURES: tuple[Figure, ...] = (
    Figure("expected", "应报", "份",
           "报告周期开启时为每项任务的每个责任单位生成的报告数（集体名称已展开为成员单位；退回或改派交办的单位不计）。",
           _NOW, _REPORT_CYCLE, _REPORT_CO),
    Figure("submitted", "已报送", "份",
           "单位负责人已审核并报送专班/办公室的报告数（“首次报送专班时间”不为空）；草稿和待单位负责人审核的报告不计，"
           "报送后被专班退回的仍计为已报送。",
           _NOW, _REPORT_CYCLE, _REPORT_CO),
    Figure("on_time", "按时报送", "份",
           "已报送且首次报送专班的日期（北京时间）不晚于该周期报送截止日的报告数。",
           _NOW, _REPORT_CYCLE, _REPORT_CO),
    Figure("accepted", "审核通过", "份", "专班/办公室审核通过（状态为“已通过”）的报告数。", _NOW, _REPORT_CYCLE, _REPORT_CO),
    Figure("returned", "退回", "份", "当前处于“已退回修改”、尚未重新提交的报告数。", _NOW, _REPORT_CYCLE, _REPORT_CO),
    Figure("waiting", "审核中", "份", "已提交、待单位负责人或专班/办公室审核的报告数。", _NOW, _REPORT_CYCLE, _REPORT_CO),
    Figure("overdue", "逾期未报", "份",
           "已过报送截止日仍未报送专班/办公室的报告数；截止日之前为0。", _NOW, _REPORT_CYCLE, _REPORT_CO),
    Figure("submission_rate", "报送率", "%", "已报送 ÷ 应报，保留一位小数；应报为0时记“—”。", _NOW, _REPORT_CYCLE, _REPORT_CO),
    Figure("on_time_rate", "按时率", "%", "按时报送 ÷ 应报，保留一位小数；应报为0时记“—”。", _NOW, _REPORT_CYCLE, _REPORT_CO),
    Figure("items", "事项数", "项", "已确认（推进中或已办结）的具体事项数；待确认和已撤销的不计。", _ITEM_DAY, _ITEM_SCOPE, _ITEM_CO),
    Figure("items_done", "已办结", "项", "状态为已办结且办结日期不晚于统计日的具体事项数。", _ITEM_DAY, _ITEM_SCOPE, _ITEM_CO),
    Figure("completion_rate", "完成率", "%", "已办结 ÷ 事项数，保留一位小数；事项数为0时记“—”。", _ITEM_DAY, _ITEM_SCOPE, _ITEM_CO),
    Figure("items_overdue", "逾期事项", "项",
           "完成时限早于统计日、且到统计日仍未办结的具体事项数（延期获批的按新时限）。", _ITEM_DAY, _ITEM_SCOPE, _ITEM_CO),
)
BY_CODE = {f.code: f for f in FIGURES}


def rate(part: int, whole: int) -> str:
    """76.2% — the one way a rate is written; "—" when there is nothing to divide by."""
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def _end_of_local_day(day: dt.date) -> dt.datetime:
    """The first moment after ``day`` in the platform's zone (so "on or before the due day" is a plain ``<``)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()),
                               timezone.get_default_timezone())


def sent_on(report) -> dt.date | None:
    """The Beijing date a report was 已报送 (sent up by its unit head), None while it is not: the one moment that
    decides 已报送, 按时报送, 逾期未报 and the scoring events for late and missing reports."""
    return timezone.localdate(report.reached_review_at) if report.reached_review_at is not None else None


def item_day(cycle: ReportingCycle, today: dt.date | None = None) -> dt.date:
    """The day work items are counted at for a cycle: its period end, or today while the period runs."""
    return min(today or clock.today(), cycle.period_end)


# ---------------------------------------------------------------- report figures

@dataclass
class ReportCounts:
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    accepted: int = 0
    returned: int = 0
    waiting: int = 0
    overdue: int = 0

    @property
    def unsubmitted(self) -> int:
        return self.expected - self.submitted

    @property
    def submission_rate(self) -> str:
        return rate(self.submitted, self.expected)

    @property
    def on_time_rate(self) -> str:
        return rate(self.on_time, self.expected)


SENT = Q(reached_review_at__isnull=False)


def _report_annotations(due_on: dt.date) -> dict:
    on_time = SENT & Q(reached_review_at__lt=_end_of_local_day(due_on))
    return {
        "expected": Count("id", distinct=True),
        "submitted": Count("id", filter=SENT, distinct=True),
        "on_time": Count("id", filter=on_time, distinct=True),
        "accepted": Count("id", filter=Q(state=ReportState.ACCEPTED), distinct=True),
        "returned": Count("id", filter=Q(state=ReportState.RETURNED), distinct=True),
        "waiting": Count("id", filter=Q(state__in=[ReportState.SUBMITTED, ReportState.UNIT_APPROVED]), distinct=True),
    }


def report_counts(cycle: ReportingCycle, *, reports: QuerySet | None = None, key: str | None = None,
                  today: dt.date | None = None):
    """The report figures of ``cycle`` (optionally of a narrower ``reports`` queryset of it): one ``ReportCounts``,
    or ``{key value: ReportCounts}`` grouped by ``key`` (e.g. "unit_id", "task__driven_by__task_force_id")."""
    today = today or clock.today()
    qs = (reports if reports is not None else Report.objects.all()).filter(cycle=cycle)
    annotations = _report_annotations(cycle.due_on)
    overdue_now = today > cycle.due_on  # before the due day nothing is overdue

    def make(row) -> ReportCounts:
        counts = ReportCounts(**{n: row[n] for n in annotations})
        counts.overdue = counts.unsubmitted if overdue_now else 0
        return counts

    if key is None:
        return make(qs.aggregate(**annotations))
    return {row[key] or NONE_KEY: make(row) for row in qs.values(key).annotate(**annotations).order_by()}


# ---------------------------------------------------------------- lateness of one report (the review queue)

LATENESS: tuple[tuple[str, str, str], ...] = (
    ("on_time", "按时报送", "已报送，且首次报送专班的日期（北京时间）不晚于该周期报送截止日（与“按时报送”同一口径）。"),
    ("late", "逾期报送", "已报送，但首次报送专班的日期晚于该周期报送截止日。"),
    ("overdue", "逾期未报", "已过报送截止日仍未报送专班/办公室（与“逾期未报”同一口径）；截止日之前不算。"),
)
LATENESS_LABELS = {code: name for code, name, _definition in LATENESS}


class DueDayEnd(Func):
    """The first moment after a cycle's due day in the platform's zone (``_end_of_local_day(cycle.due_on)``), computed
    by the database for every row, so "sent on or before the due day" is one comparison of stored timestamps.

    PostgreSQL converts in the zone itself (exact for any zone). SQLite has no zone database: it adds ``seconds``
    (one day minus the zone's offset on those due days, as stored datetimes are read) to the date, which is exact for
    every due day sharing that offset; ``lateness_conditions`` groups due days by offset (one group in China)."""

    output_field = DateTimeField()

    def __init__(self, due_on, seconds: int):
        super().__init__(due_on)
        self.seconds = int(seconds)

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("DueDayEnd is written for SQLite and PostgreSQL")

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"datetime({sql}, %s)", [*params, f"{self.seconds:+d} seconds"]

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"((({sql}) + 1)::timestamp AT TIME ZONE %s)", [*params, settings.TIME_ZONE]


def _due_day_offsets(days) -> dict[int, list[dt.date]]:
    """Due days grouped by the seconds from the day's midnight to its end in the platform's zone, both read as the
    database stores datetimes (UTC unless DATABASES sets a TIME_ZONE): 57 600 for every day in China."""
    db_zone = connection.timezone
    groups: dict[int, list[dt.date]] = {}
    for day in days:
        end = timezone.make_naive(_end_of_local_day(day), db_zone)
        groups.setdefault(int((end - dt.datetime.combine(day, dt.time())).total_seconds()), []).append(day)
    return groups


def lateness_conditions(today: dt.date | None = None, cycles: QuerySet | None = None) -> dict[str, Q]:
    """Per lateness code, a condition on Report rows of any cycle, so a list can filter and count all three in one
    aggregate query. The due day ends at local midnight, as in ``sent_on``: the conditions compare the stored
    first-sent time with ``DueDayEnd`` of the report's cycle, one SQL expression whatever the number of cycles (no
    conversion of every row's time to a local date, which SQLite does in Python row by row). One query reads the
    distinct due days (of ``cycles``, default all) to group them by zone offset; a zone without daylight saving
    gives one group and no cycle condition at all."""
    today = today or clock.today()
    days = (cycles if cycles is not None else ReportingCycle.objects.all()).order_by().values_list("due_on", flat=True)
    groups = _due_day_offsets(sorted(set(days.distinct())))
    on_time, late = [], []
    for seconds, group in groups.items():
        end = DueDayEnd("cycle__due_on", seconds)
        only = Q(cycle__due_on__in=group) if len(groups) > 1 else Q()
        on_time.append(only & Q(reached_review_at__lt=end))
        late.append(only & Q(reached_review_at__gte=end))
    nothing = Q(pk__in=[])   # no cycle yet: nothing is on time or late
    return {
        "on_time": reduce(operator.or_, on_time) if on_time else nothing,
        "late": reduce(operator.or_, late) if late else nothing,
        "overdue": Q(reached_review_at__isnull=True) & Q(cycle__due_on__lt=today),
    }


def lateness_of(report, today: dt.date | None = None) -> str:
    """The lateness code of one report ("" when not sent yet and not due), by the same definitions."""
    sent = sent_on(report)
    if sent is not None:
        return "on_time" if sent <= report.cycle.due_on else "late"
    return "overdue" if (today or clock.today()) > report.cycle.due_on else ""


# ---------------------------------------------------------------- work-item figures

@dataclass
class ItemCounts:
    items: int = 0
    items_done: int = 0
    items_overdue: int = 0

    @property
    def completion_rate(self) -> str:
        return rate(self.items_done, self.items)


CONFIRMED = Q(state__in=[WorkItemState.ACTIVE, WorkItemState.DONE])


def overdue_at(on: dt.date) -> Q:
    """逾期事项 as of ``on``: deadline passed and not done by then (also the dashboards' month-end trend)."""
    still_open = Q(state=WorkItemState.ACTIVE) | Q(state=WorkItemState.DONE, completed_on__gt=on)
    return Q(deadline__lt=on) & still_open


def _item_annotations(on: dt.date) -> dict:
    return {
        "items": Count("id", filter=CONFIRMED, distinct=True),
        "items_done": Count("id", filter=Q(state=WorkItemState.DONE, completed_on__lte=on), distinct=True),
        "items_overdue": Count("id", filter=overdue_at(on), distinct=True),
    }


def item_counts(items: QuerySet, on: dt.date, *, key: str | None = None):
    """The work-item figures of ``items`` as of ``on``: one ``ItemCounts``, or grouped by ``key`` ("lead_unit_id",
    "task_id", …)."""
    annotations = _item_annotations(on)
    if key is None:
        return ItemCounts(**items.aggregate(**annotations))
    names = [f.name for f in fields(ItemCounts)]
    return {row[key] or NONE_KEY: ItemCounts(**{n: row[n] for n in names})
            for row in items.values(key).annotate(**annotations).order_by()}


def plan_items(cycle: ReportingCycle) -> QuerySet:
    return WorkItem.objects.filter(task__version__plan_id=cycle.plan_id)


# ---------------------------------------------------------------- one cycle, all figures

@dataclass
class CycleFigures:
    cycle: ReportingCycle
    today: dt.date
    on: dt.date            # the day work items are counted at
    reports: ReportCounts
    items: ItemCounts

    def value(self, code: str) -> int | str:
        source = self.reports if hasattr(self.reports, code) else self.items
        return getattr(source, code)

    def display(self, code: str) -> str:
        figure = BY_CODE[code]
        value = self.value(code)
        return value if figure.unit == "%" else f"{value}{figure.unit}"

    def rows(self) -> list[dict]:
        """[{code, name, value, display, definition}] in the order of ``FIGURES``."""
        return [{"code": f.code, "name": f.name, "value": self.value(f.code), "display": self.display(f.code),
                 "unit": f.unit, "definition": f.definition} for f in FIGURES]

    def report_sentence(self) -> str:
        r = self.reports
        return (f"{self.cycle.label}应报进展报告{r.expected}份，已报送{r.submitted}份（其中按时报送{r.on_time}份），"
                f"审核通过{r.accepted}份，退回{r.returned}份，审核中{r.waiting}份，逾期未报{r.overdue}份；"
                f"报送率{r.submission_rate}，按时率{r.on_time_rate}。")

    def item_sentence(self) -> str:
        from iccity.core.timefmt import doc_date

        i = self.items
        return (f"截至{doc_date(self.on)}，已分解具体事项{i.items}项，已办结{i.items_done}项，"
                f"完成率{i.completion_rate}；逾期事项{i.items_overdue}项。")


def cycle_figures(cycle: ReportingCycle, *, today: dt.date | None = None, task_ids=None, unit_id=None,
                  task_force_id=None) -> CycleFigures:
    """All figures of one cycle, optionally narrowed to some tasks, one unit (its own reports; items it leads) or the
    tasks one task force drives."""
    today = today or clock.today()
    reports, items = Report.objects.all(), plan_items(cycle)
    if task_ids is not None:
        reports, items = reports.filter(task_id__in=task_ids), items.filter(task_id__in=task_ids)
    if task_force_id:
        reports = reports.filter(task__driven_by__task_force_id=task_force_id)
        items = items.filter(task__driven_by__task_force_id=task_force_id)
    if unit_id:
        reports, items = reports.filter(unit_id=unit_id), items.filter(lead_unit_id=unit_id)
    on = item_day(cycle, today)
    return CycleFigures(cycle=cycle, today=today, on=on, reports=report_counts(cycle, reports=reports, today=today),
                        items=item_counts(items, on))


def figure_notes() -> list[str]:
    """The 统计口径 paragraphs printed in documents: "应报：…"."""
    return [f"{f.name}：{f.definition}" for f in FIGURES]
