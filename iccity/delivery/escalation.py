"""Reminders (催报), acknowledgement reminders and escalation (催办单 → 督办单 → 红色督办), judged in working days.

Rules decided here (see domain-plan-and-delivery.md §3.2 for the practice they follow):

- **催报 (due soon):** a cycle's report still on the unit's desk (draft / submitted to the unit head / returned) when
  today is at most ``DUE_SOON.working_days_before`` working days before ``cycle.due_on`` and not past it → one
  ``due_soon`` notice per (cycle, unit), listing that unit's tasks.
- **签收逾期:** pending acknowledgements of a plan's current version past ``due_on`` → one ``ack_due`` reminder per
  (unit, due date), once. Late acknowledgement is recorded anyway (``Acknowledgement.is_late``) for scoring, so a
  single reminder is enough; chasing further is the office's call.
- **逾期未报 (report overdue):** the unit's obligation is met once its head sent the report up (``reached_review_at``).
  A report the task force returns after that is not "late": it has its 退回通知. Overdue reports are grouped per
  (cycle, unit) like 催报, and chased only while the cycle is open (after ``closes_on`` nothing can be submitted; the
  miss is 缺报 for scoring, not for chasing).
- **逾期事项:** an active work item past its ``deadline``; one ladder per deadline, so an approved extension that is
  missed again starts a fresh ladder. The lead unit receives the notice; co-units get an ``info`` copy (抄送).
- **Ladder:** working days overdue (``WorkdayCalendar.workdays_between(due, today)``) against ``ESCALATION.steps`` in
  force today. Only the highest step reached is issued, and only when it is above every step already issued for the
  subject: steps never repeat, a run missed for days is not back-filled, nothing lower follows something higher.
- **红色督办** also goes (``info`` copy) to the host units of the task forces driving the task; there is no office
  unit, so the office receives red notices through a global channel (``Channel.unit`` empty, kinds ``["red"]``),
  which ``notify.create_notices`` already fans out to.
- **文号** ``西青消费督〔2026〕第12号``: numbered per prefix and year inside the transaction that inserts the notice,
  serialised by a lock (PostgreSQL advisory lock; SQLite's IMMEDIATE transactions serialise writers already), so
  parallel runs never share or skip a number. Copies carry the original's number (one document, 主送 + 抄送).

Everything is loaded in a bounded number of queries; each created notice costs a few writes of its own.
"""
from __future__ import annotations

import datetime as dt
import re
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery

from iccity.core.calendar import CalendarDataMissing, WorkdayCalendar
from iccity.core.timefmt import doc_date
from iccity.plans.models import PlanVersion

from .models import (
    ESCALATION_ORDER, Acknowledgement, AckState, DrivenTask, Notice, NoticeKind, Report, ReportState, ReportingCycle,
    WorkItem, WorkItemState,
)
from .notify import create_notice, issuer_name
from .rules import DUE_SOON, ESCALATION, rule_value

ON_UNITS_DESK = (ReportState.DRAFT, ReportState.SUBMITTED, ReportState.RETURNED)
DEFAULT_DOCUMENT_PREFIX = "西青消费督"
_RANK = {kind.value: i for i, kind in enumerate(ESCALATION_ORDER)}
_LABEL = {NoticeKind.URGE: "催办单", NoticeKind.SUPERVISE: "督办单", NoticeKind.RED: "红色督办"}
_ADVICE = {
    NoticeKind.URGE: "请接单后尽快办理报送。",
    NoticeKind.SUPERVISE: "请单位负责人督促办理，尽快报送并说明逾期原因。",
    NoticeKind.RED: "本事项已列为红色督办，请单位主要负责人亲自过问，立即办理并书面说明逾期原因；情况将报领导小组办公室。",
}
_STATE_NOTE = {ReportState.DRAFT: "未提交", ReportState.SUBMITTED: "待单位负责人审核", ReportState.RETURNED: "已退回待修改"}
_NUMBER_LOCK = zlib.crc32(b"iccity.delivery.document_number")


@dataclass
class Summary:
    created: Counter = field(default_factory=Counter)  # notice kind → count (copies counted under "copies")
    copies: int = 0
    unjudged: int = 0  # subjects that could not be judged for lack of holiday data
    missing_years: set[int] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.created.values()) + self.copies

    def line(self) -> str:
        parts = [f"催报提醒 {self.created[NoticeKind.DUE_SOON]} 条", f"签收提醒 {self.created[NoticeKind.ACK_DUE]} 条"]
        parts += [f"{_LABEL[k]} {self.created[k]} 份" for k in ESCALATION_ORDER]
        parts.append(f"抄送 {self.copies} 条")
        text = "催报与督办：" + "，".join(parts)
        if self.unjudged:
            years = "、".join(str(y) for y in sorted(self.missing_years))
            text += f"；{self.unjudged} 项因缺少{years}年节假日数据未能判断"
        return text

    def missing_message(self) -> str:
        return str(CalendarDataMissing(min(self.missing_years))) if self.missing_years else ""


# -- pure judgement -------------------------------------------------------------------------------------------------

def in_due_soon_window(today: dt.date, due_on: dt.date, working_days_before: int, calendar: WorkdayCalendar) -> bool:
    """True from the N-th working day before ``due_on`` through ``due_on`` itself."""
    if today > due_on:
        return False
    return calendar.workdays_between(today, due_on) <= working_days_before


def workdays_overdue(due_on: dt.date, today: dt.date, calendar: WorkdayCalendar) -> int:
    """Working days in (due_on, today]; 0 when not yet past due. Holidays do not count (春节 week adds nothing)."""
    return calendar.workdays_between(due_on, today) if today > due_on else 0


def ladder(value: dict) -> list[tuple[str, int]]:
    """The rule's steps as (kind, after_working_days), ignoring kinds the platform does not know."""
    steps = [(s["kind"], int(s["after_working_days"])) for s in value.get("steps", []) if s.get("kind") in _RANK]
    return sorted(steps, key=lambda s: (s[1], _RANK[s[0]]))


def step_to_issue(days_overdue: int, steps: list[tuple[str, int]], issued: set[str]) -> str | None:
    """The highest step reached, if it is above every step already issued; else None."""
    reached = [kind for kind, after in steps if days_overdue >= after]
    if not reached:
        return None
    target = max(reached, key=_RANK.__getitem__)
    if issued and _RANK[target] <= max(_RANK[k] for k in issued):
        return None
    return target


def format_document_number(prefix: str, year: int, seq: int) -> str:
    return f"{prefix}〔{year}〕第{seq}号"


def due_soon_key(cycle_id: int, unit_id: int) -> str:
    return f"due-soon-{cycle_id}-{unit_id}"


def report_step_key(cycle_id: int, unit_id: int, kind: str) -> str:
    return f"overdue-report-{cycle_id}-{unit_id}-{kind}"


def item_step_key(item_id: int, deadline: dt.date, kind: str) -> str:
    return f"overdue-item-{item_id}-{deadline.isoformat()}-{kind}"


def ack_key(unit_id: int, due_on: dt.date) -> str:
    return f"ack-overdue-{unit_id}-{due_on.isoformat()}"


def _issued(existing: set[str], key_of) -> set[str]:
    return {kind.value for kind in ESCALATION_ORDER if key_of(kind.value) in existing}


# -- numbering ------------------------------------------------------------------------------------------------------

def _lock_numbering() -> None:
    # SQLite runs atomic blocks as BEGIN IMMEDIATE (settings), which already admits one writer at a time.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_NUMBER_LOCK])


def _next_number(prefix: str, year: int) -> int:
    """One more than the latest number of this prefix and year (numbers grow with ids because they are issued
    under the lock); a changed prefix starts again at 1."""
    latest = (Notice.objects.filter(document_number__startswith=f"{prefix}〔{year}〕")
              .order_by("-id").values_list("document_number", flat=True).first())
    match = re.search(r"第(\d+)号$", latest or "")
    return int(match[1]) + 1 if match else 1


def notice_snapshot(unit, on: dt.date, items: list[dict]) -> dict:
    """What a printed notice shows, frozen at issue: {unit, issuer, issued_on, items: [{task, title, deadline, state}]}."""
    return {"unit": unit.name, "issuer": issuer_name(), "issued_on": on.isoformat(), "items": items}


def issue_numbered(*, prefix: str, on: dt.date, kind: str, unit, title: str, body: str, dedupe_key: str,
                   copies: list, links: dict, items: list[dict] | None = None) -> Notice | None:
    """Create one numbered escalation notice and its 抄送 copies in one transaction; None when it already exists."""
    with transaction.atomic():
        _lock_numbering()
        if Notice.objects.filter(dedupe_key=dedupe_key).exists():
            return None  # checked under the lock so a lost race does not consume a number
        number = format_document_number(prefix, on.year, _next_number(prefix, on.year))
        links = {**links, "snapshot": notice_snapshot(unit, on, items or [])}
        notice = create_notice(kind=kind, unit=unit, title=title, body=f"{number}\n{body}", dedupe_key=dedupe_key,
                               document_number=number, **links)
        if notice is None:
            return None
        for cc in copies:
            create_notice(kind=NoticeKind.INFO, unit=cc, title=f"抄送：{title}",
                          body=f"{number}（主送{unit.name}，抄送{cc.name}）\n{body}",
                          dedupe_key=f"{dedupe_key}-cc-{cc.pk}", document_number=number, **links)
        return notice


# -- the pass -------------------------------------------------------------------------------------------------------

class _Pass:
    """One reminder run: loads everything it judges up front, then creates what is missing."""

    def __init__(self, today: dt.date, calendar: WorkdayCalendar):
        self.today, self.calendar, self.summary = today, calendar, Summary()
        self.soon_days = int(rule_value(DUE_SOON, today)["working_days_before"])
        escalation = rule_value(ESCALATION, today)
        self.steps = ladder(escalation)
        self.prefix = escalation.get("document_prefix") or DEFAULT_DOCUMENT_PREFIX
        self._hosts: dict[int, list] | None = None

    def run(self) -> Summary:
        today = self.today
        cycles = list(ReportingCycle.objects.filter(period_start__lte=today, closes_on__gte=today).select_related("plan"))
        reports = list(Report.objects.filter(cycle__in=[c.pk for c in cycles], state__in=ON_UNITS_DESK)
                       .select_related("task", "unit").order_by("cycle_id", "unit_id", "task__kind", "task__number"))
        current_versions = PlanVersion.objects.filter(
            number=Subquery(PlanVersion.objects.filter(plan=OuterRef("plan")).order_by("-number").values("number")[:1]))
        acks = list(Acknowledgement.objects.filter(state=AckState.PENDING, due_on__lt=today,
                                                   assignment__task__version__in=current_versions)
                    .select_related("assignment__unit", "assignment__task").order_by("due_on", "id"))
        overdue_items = WorkItem.objects.filter(state=WorkItemState.ACTIVE, deadline__lt=today)
        items = list(overdue_items.select_related("task", "lead_unit").prefetch_related("co_units").order_by("deadline", "id"))
        ack_groups: dict[tuple, list[Acknowledgement]] = defaultdict(list)
        for ack in acks:
            ack_groups[(ack.assignment.unit, ack.due_on)].append(ack)
        self.existing = set(Notice.objects.filter(
            Q(cycle__in=[c.pk for c in cycles]) | Q(work_item__in=overdue_items)
            | Q(dedupe_key__in=[ack_key(u.pk, d) for u, d in ack_groups])).values_list("dedupe_key", flat=True))
        self.task_ids = {r.task_id for r in reports} | {i.task_id for i in items}

        by_cycle_unit: dict[tuple, list[Report]] = defaultdict(list)
        for report in reports:
            by_cycle_unit[(report.cycle_id, report.unit_id)].append(report)
        cycle_by_id = {c.pk: c for c in cycles}
        for (cycle_id, _unit_id), group in by_cycle_unit.items():
            self._judged(self._report_group, cycle_by_id[cycle_id], group)
        for (unit, due_on), group in ack_groups.items():
            self._judged(self._ack_group, unit, due_on, group)
        for item in items:
            self._judged(self._work_item, item)
        if today.month == 12 and not self.calendar.covers_year(today.year + 1):
            self.summary.warnings.append(f"{today.year + 1}年的法定节假日安排尚未录入：元旦后的催报和督办将无法计算，"
                                         "请在管理后台录入（可用 iccity calendar check 检查）")
        return self.summary

    def _judged(self, judge, *args) -> None:
        """Judge one subject; a missing holiday year skips it (reported by the job), the rest go on."""
        try:
            judge(*args)
        except CalendarDataMissing as exc:
            self.summary.unjudged += 1
            self.summary.missing_years.add(exc.year)

    def _count(self, notice: Notice | None, kind: str, copies: int = 0) -> None:
        if notice is not None:
            self.summary.created[kind] += 1
            self.summary.copies += copies

    # -- reports ---------------------------------------------------------------------------------------------------

    def _report_group(self, cycle: ReportingCycle, group: list[Report]) -> None:
        unit, today = group[0].unit, self.today
        links = {"cycle": cycle, "report": group[0] if len(group) == 1 else None,
                 "task": group[0].task if len(group) == 1 else None}
        lines = "\n".join(f"- {r.task.key} {r.task.title}（{_STATE_NOTE[r.state]}）" for r in group)
        if today <= cycle.due_on:
            key = due_soon_key(cycle.pk, unit.pk)
            if key in self.existing or not in_due_soon_window(today, cycle.due_on, self.soon_days, self.calendar):
                return
            left = self.calendar.workdays_between(today, cycle.due_on)
            when = "今天截止" if today == cycle.due_on else f"还有 {left} 个工作日"
            notice = create_notice(
                kind=NoticeKind.DUE_SOON, unit=unit, dedupe_key=key, **links,
                title=f"催报提醒：{cycle.label}进展报告将于{cycle.due_on.month}月{cycle.due_on.day}日截止（{len(group)}项）",
                body=f"{unit.name}：\n《{cycle.plan.name}》{cycle.label}进展报告报送截止日期为 {doc_date(cycle.due_on)}"
                     f"（{when}），本单位以下任务尚未报送：\n{lines}\n请及时填报，经单位负责人审核后报送。")
            self._count(notice, NoticeKind.DUE_SOON)
            return
        late = [r for r in group if r.reached_review_at is None]
        if not late:
            return
        days = workdays_overdue(cycle.due_on, today, self.calendar)
        kind = step_to_issue(days, self.steps, _issued(self.existing, lambda k: report_step_key(cycle.pk, unit.pk, k)))
        if kind is None:
            return
        lines = "\n".join(f"- {r.task.key} {r.task.title}（{_STATE_NOTE[r.state]}）" for r in late)
        if len(late) != len(group):
            links = {**links, "report": late[0] if len(late) == 1 else None, "task": late[0].task if len(late) == 1 else None}
        copies = self._hosts_for({r.task_id for r in late}, exclude=unit) if kind == NoticeKind.RED else []
        items = [{"task": r.task.key, "title": f"{r.task.title}（{cycle.label}进展报告）", "deadline": doc_date(cycle.due_on),
                  "state": _STATE_NOTE[r.state]} for r in late]
        notice = issue_numbered(
            prefix=self.prefix, on=today, kind=kind, unit=unit, dedupe_key=report_step_key(cycle.pk, unit.pk, kind),
            copies=copies, links=links, items=items,
            title=f"{_LABEL[kind]}：{cycle.label}进展报告逾期未报送（{len(late)}项）",
            body=f"{unit.name}：\n《{cycle.plan.name}》{cycle.label}进展报告应于 {doc_date(cycle.due_on)} 前报送，"
                 f"截至 {doc_date(today)} 已逾期 {days} 个工作日，本单位以下任务尚未报送：\n{lines}\n{_ADVICE[kind]}")
        self._count(notice, kind, len(copies))

    # -- acknowledgements ------------------------------------------------------------------------------------------

    def _ack_group(self, unit, due_on: dt.date, group: list[Acknowledgement]) -> None:
        key = ack_key(unit.pk, due_on)
        if key in self.existing:
            return
        days = workdays_overdue(due_on, self.today, self.calendar)
        if days < 1:
            return  # past due only by a weekend or holiday: nobody could have signed
        lines = "\n".join(f"- {a.assignment.task.key} {a.assignment.task.title}" for a in group)
        notice = create_notice(
            kind=NoticeKind.ACK_DUE, unit=unit, dedupe_key=key, task=group[0].assignment.task if len(group) == 1 else None,
            title=f"签收逾期提醒：{len(group)}项交办任务尚未签收",
            body=f"{unit.name}：\n以下交办任务应于 {doc_date(due_on)} 前签收，已逾期 {days} 个工作日：\n{lines}\n"
                 "请立即签收；如非本单位职责，请说明理由退回，由领导小组办公室改派。")
        self._count(notice, NoticeKind.ACK_DUE)

    # -- work items ------------------------------------------------------------------------------------------------

    def _work_item(self, item: WorkItem) -> None:
        days = workdays_overdue(item.deadline, self.today, self.calendar)
        kind = step_to_issue(days, self.steps, _issued(self.existing, lambda k: item_step_key(item.pk, item.deadline, k)))
        if kind is None:
            return
        lead = item.lead_unit
        copies = [u for u in item.co_units.all() if u.pk != lead.pk]
        if kind == NoticeKind.RED:
            seen = {u.pk for u in copies}
            copies += [u for u in self._hosts_for({item.task_id}, exclude=lead) if u.pk not in seen]
        extended = f"（原定 {doc_date(item.baseline_deadline)}，已延期）" if item.extended else ""
        items = [{"task": item.task.key, "title": item.title, "deadline": doc_date(item.deadline), "state": "逾期未办结"}]
        notice = issue_numbered(
            prefix=self.prefix, on=self.today, kind=kind, unit=lead, dedupe_key=item_step_key(item.pk, item.deadline, kind),
            copies=copies, links={"task": item.task, "work_item": item}, items=items,
            title=f"{_LABEL[kind]}：{item.task.key} {item.title[:80]} 逾期 {days} 个工作日",
            body=f"{lead.name}：\n任务 {item.task.key}「{item.task.title}」下的事项“{item.title}”完成时限为 "
                 f"{doc_date(item.deadline)}{extended}，截至 {doc_date(self.today)} 已逾期 {days} 个工作日，尚未办结。\n"
                 f"{_ADVICE[kind]}如确需延期，请按程序提出延期申请。")
        self._count(notice, kind, len(copies))

    def _hosts_for(self, task_ids: set[int], *, exclude) -> list:
        """Host units of the task forces driving these tasks (loaded once, on the first red step)."""
        if self._hosts is None:
            self._hosts = defaultdict(list)
            for driven in DrivenTask.objects.filter(task_id__in=self.task_ids).select_related("task_force__host_unit"):
                host = driven.task_force.host_unit
                if host is not None:
                    self._hosts[driven.task_id].append(host)
        units = {u.pk: u for tid in sorted(task_ids) for u in self._hosts.get(tid, [])}
        return [u for pk, u in units.items() if pk != exclude.pk]


def run_reminders(today: dt.date, calendar: WorkdayCalendar | None = None) -> Summary:
    """The reminder and escalation pass for ``today``. Safe to run twice and in parallel (dedupe keys, numbering lock)."""
    return _Pass(today, calendar or WorkdayCalendar()).run()
