"""The data each document shows, assembled in a bounded number of queries (no per-task or per-unit loops):
``Snapshot.load`` reads everything about a set of tasks at once, and each ``*_context`` only arranges it.

Lights, ratings and the league table come from the evaluation app through its contracts (imported lazily so the
reports app does not depend on evaluation at import time):
    evaluation.lights.task_lights(version, on=None) -> {task_id: Light}
    evaluation.ratings.current_ratings(version, quarter=None) -> {task_id: DeliveryRating}
    evaluation.scoring.league_table(period=None) -> (ScoreRun | None, [UnitScore])
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from iccity.core import clock
from iccity.core.actions import ActionRefused
from iccity.core.textutil import chinese_counting
from iccity.core.timefmt import doc_date
from iccity.delivery import figures as delivery_figures

DEMO_NOTE = "（本文件含示例数据，仅供系统演示，不反映真实工作情况）"
COLOUR_ORDER = ["red", "orange", "yellow", "blue", "green"]   # display order of light counts; unknown codes last
HIGHLIGHTS_MAX, LEAGUE_HEAD, LEAGUE_TAIL, GROUPED_KEYS_MAX = 10, 5, 5, 6


cn_date = doc_date  # 2026年5月8日: the one document date format (core.timefmt)


def issuer_name() -> str:
    from iccity.delivery.notify import issuer_name as office_name

    return office_name()


def month_bounds(period: str) -> tuple[dt.date, dt.date]:
    from iccity.core import periods

    try:
        parsed = periods.parse_period(period)
    except (periods.PeriodError, TypeError):
        parsed = None
    if parsed is None or parsed.frequency != periods.MONTHLY or parsed.cumulative:
        raise ActionRefused(f"报告期“{period}”格式应为 YYYY-MM，如 2026-05")
    return periods.period_bounds(parsed.key)


def default_period(plan) -> str:
    """The latest monthly cycle already started; else the current month."""
    from iccity.delivery.models import ReportingCycle

    today = clock.today()
    cycle = (ReportingCycle.objects.filter(plan=plan, cadence="monthly", period_start__lte=today)
             .order_by("-period_start").first())
    start = cycle.period_start if cycle else today
    return f"{start.year}-{start.month:02d}"


# -- evaluation contracts (lazy) -----------------------------------------------------------------------------------

def _lights(version, on):
    from iccity.evaluation.lights import task_lights

    return task_lights(version, on=on)


def _ratings(version, quarter):
    from iccity.evaluation.ratings import current_ratings

    return current_ratings(version, quarter=quarter)


def _league(period):
    from iccity.evaluation.scoring import league_table

    return league_table(period)


# -- the snapshot --------------------------------------------------------------------------------------------------

@dataclass
class Snapshot:
    version: object
    on: dt.date
    period: str
    cycle: object = None
    tasks: list = field(default_factory=list)
    leads: dict = field(default_factory=dict)            # task_id -> "区商务局、…"
    items: dict = field(default_factory=lambda: defaultdict(list))  # task_id -> [WorkItem]
    latest: dict = field(default_factory=dict)           # task_id -> [(Report, ReportRevision)] lead first
    lights: dict = field(default_factory=dict)
    ratings: dict = field(default_factory=dict)
    indicators: list = field(default_factory=list)       # [(Indicator, point, status, task_ids)]
    task_filter: list | None = None                     # None: the whole plan (monthly report)
    is_demo: bool = False

    @classmethod
    def load(cls, version, *, period: str | None = None, task_ids=None, with_ratings=False) -> Snapshot:
        from iccity.delivery.models import ReportingCycle, ReportRevision, WorkItem
        from iccity.indicators.models import Indicator
        from iccity.indicators.progress import indicator_statuses
        from iccity.plans.models import Assignment, Task

        period = period or default_period(version.plan)
        start, end = month_bounds(period)
        snap = cls(version=version, on=min(clock.today(), end), period=period,
                   task_filter=list(task_ids) if task_ids is not None else None)
        tasks = Task.objects.filter(version=version).select_related("group").order_by("-kind", "number")  # T before M
        if task_ids is not None:
            tasks = tasks.filter(id__in=task_ids)
        snap.tasks = list(tasks)
        ids = [t.pk for t in snap.tasks]
        leads = defaultdict(list)
        for a in (Assignment.objects.filter(task_id__in=ids, role="lead", parent__isnull=True)
                  .select_related("unit").order_by("task_id", "position")):
            leads[a.task_id].append(a.unit.name)
        snap.leads = {k: "、".join(v) for k, v in leads.items()}
        for item in (WorkItem.objects.filter(task_id__in=ids, state__in=("active", "done"))
                     .select_related("lead_unit").order_by("deadline", "id")):
            snap.items[item.task_id].append(item)
            snap.is_demo |= item.is_demo
        snap.cycle = (ReportingCycle.objects.filter(plan=version.plan, cadence="monthly", period_start__lte=end,
                                                    period_end__gte=start).order_by("period_start").first())
        if snap.cycle is not None:
            seen = set()
            latest = defaultdict(list)
            for rev in (ReportRevision.objects.filter(report__cycle=snap.cycle, report__task_id__in=ids)
                        .select_related("report__unit").order_by("report_id", "-number")):
                if rev.report_id in seen:
                    continue
                seen.add(rev.report_id)
                latest[rev.report.task_id].append((rev.report, rev))
                snap.is_demo |= rev.report.is_demo
            for task_id, rows in latest.items():
                rows.sort(key=lambda pair: (not pair[0].is_lead, pair[0].unit.sort_order, pair[0].unit.name))
            snap.latest = dict(latest)
        lights = _lights(version, snap.on)
        snap.lights = {k: v for k, v in lights.items() if k in set(ids)}
        if with_ratings:
            from iccity.evaluation.ratings import quarter_of

            snap.ratings = {k: v for k, v in _ratings(version, quarter_of(snap.on)).items() if k in set(ids)}
            snap.is_demo |= any(r.is_demo for r in snap.ratings.values())
        links = defaultdict(set)
        for indicator_id, task_id in Indicator.tasks.through.objects.filter(task_id__in=ids).values_list(
                "indicator_id", "task_id"):
            links[indicator_id].add(task_id)
        indicators = list(Indicator.objects.filter(id__in=links).order_by("code"))
        statuses = indicator_statuses(indicators, as_of=snap.on) if indicators else {}
        snap.indicators = [(i, *statuses[i.pk], links[i.pk]) for i in indicators]
        snap.is_demo |= any(i.is_demo for i in indicators)
        return snap

    # -- arranging ---------------------------------------------------------------------------------------------

    def light_label(self, task) -> str:
        light = self.lights.get(task.pk)
        return light.label if light else "未判定"

    def lead_revision(self, task):
        rows = self.latest.get(task.pk) or []
        return rows[0] if rows else (None, None)

    def accepted_revision(self, report, revision):
        """Official documents quote accepted content only: the latest revision of an accepted report (accepted is
        final, and a return always continues in a new revision, so that revision is the one accepted)."""
        return revision if report.state == "accepted" and revision.submitted_at is not None else None

    def lead_accepted(self, task):
        report, rev = self.lead_revision(task)
        return self.accepted_revision(report, rev) if report is not None else None

    def task_row(self, task) -> dict:
        items = self.items.get(task.pk, [])
        done = sum(1 for i in items if self.is_done(i))
        rev = self.lead_accepted(task)
        light = self.lights.get(task.pk)
        rating = self.ratings.get(task.pk)
        return {
            "key": task.key, "title": task.title, "lead": self.leads.get(task.pk, "—"),
            "item_count": f"{done}/{len(items)}" if items else "—",
            "light": self.light_label(task),
            "light_explanation": light.explanation if light else "未判定",
            "progress": f"{rev.progress}%" if rev is not None and rev.progress is not None else "—",
            "rating": f"{rating.get_level_display()}（{rating.quarter}）" if rating else "本季度未评定",
        }

    def is_done(self, item) -> bool:
        """Done by the snapshot day (delivery.figures: 已办结)."""
        return item.state == "done" and item.completed_on is not None and item.completed_on <= self.on

    def is_overdue(self, item) -> bool:
        """Past its deadline and not done by the snapshot day (delivery.figures: 逾期事项)."""
        return item.deadline < self.on and not self.is_done(item)

    def light_counts(self) -> str:
        counts = Counter((l.colour, l.label) for l in self.lights.values())
        order = sorted(counts, key=lambda c: (COLOUR_ORDER.index(c[0]) if c[0] in COLOUR_ORDER else 99, c[0]))
        parts = [f"{label}灯{counts[(colour, label)]}项" for colour, label in order]
        missing = len(self.tasks) - len(self.lights)
        if missing:
            parts.append(f"未判定{missing}项")
        return "，".join(parts) or "暂无灯色判定"

    def figures(self):
        """The cycle's figures exactly as 督办总览, the API and the 台账 count them (delivery.figures)."""
        if self.cycle is None:
            return None
        return delivery_figures.cycle_figures(self.cycle, task_ids=self.task_filter)

    def overview(self, subject: str) -> list[str]:
        lines = [f"截至{cn_date(self.on)}，{subject}共{len(self.tasks)}项，灯色情况：{self.light_counts()}。"]
        shown = self.figures()
        if shown is None:
            items = [i for rows in self.items.values() for i in rows]
            done = sum(1 for i in items if self.is_done(i))
            lines.append(f"截至{cn_date(self.on)}，已分解具体事项{len(items)}项，已办结{done}项，"
                         f"完成率{delivery_figures.rate(done, len(items))}；逾期事项{len(self.overdue_rows())}项。")
            lines.append("本期尚未开启报告周期。")
            return lines
        lines += [shown.item_sentence(), shown.report_sentence()]
        pending = shown.reports.waiting + shown.reports.returned
        if pending:
            lines.append(f"另有{shown.reports.waiting}份报告在审核中、{shown.reports.returned}份退回修改，"
                         f"其内容尚未审核通过，本文不予引用。")
        return lines

    def overdue_rows(self) -> list[dict]:
        keys = {t.pk: t.key for t in self.tasks}
        rows = [i for items in self.items.values() for i in items if self.is_overdue(i)]
        rows.sort(key=lambda i: (i.deadline, i.pk))
        return [{"task": keys.get(i.task_id, ""), "title": i.title, "unit": i.lead_unit.name,
                 "deadline": cn_date(i.deadline), "days": (self.on - i.deadline).days} for i in rows]

    def _texts(self, attr: str, *, lead_only=True) -> list[tuple[str, str]]:
        """Texts of accepted revisions only: a report still in review or returned is counted, never quoted."""
        out = []
        for task in self.tasks:
            for report, rev in self.latest.get(task.pk, []):
                if lead_only and not report.is_lead:
                    continue
                if self.accepted_revision(report, rev) is None:
                    continue
                text = (getattr(rev, attr) or "").strip()
                if text:
                    out.append((task.key, text))
        return out

    def grouped(self, attr: str) -> list[str]:
        """Identical texts once, with the tasks that wrote them: "…（T3、T8）"."""
        keys = defaultdict(list)
        for key, text in self._texts(attr, lead_only=False):
            if key not in keys[text]:
                keys[text].append(key)
        return [f"{text}（{'、'.join(k) if len(k) <= GROUPED_KEYS_MAX else f'{len(k)}项任务的报告提及'}）"
                for text, k in keys.items()]

    def highlights(self) -> list[str]:
        titles = {t.key: t.title for t in self.tasks}
        lines = []
        for key, text in self._texts("narrative")[:HIGHLIGHTS_MAX]:
            short = text if len(text) <= 160 else text[:160] + "……"
            lines.append(f"{key} {titles[key]}：{short}")
        return lines

    def indicator_rows(self) -> list[dict]:
        from iccity.indicators.progress import describe_period

        rows = []
        for indicator, point, status, _ in self.indicators:
            value = f"{point.value:g}{indicator.unit}" if point is not None and point.value is not None else "—"
            rows.append({"name": indicator.name, "value": value,
                         "period": describe_period(point.period) if point is not None else "—",
                         "status": status.label})
        return rows


def _base(title: str, snap_demo: bool) -> dict:
    return {"issuer": issuer_name(), "title": title, "date": cn_date(clock.today()), "is_demo": snap_demo,
            "demo_note": DEMO_NOTE if snap_demo else "", "figure_notes": delivery_figures.figure_notes()}


def _lists(snap: Snapshot) -> dict:
    overdue = snap.overdue_rows()
    indicators = snap.indicator_rows()
    return {
        "overdue": overdue,
        "overdue_note": f"截至{cn_date(snap.on)}，逾期事项（完成时限已过、仍未办结）{len(overdue)}项{'，详见下表' if overdue else ''}。",
        "indicators": indicators,
        "indicator_note": f"关联指标{len(indicators)}项，按最新发布数据判断进展如下：" if indicators else "暂无关联指标。",
        "problems": snap.grouped("problems") or ["本期审核通过的报告未反映突出问题。"],
        "next_steps": snap.grouped("next_steps") or ["按计划继续推进。"],
    }


def monthly_context(version, period: str | None = None) -> dict:
    snap = Snapshot.load(version, period=period)
    year, month = snap.period.split("-")
    groups, by_group = [], defaultdict(list)
    for task in snap.tasks:
        by_group[task.group if task.kind == "task" else None].append(task)
    for group, tasks in sorted(by_group.items(), key=lambda kv: (kv[0] is None, kv[0].number if kv[0] else 0)):
        heading = f"（{chinese_counting(len(groups) + 1)}）{group.title if group else '保障措施'}"
        groups.append({"heading": heading, "tasks": [snap.task_row(t) for t in tasks]})
    run, scores, league_note = None, [], "本期尚未计算单位考核得分。"
    run, scores = _league(snap.period)
    league = _league_rows(scores)
    if run is not None:
        league_note = (f"{run.period}考核得分（共{len(scores)}个单位"
                       f"{'，摘录前' + str(LEAGUE_HEAD) + '名和后' + str(LEAGUE_TAIL) + '名' if len(scores) > len(league) else ''}）：")
    demo = snap.is_demo or bool(run is not None and run.is_demo)
    return {**_base(f"{version.plan.name}{int(year)}年{int(month)}月推进情况报告", demo),
            "period": snap.period, "overview": snap.overview("方案任务及保障措施"),
            "highlights": snap.highlights() or ["本期暂无审核通过的进展报告。"],
            "groups": groups, "league": league, "league_note": league_note, **_lists(snap)}


def _league_rows(scores) -> list[dict]:
    from iccity.orgs.models import Unit

    chosen = list(scores)
    if len(chosen) > LEAGUE_HEAD + LEAGUE_TAIL:
        chosen = chosen[:LEAGUE_HEAD] + chosen[-LEAGUE_TAIL:]
    names = Unit.objects.in_bulk([s.unit_id for s in chosen]) if chosen else {}
    rows = []
    for s in chosen:
        change = s.rank_change
        rows.append({"rank": s.rank, "unit": names[s.unit_id].name, "total": f"{s.total:.2f}",
                     "change": "—" if not change else (f"↑{change}" if change > 0 else f"↓{-change}")})
    return rows


def _task_ids_of_force(task_force) -> list[int]:
    from iccity.delivery.models import DrivenTask

    return list(DrivenTask.objects.filter(task_force=task_force).values_list("task_id", flat=True))


def special_context(version, *, task=None, task_force=None, period: str | None = None) -> dict:
    from iccity.delivery.models import Comment
    if (task is None) == (task_force is None):
        raise ActionRefused("专报须指定一项任务或一个专班")
    ids = [task.pk] if task is not None else _task_ids_of_force(task_force)
    if not ids:
        raise ActionRefused(f"{task_force.name}尚未分配负责的任务，无法生成专报")
    snap = Snapshot.load(version, period=period, task_ids=ids, with_ratings=True)
    subject = f"{task.key}“{task.title}”" if task is not None else f"{task_force.name}负责任务"
    progress = []
    for n, t in enumerate(snap.tasks, 1):
        report, latest_rev = snap.lead_revision(t)
        rev = snap.lead_accepted(t)
        if rev is not None and rev.narrative.strip():
            text = rev.narrative.strip()
        elif report is not None and latest_rev is not None and latest_rev.submitted_at is not None:
            text = f"牵头单位本期报告{report.get_state_display()}，内容待审核通过后纳入。"
        else:
            text = "本期牵头单位尚未报送进展。"
        progress.append({"heading": f"（{chinese_counting(n)}）{t.key} {t.title}", "text": text})
    comments = [f"{cn_date(c.created_at)}"
                f"{'（' + c.author.get_full_name() + '）' if c.author and c.author.get_full_name() else ''}：{c.text}"
                for c in Comment.objects.filter(task_id__in=ids, is_instruction=True)
                .select_related("author").order_by("-created_at")[:10]]
    return {**_base(f"关于{subject}推进情况的专报", snap.is_demo), "period": snap.period,
            "overview": snap.overview(subject), "tasks": [snap.task_row(t) for t in snap.tasks],
            "progress": progress, "comments": comments or ["暂无领导批示。"], **_lists(snap)}


def stocktake_context(version, task_force, period: str | None = None) -> dict:
    from iccity.delivery.models import Acknowledgement, ExtensionRequest
    ids = _task_ids_of_force(task_force)
    if not ids:
        raise ActionRefused(f"{task_force.name}尚未分配负责的任务，无法生成调度会材料")
    snap = Snapshot.load(version, period=period, task_ids=ids, with_ratings=True)
    keys = {t.pk: t.key for t in snap.tasks}
    decisions = []
    for t in snap.tasks:
        light = snap.lights.get(t.pk)
        if light is not None and light.colour == "red":
            decisions.append(("红灯任务", f"{t.key} {t.title}：{light.explanation}。请研究破解措施。"))
    for ext in (ExtensionRequest.objects.filter(work_item__task_id__in=ids, state="pending")
                .select_related("work_item__lead_unit").order_by("requested_at")):
        decisions.append(("待审批延期申请", f"{keys[ext.work_item.task_id]} {ext.work_item.title}（{ext.work_item.lead_unit.name}）"
                          f"申请由{cn_date(ext.current_deadline)}延至{cn_date(ext.new_deadline)}，理由：{ext.reason}"))
        snap.is_demo |= ext.is_demo
    for ack in (Acknowledgement.objects.filter(assignment__task_id__in=ids, state="returned")
                .select_related("assignment__unit").order_by("acted_at")):
        decisions.append(("退回的交办任务", f"{keys[ack.assignment.task_id]}：{ack.assignment.unit.name}退回，"
                          f"理由：{ack.return_reason or '未说明'}。请明确责任单位。"))
        snap.is_demo |= ack.is_demo
    numbered = [{"heading": f"（{chinese_counting(n)}）{kind}", "text": text} for n, (kind, text) in enumerate(decisions, 1)]
    return {**_base(f"{task_force.name}工作调度会材料", snap.is_demo), "period": snap.period,
            "subtitle": f"（{cn_date(snap.on)}）", "overview": snap.overview(f"{task_force.name}负责的任务"),
            "tasks": [snap.task_row(t) for t in snap.tasks],
            "decisions": numbered or [{"heading": "（一）无", "text": "本期无需会议研究决定的事项。"}], **_lists(snap)}


_BODY_DEADLINE = re.compile(r"完成时限为\s*(\d{4})年(\d{1,2})月(\d{1,2})日")
_BODY_ITEM = re.compile(r"^-\s*(?P<task>[TM]\d+)\s+(?P<title>.+?)(?:（(?P<state>[^（）]+)）)?$")


def _items_from_body(notice) -> list[dict]:
    """For notices issued before snapshots were kept: the items the notice's own text listed ("- T3 标题（未提交）")."""
    if notice.work_item_id:  # one overdue item per notice: its title, and the deadline the text stated
        item = notice.work_item
        stated = _BODY_DEADLINE.search(notice.body)
        return [{"task": item.task.key, "title": item.title,
                 "deadline": cn_date(dt.date(*map(int, stated.groups()))) if stated else cn_date(item.deadline),
                 "state": "逾期未办结"}]
    items = []
    for line in notice.body.splitlines():
        match = _BODY_ITEM.match(line.strip())
        if match:
            items.append({"task": match["task"], "title": match["title"], "deadline": "—", "state": match["state"] or "—"})
    return items


_PADDED_DATE = re.compile(r"(\d{4})年0?(\d{1,2})月0?(\d{1,2})日")


def _unpadded(text: str) -> str:
    """Dates in a document without zero padding (GB/T 9704 §7.3.5.4), also in texts stored before that rule."""
    return _PADDED_DATE.sub(lambda m: f"{m[1]}年{int(m[2])}月{int(m[3])}日", text)


def notice_context(notice) -> dict:
    """A 催办单/督办单 printed from what the notice recorded when it was issued (``Notice.snapshot``, else its own
    text), never from today's states: a reprint years later is the same document."""
    snapshot = notice.snapshot or {}
    if "items" in snapshot:
        items = [dict(i) for i in snapshot["items"]]
    else:
        items = _items_from_body(notice)
    unit = snapshot.get("unit") or notice.unit.name
    lines = [line.strip() for line in notice.body.splitlines() if line.strip()]
    if lines and notice.document_number and lines[0].startswith(notice.document_number):
        lines = lines[1:]
    if lines and lines[0].rstrip("：:") in (unit, notice.unit.name):
        lines = lines[1:]
    paragraphs = [_unpadded(line) for line in lines if not line.startswith("- ")] or [notice.title]
    issued = dt.date.fromisoformat(snapshot["issued_on"]) if snapshot.get("issued_on") else notice.created_at
    return {**_base(notice.get_kind_display(), notice.is_demo), "document_number": notice.document_number or "",
            "unit": unit, "paragraphs": paragraphs, "items": items, "issuer": snapshot.get("issuer") or issuer_name(),
            "closing": "请抓紧办理，并将办理情况书面反馈领导小组办公室。特此通知。", "date": cn_date(issued)}
