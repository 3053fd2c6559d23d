"""Task status lights from time and results.

A task's light combines (1) deadline proximity and overdue work items (working days), (2) reported progress against
elapsed time (序时进度), and (3) the trajectory status of the indicators linked to the task. Thresholds, colours and
their order live in the ``evaluation.lights`` rule (``core.Rule``); the worst colour any reason gives wins, and every
reason is kept so a light explains itself.

Grey ("未启动/无数据") is given only when there is nothing to judge: the plan has not started on that day, or the task
has no agreed work items, no submitted progress and no judged indicator. Any reason at all outranks grey.

CONTRACT (used by dashboards, reports and the scoring job):
    compute_light(task, on) -> Light
    task_lights(version, on=None) -> dict[int, Light]      # by task id, a bounded number of queries
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from iccity.core import clock

RULE_KEY = "evaluation.lights"
DEFAULT_EFFECTIVE_FROM = dt.date(2023, 12, 29)  # the Xiqing plan's date
DEFAULT_VALUE = {
    "colours": [
        {"code": "grey", "label": "灰", "rank": -1, "meaning": "未启动或无数据"},
        {"code": "green", "label": "绿", "rank": 0, "meaning": "正常推进"},
        {"code": "blue", "label": "蓝", "rank": 1, "meaning": "临近时限"},
        {"code": "yellow", "label": "黄", "rank": 2, "meaning": "滞后序时进度或轻度逾期"},
        {"code": "red", "label": "红", "rank": 3, "meaning": "严重逾期或严重滞后"},
    ],
    "no_data": "grey",
    # an open work item due within this many working days makes the task blue (宿迁: 蓝色 = 临近时限)
    "deadline_near": {"working_days": 3, "colour": "blue"},
    # overdue ladder: an item overdue by d working days takes the colour of the last step with d >= after_working_days
    "overdue": [{"after_working_days": 1, "colour": "yellow"}, {"after_working_days": 11, "colour": "red"}],
    # 序时进度: elapsed share of the plan period (in %) minus the latest reported progress (%)
    "schedule": {"yellow_gap": 10, "red_gap": 25},
    # Open SDG status codes (indicators/progress.py) → colour; null = shown but does not colour the light
    "indicator_status": {"achieved": "green", "on_track": "green", "acceleration_needed": "yellow",
                         "limited_progress": "yellow", "deterioration": "red", "insufficient_data": None,
                         "not_applicable": None},
    # whether the public progress page shows lights, in plain words and without reasons (issue 16: public progress
    # shows every task's light; an office that does not want it adds a rule version with false)
    "public": True,
    # the words the public reads beside each colour (no unit names, no "逾期": a light judges the task, not a unit)
    "public_words": {"grey": "尚未启动或暂无数据", "green": "按计划推进", "blue": "临近完成时限",
                     "yellow": "进度需加快", "red": "进度明显滞后"},
}



@dataclass(frozen=True)
class Reason:
    code: str          # e.g. "items_overdue", "behind_schedule", "indicator_limited", "deadline_near"
    text: str          # Chinese, e.g. "2 项事项逾期超过10个工作日"
    colour: str        # the colour this reason alone gives


@dataclass(frozen=True)
class Light:
    colour: str                      # rule colour code, e.g. "red"
    label: str                       # Chinese label from the rule, e.g. "红"
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    rule_version: int | None = None
    # what the light was computed from (kept on TaskLight.inputs) and the rule row's id; not part of equality
    inputs: dict = field(default_factory=dict, compare=False, hash=False)
    rule_id: int | None = field(default=None, compare=False, hash=False)

    @property
    def explanation(self) -> str:
        """"红：2 项事项逾期超过10个工作日；社零 轨迹进展有限" — the label, then each reason that set the colour."""
        worst = [r.text for r in self.reasons if r.colour == self.colour]
        return f"{self.label}：{'；'.join(worst)}" if worst else self.label

    def reasons_json(self) -> list[dict]:
        return [{"code": r.code, "text": r.text, "colour": r.colour} for r in self.reasons]


# ---------------------------------------------------------------- pure judging (no database)

@dataclass
class TaskInputs:
    """What one task's light is judged from on one day."""
    overdue_days: list[int] = field(default_factory=list)   # working days overdue, per open overdue item
    near_days: list[int] = field(default_factory=list)      # working days left, per open item due soon
    open_items: int = 0
    done_items: int = 0
    progress: int | None = None                             # latest reported 完成进度 (%)
    progress_period: str = ""
    elapsed: float | None = None                            # share of the plan period elapsed (0–1)
    indicators: list[tuple[str, str, str]] = field(default_factory=list)  # (name, status code, status label)
    started: bool = True
    calendar_note: str = ""


class RuleSet:
    """The rule value with its colours looked up once."""

    def __init__(self, value: dict, version: int | None = None, rule_id: int | None = None):
        self.value = value
        self.version = version
        self.rule_id = rule_id
        self.colours = {c["code"]: c for c in value["colours"]}
        self.rank = {code: int(c.get("rank", 0)) for code, c in self.colours.items()}

    def label(self, code: str) -> str:
        return self.colours.get(code, {}).get("label", code)

    def ordered(self) -> list[dict]:
        return sorted(self.value["colours"], key=lambda c: c.get("rank", 0))


def _overdue_reasons(days: list[int], steps: list[dict]) -> list[Reason]:
    steps = sorted(steps, key=lambda s: int(s["after_working_days"]))
    counts: dict[int, int] = {}
    for d in days:
        reached = [i for i, s in enumerate(steps) if d >= int(s["after_working_days"])]
        if reached:
            counts[reached[-1]] = counts.get(reached[-1], 0) + 1
    reasons = []
    for i in sorted(counts, reverse=True):
        after = int(steps[i]["after_working_days"])
        if i + 1 < len(steps):
            upto = int(steps[i + 1]["after_working_days"]) - 1
            span = f"{after}个工作日" if upto == after else f"{after}—{upto}个工作日"
        else:
            span = f"超过{after - 1}个工作日" if after > 1 else "1个工作日以上"
        reasons.append(Reason("items_overdue", f"{counts[i]} 项事项逾期{span}", steps[i]["colour"]))
    return reasons


def judge(inputs: TaskInputs, rules: RuleSet) -> Light:
    """The light for one task's inputs under one rule version: every reason, the worst colour wins."""
    v = rules.value
    reasons: list[Reason] = []
    if not inputs.started:
        code = v.get("no_data", "grey")
        return Light(code, rules.label(code), (Reason("not_started", "方案尚未开始实施", code),), rules.version,
                     inputs=_inputs_json(inputs), rule_id=rules.rule_id)
    reasons += _overdue_reasons(inputs.overdue_days, v.get("overdue", []))
    near = v.get("deadline_near") or {}
    soon = [d for d in inputs.near_days if d <= int(near.get("working_days", 0))]
    if soon and near.get("colour"):
        reasons.append(Reason("deadline_near", f"{len(soon)} 项事项{min(soon)}个工作日内到期", near["colour"]))
    if inputs.open_items and not inputs.overdue_days and not soon:
        reasons.append(Reason("items_on_time", f"{inputs.open_items} 项事项按时推进", "green"))
    if inputs.done_items and not inputs.open_items:
        reasons.append(Reason("items_done", f"{inputs.done_items} 项事项均已办结", "green"))
    schedule = v.get("schedule") or {}
    if inputs.progress is not None and inputs.elapsed is not None:
        expected = round(inputs.elapsed * 100)
        gap = expected - inputs.progress
        where = f"（{inputs.progress_period}）" if inputs.progress_period else ""
        if gap > schedule.get("red_gap", 1000):
            reasons.append(Reason("behind_schedule", f"报告进度{inputs.progress}%{where}落后序时进度{expected}% 达{gap}个百分点", "red"))
        elif gap > schedule.get("yellow_gap", 1000):
            reasons.append(Reason("behind_schedule", f"报告进度{inputs.progress}%{where}落后序时进度{expected}% 达{gap}个百分点", "yellow"))
        else:
            reasons.append(Reason("on_schedule", f"报告进度{inputs.progress}%{where}，序时进度{expected}%", "green"))
    mapping = v.get("indicator_status") or {}
    for name, code, label in inputs.indicators:
        colour = mapping.get(code)
        if colour:
            reasons.append(Reason(f"indicator_{code}", f"{name} 轨迹{label}", colour))
    if inputs.calendar_note:
        counted_in_days = ("items_overdue", "deadline_near")
        reasons = [Reason(r.code, f"{r.text}{inputs.calendar_note}" if r.code in counted_in_days else r.text, r.colour)
                   for r in reasons]
    if not reasons:
        code = v.get("no_data", "grey")
        reasons.append(Reason("no_data", "尚无已确认事项、已报送进度或可判定的指标", code))
    worst = max(reasons, key=lambda r: rules.rank.get(r.colour, 0)).colour
    ordered = tuple(sorted(reasons, key=lambda r: -rules.rank.get(r.colour, 0)))
    return Light(worst, rules.label(worst), ordered, rules.version, inputs=_inputs_json(inputs), rule_id=rules.rule_id)


def _inputs_json(inputs: TaskInputs) -> dict:
    return {"overdue_days": inputs.overdue_days, "near_days": inputs.near_days, "open_items": inputs.open_items,
            "done_items": inputs.done_items, "progress": inputs.progress, "progress_period": inputs.progress_period,
            "elapsed": None if inputs.elapsed is None else round(inputs.elapsed, 4),
            "indicators": [list(i) for i in inputs.indicators]}


# ---------------------------------------------------------------- reading the database

def rules_in_force(on: dt.date) -> RuleSet:
    """The rule version in force (the declared default while the key was never created: evaluation/rules.py)."""
    from iccity.core.rules import rule_in_force

    rule = rule_in_force(RULE_KEY, on)
    return RuleSet(rule.value, None if rule.from_default else rule.version, rule.pk)


class _Days:
    """Working days between dates, falling back to calendar days (noted) for years without holiday data."""

    def __init__(self):
        from iccity.core.calendar import WorkdayCalendar

        self.calendar = WorkdayCalendar()
        self.note = ""
        self._cache: dict[tuple[dt.date, dt.date], int] = {}

    def between(self, a: dt.date, b: dt.date) -> int:
        from iccity.core.calendar import CalendarDataMissing

        key = (a, b)
        if key not in self._cache:
            try:
                self._cache[key] = self.calendar.workdays_between(a, b)
            except CalendarDataMissing:
                self.note = "（缺少节假日数据，按自然日计）"
                self._cache[key] = (b - a).days
        return self._cache[key]


def _elapsed(plan, version, on: dt.date) -> float | None:
    start = plan.starts_on or version.issued_on
    end = plan.ends_on
    if not start or not end or end <= start:
        return None
    return min(1.0, max(0.0, (on - start).days / (end - start).days))


def gather(version, on: dt.date, task_ids=None) -> tuple[list, dict[int, TaskInputs]]:
    """(tasks, inputs by task id) for one plan version on one day, in a fixed number of queries."""
    from django.db.models import OuterRef, Q, Subquery

    from iccity.delivery.models import ReportRevision, WorkItem, WorkItemState
    from iccity.indicators.models import Indicator
    from iccity.indicators.progress import LABELS, indicator_statuses

    latest = (ReportRevision.objects.filter(report__task=OuterRef("pk"), submitted_at__isnull=False,
                                            progress__isnull=False, report__cycle__period_end__lte=on)
              .order_by("-report__cycle__period_end", "-report__is_lead", "-submitted_at"))
    # not select_related("version"): PlanVersion.parsed is the parser's whole output, decoded again for every row
    # one correlated subquery picks the revision (it was run twice, once per column); its two columns come after
    tasks_qs = version.tasks.select_related("group").annotate(
        reported_revision=Subquery(latest.values("pk")[:1]),
    ).order_by("kind", "number")
    if task_ids is not None:
        tasks_qs = tasks_qs.filter(pk__in=task_ids)
    tasks = list(tasks_qs)
    revision_ids = {t.reported_revision for t in tasks if t.reported_revision is not None}
    reported = ({pk: (progress, label) for pk, progress, label in ReportRevision.objects.filter(pk__in=revision_ids)
                 .values_list("pk", "progress", "report__cycle__label")} if revision_ids else {})
    for t in tasks:
        t.reported_progress, t.reported_period = reported.get(t.reported_revision, (None, None))
    ids = [t.pk for t in tasks]
    inputs = {t.pk: TaskInputs() for t in tasks}
    if not tasks:
        return tasks, inputs
    plan = version.plan
    for t in tasks:
        t.version = version
    start = plan.starts_on or version.issued_on
    started = not (start and on < start)
    elapsed = _elapsed(plan, version, on)
    # open on that day: active now, or completed after it (so past days can be judged again for the trend)
    items = (WorkItem.objects.filter(task_id__in=ids)
             .filter(Q(state=WorkItemState.ACTIVE) | Q(state=WorkItemState.DONE, completed_on__gt=on))
             .values_list("task_id", "deadline"))
    days = _Days()
    near_window = on + dt.timedelta(days=30)  # any near-deadline rule fits in 30 calendar days
    for task_id, deadline in items:
        box = inputs[task_id]
        box.open_items += 1
        if deadline < on:
            d = days.between(deadline, on)
            if d > 0:
                box.overdue_days.append(d)
        elif deadline <= near_window:
            box.near_days.append(days.between(on, deadline))
    for task_id in (WorkItem.objects.filter(task_id__in=ids, state=WorkItemState.DONE, completed_on__lte=on)
                    .values_list("task_id", flat=True)):
        inputs[task_id].done_items += 1
    links = list(Indicator.tasks.through.objects.filter(task_id__in=ids).values_list("task_id", "indicator_id"))
    if links:
        indicators = list(Indicator.objects.filter(pk__in={i for _, i in links}).order_by("code"))
        names = {i.pk: i.name for i in indicators}
        statuses = indicator_statuses(indicators, as_of=on)
        for task_id, indicator_id in sorted(links, key=lambda link: names[link[1]]):
            status = statuses[indicator_id][1]
            inputs[task_id].indicators.append((names[indicator_id], status.code, LABELS.get(status.code, status.code)))
    for task in tasks:
        box = inputs[task.pk]
        box.started = started
        box.elapsed = elapsed
        box.progress = task.reported_progress
        box.progress_period = task.reported_period or ""
        box.calendar_note = days.note
    return tasks, inputs


def task_lights(version, on: dt.date | None = None) -> dict[int, Light]:
    """Light of every task (and guarantee measure) of a plan version, by task id."""
    on = on or clock.today()
    rules = rules_in_force(on)
    tasks, inputs = gather(version, on)
    return {t.pk: judge(inputs[t.pk], rules) for t in tasks}


def lights_with_tasks(version, on: dt.date | None = None, rules=None) -> list[tuple[object, Light]]:
    """(task, light) in plan order, tasks with their group and plan loaded (for pages). ``rules``: the
    ``rules_in_force(on)`` the caller already read, so a page reads the rule once."""
    on = on or clock.today()
    rules = rules or rules_in_force(on)
    tasks, inputs = gather(version, on)
    return [(t, judge(inputs[t.pk], rules)) for t in tasks]


def compute_light(task, on: dt.date | None = None) -> Light:
    on = on or clock.today()
    rules = rules_in_force(on)
    tasks, inputs = gather(task.version, on, task_ids=[task.pk])
    return judge(inputs[task.pk], rules)


PUBLIC_WORDS = DEFAULT_VALUE["public_words"]


def public_words(on: dt.date | None = None) -> dict[str, str]:
    """Colour code → the plain words the public page shows (the rule's, else the defaults)."""
    return {**PUBLIC_WORDS, **(rules_in_force(on or clock.today()).value.get("public_words") or {})}


def lights_public(on: dt.date | None = None) -> bool:
    """Whether the rule in force lets the public page show lights."""
    return bool(rules_in_force(on or clock.today()).value.get("public", False))
