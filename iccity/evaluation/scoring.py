"""Unit scoring (考评): the points rules as data, the events derived from delivery data, and the league table.

The rules are one ``core.Rule`` key (``evaluation.scoring``): a base score and rows ``{event, role, points, cap,
multiplier, manual, description, source}``. A period is scored by the version **in force on the period's last day**,
so a rule change made later never alters a past period's total (the run stores the version it used).

Events and how they are read from the data (each names the record that caused it):

- ``missing_report``: a report of a cycle whose period ends in the scoring period, never submitted, once the cycle has
  closed (before closing it is still pending and not scored; submissions are refused after closing, so the judgement
  cannot change afterwards).
- ``late_report``: first submitted after the cycle's due date.
- ``no_substance``: the report's latest submitted revision carries a quality flag ``empty`` or ``no_facts``
  (无实质性内容); one deduction per report, however many flags. A reviewer's return is not counted here: a return
  is part of the normal review loop, and the reference gives no points for it.
- ``on_time_completion``: a work item done within the period on or before its **baseline** deadline (lead unit).
- ``unfinished_task``: a work item whose **baseline** deadline falls in the period and that was not done by the
  period's end (extensions do not save the points: ``baseline_deadline`` is kept for 考核); lead and each co-unit.
- manual events (``manual: true``, e.g. ``leader_commendation``): ``ScoreAdjustment`` rows the office records, counted
  in the period containing their date unless withdrawn.

A row with a ``cap`` limits the absolute total of that event per unit and period; entries beyond it are kept, marked
``capped`` and not counted. Ties share a rank (1, 1, 3).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from iccity.core.actions import ActionRefused
from iccity.core.models import Rule

from . import quality

SCORING_RULE = "evaluation.scoring"
EFFECTIVE_FROM = dt.date(2023, 12, 29)  # the plan's date: the defaults apply to everything under it

FYMATE = "某区督查考核细则 http://www.fymate.net/html/text/lar/174265/17426515_2.html"
JIAMUSI = "佳木斯 http://www.fymate.net/html/text/lar/170043/17004389_3.html"
COUNTY = "某县 https://m.sobing.com/shtml/7ac72b3ccf87482b37a2c4ff3f27d06b.html"
DEV_ZONE = "某开发区 https://dzwz365.com/html/eactionShowInfo.phpclassid172&id28231.html"

SCORING_VALUE = {
    "base": 100,
    "rows": [
        {"event": "missing_report", "role": "", "points": -10, "cap": None, "multiplier": 1, "manual": False,
         "description": "缺报进展报告（周期关闭仍未报送）", "source": FYMATE + "：每缺报一次扣10分"},
        {"event": "late_report", "role": "", "points": -1, "cap": None, "multiplier": 1, "manual": False,
         "description": "逾期报送进展报告", "source": JIAMUSI + "：逾期反馈每件扣1分"},
        {"event": "no_substance", "role": "", "points": -5, "cap": None, "multiplier": 1, "manual": False,
         "description": "报告无实质性内容", "source": FYMATE + "：反馈无实质性内容每次扣5分"},
        {"event": "on_time_completion", "role": "lead", "points": 1, "cap": None, "multiplier": 1, "manual": False,
         "description": "事项按期办结", "source": JIAMUSI + "：按期办结每件加1分"},
        {"event": "unfinished_task", "role": "lead", "points": -5, "cap": None, "multiplier": 1, "manual": False,
         "description": "事项到期未完成（牵头单位）", "source": DEV_ZONE + "：未完成任务牵头单位扣5分"},
        {"event": "unfinished_task", "role": "co", "points": -3, "cap": None, "multiplier": 1, "manual": False,
         "description": "事项到期未完成（配合单位）", "source": DEV_ZONE + "：每个配合单位扣3分"},
        {"event": "leader_commendation", "role": "", "points": 1, "cap": None, "multiplier": 1, "manual": True,
         "description": "领导肯定性批示", "source": JIAMUSI + "：获领导肯定性批示再加1分"},
        {"event": "city_leader_commendation", "role": "", "points": 5, "cap": None, "multiplier": 1, "manual": True,
         "description": "市领导肯定性批示", "source": COUNTY + "：市领导肯定性批示加5分"},
        {"event": "experience_published", "role": "", "points": 2, "cap": None, "multiplier": 1, "manual": True,
         "description": "经验做法被刊发", "source": COUNTY + "：经验材料刊发加2分"},
        {"event": "false_report", "role": "", "points": -3, "cap": None, "multiplier": 1, "manual": True,
         "description": "报告不实", "source": DEV_ZONE + "：虚报扣3分"},
    ],
}


AUTOMATIC_EVENTS = ("missing_report", "late_report", "no_substance", "on_time_completion", "unfinished_task")
ROLE_LABELS = {"lead": "牵头", "co": "配合", "": ""}


# ---------------------------------------------------------------- periods

@dataclass(frozen=True)
class ScoringPeriod:
    key: str
    start: dt.date
    end: dt.date
    quarterly: bool

    @property
    def label(self) -> str:
        if self.quarterly:
            return f"{self.start.year}年第{'一二三四'[(self.start.month - 1) // 3]}季度"
        return f"{self.start.year}年{self.start.month}月"

    def previous(self) -> ScoringPeriod:
        if self.quarterly:
            q = (self.start.month - 1) // 3 + 1
            return parse_period(f"{self.start.year}Q{q - 1}" if q > 1 else f"{self.start.year - 1}Q4")
        before = self.start - dt.timedelta(days=1)
        return parse_period(f"{before.year}-{before.month:02d}")


def parse_period(text: str) -> ScoringPeriod:
    """``2026-03`` (month) or ``2026Q1`` (quarter), read by the indicators' period keys; anything else (a year, a
    1—N月 total, free Chinese wording) is refused with a Chinese message."""
    from iccity.core import periods

    wanted = str(text or "").strip().upper()
    try:
        parsed = periods.parse_period(wanted)
    except periods.PeriodError as problem:
        raise ActionRefused(f"考核期“{text}”有误：{problem.message}") from None
    if parsed.frequency not in (periods.MONTHLY, periods.QUARTERLY) or parsed.cumulative or parsed.key != wanted:
        raise ActionRefused(f"无法识别考核期“{text}”：请写成 2026-03（月）或 2026Q1（季度）")
    start, end = periods.period_bounds(parsed.key)
    return ScoringPeriod(key=parsed.key, start=start, end=end, quarterly=parsed.frequency == periods.QUARTERLY)


# ---------------------------------------------------------------- rules

def rule_for(period: ScoringPeriod) -> Rule:
    """The scoring rule version in force on the period's last day (a score run keeps the row it used)."""
    from iccity.core.rules import rule_in_force

    return rule_in_force(SCORING_RULE, period.end).row


def find_row(value: dict, event: str, role: str = "") -> dict | None:
    """The row for ``event`` and ``role``; a row without a role applies to every role."""
    rows = [r for r in value.get("rows", []) if r["event"] == event]
    return next((r for r in rows if r.get("role", "") == role), None) or next((r for r in rows if not r.get("role")), None)


def manual_events(value: dict) -> list[dict]:
    return [r for r in value.get("rows", []) if r.get("manual")]


# ---------------------------------------------------------------- events

@dataclass
class Event:
    unit_id: int
    event: str
    role: str
    description: str
    source: object | None  # the model instance that caused it (Report, WorkItem, ScoreAdjustment)
    occurred_on: dt.date | None
    sort_key: tuple = field(default=())


def derive_events(period: ScoringPeriod, today: dt.date) -> tuple[list[Event], set[int], list[str]]:
    """Every scoring event of the period, the units that had duties in it, and notes (e.g. cycles still open).
    A bounded number of queries, whatever the data."""
    from iccity.delivery.figures import sent_on
    from iccity.delivery.models import Report, ReportingCycle, ReportRevision, WorkItem, WorkItemState

    from .models import QualityFlag, ScoreAdjustment

    events: list[Event] = []
    notes: list[str] = []
    cycles = list(ReportingCycle.objects.filter(period_end__gte=period.start, period_end__lte=period.end))
    reports = list(Report.objects.filter(cycle__in=cycles).select_related("cycle", "task").order_by("cycle_id", "task_id", "unit_id"))
    units = {r.unit_id for r in reports}
    open_cycles = [c.label for c in cycles if today <= c.closes_on]
    if open_cycles:
        notes.append(f"报告周期尚未关闭，缺报暂不计分：{'、'.join(sorted(set(open_cycles)))}")

    latest: dict[int, int] = {}  # report id → id of its latest submitted revision
    for rev in (ReportRevision.objects.filter(report__in=reports, submitted_at__isnull=False)
                .order_by("report_id", "number").values("report_id", "id")):
        latest[rev["report_id"]] = rev["id"]
    flagged = set(QualityFlag.objects.filter(revision_id__in=latest.values(), code__in=quality.NO_SUBSTANCE_CODES)
                  .values_list("revision_id", flat=True))

    for r in reports:
        c = r.cycle
        where = f"{c.label} {r.task.key} 报告"
        submitted = sent_on(r)  # 已报送 as delivery.figures defines it: sent up by the unit head
        if submitted is None:
            if today > c.closes_on:
                events.append(Event(r.unit_id, "missing_report", "", f"{where}：截至 {c.closes_on:%Y-%m-%d} 关闭仍未报送",
                                    r, c.closes_on, (c.closes_on, "report", r.pk)))
            continue
        if submitted > c.due_on:
            events.append(Event(r.unit_id, "late_report", "", f"{where}：{submitted:%Y-%m-%d} 报送，截止 {c.due_on:%Y-%m-%d}",
                                r, submitted, (submitted, "report", r.pk)))
        if latest.get(r.pk) in flagged:
            events.append(Event(r.unit_id, "no_substance", "", f"{where}：系统提示内容空泛或无具体事实",
                                r, submitted, (submitted, "report", r.pk)))

    items = (WorkItem.objects.filter(state__in=[WorkItemState.ACTIVE, WorkItemState.DONE])
             .filter(baseline_deadline__gte=period.start, baseline_deadline__lte=period.end)
             .select_related("task").prefetch_related("co_units").order_by("baseline_deadline", "id"))
    for item in items:
        done_in_time = item.state == WorkItemState.DONE and item.completed_on is not None and item.completed_on <= period.end
        units.add(item.lead_unit_id)
        units.update(u.pk for u in item.co_units.all())
        if done_in_time:
            continue
        what = f"{item.task.key}「{item.title}」原定 {item.baseline_deadline:%Y-%m-%d} 完成，至期末未办结"
        events.append(Event(item.lead_unit_id, "unfinished_task", "lead", what, item, item.baseline_deadline,
                            (item.baseline_deadline, "item", item.pk)))
        for co in item.co_units.all():
            events.append(Event(co.pk, "unfinished_task", "co", what, item, item.baseline_deadline,
                                (item.baseline_deadline, "item", item.pk)))

    done = (WorkItem.objects.filter(state=WorkItemState.DONE, completed_on__gte=period.start, completed_on__lte=period.end)
            .select_related("task").order_by("completed_on", "id"))
    for item in done:
        if item.completed_on <= item.baseline_deadline:
            units.add(item.lead_unit_id)
            events.append(Event(item.lead_unit_id, "on_time_completion", "lead",
                                f"{item.task.key}「{item.title}」{item.completed_on:%Y-%m-%d} 办结（原定 {item.baseline_deadline:%Y-%m-%d}）",
                                item, item.completed_on, (item.completed_on, "item", item.pk)))

    for adj in (ScoreAdjustment.objects.filter(occurred_on__gte=period.start, occurred_on__lte=period.end,
                                               withdrawn_at__isnull=True).order_by("occurred_on", "id")):
        units.add(adj.unit_id)
        events.append(Event(adj.unit_id, adj.event, "", adj.reason[:250], adj, adj.occurred_on, (adj.occurred_on, "adj", adj.pk)))
    return events, units, notes


# ---------------------------------------------------------------- points

@dataclass
class Scored:
    event: Event
    points: Decimal
    capped: bool
    row: dict


def apply_rules(value: dict, events: list[Event]) -> tuple[list[Scored], list[str]]:
    """Points for each event by the rule rows; events without a row in this version are left out (and noted)."""
    scored: list[Scored] = []
    missing: set[str] = set()
    running: dict[tuple[int, str], Decimal] = {}
    for ev in sorted(events, key=lambda e: (e.unit_id, e.sort_key)):
        row = find_row(value, ev.event, ev.role)
        if row is None:
            missing.add(ev.event)
            continue
        points = Decimal(str(row["points"])) * Decimal(str(row.get("multiplier", 1) or 1))
        so_far = running.get((ev.unit_id, ev.event), Decimal(0))
        cap = row.get("cap")
        capped = cap is not None and abs(so_far + points) > Decimal(str(cap))
        if not capped:
            running[(ev.unit_id, ev.event)] = so_far + points
        scored.append(Scored(ev, points, capped, row))
    notes = [f"本版规则无此事项，未计分：{'、'.join(sorted(missing))}"] if missing else []
    return scored, notes


def rank(totals: dict[int, Decimal], order: dict[int, tuple]) -> dict[int, int]:
    """Competition ranking (1, 1, 3): higher totals first; ties share the rank."""
    ranked: dict[int, int] = {}
    ids = sorted(totals, key=lambda u: (-totals[u], order.get(u, (0, ""))))
    for position, unit_id in enumerate(ids, start=1):
        if position > 1 and totals[unit_id] == totals[ids[position - 2]]:
            ranked[unit_id] = ranked[ids[position - 2]]
        else:
            ranked[unit_id] = position
    return ranked


# ---------------------------------------------------------------- reading

def league_table(period: str | None = None):
    """The current run of ``period`` (the latest current run if None) and its unit scores in rank order, units
    joined. Two queries whatever the number of units."""
    from .models import ScoreRun

    runs = ScoreRun.objects.filter(is_current=True).select_related("rule", "computed_by")
    if period:
        runs = runs.filter(period=parse_period(period).key)
    run = runs.order_by("-period_end", "-computed_at").first()
    if run is None:
        return None, []
    return run, list(run.scores.select_related("unit").order_by("rank", "unit__sort_order", "unit__name"))


def scored_periods() -> list[str]:
    """Periods with a current run, newest first (for the period selector)."""
    from .models import ScoreRun

    return list(ScoreRun.objects.filter(is_current=True).order_by("-period_end", "period").values_list("period", flat=True))


def do_score_period(period: str, actor=None):
    """Thin re-export of ``actions.scoring.do_score_period`` (the action lives with the other state changes)."""
    from .actions.scoring import do_score_period as score

    return score(period, actor=actor)
