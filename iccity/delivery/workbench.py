"""What delivery puts on the desks (``iccity.workspaces.registry``): reports waiting for review, units' returned
assignments, overdue reports and work items, failed notice deliveries; for a task force, its queue and its units'
lateness. Counts come from ``figures`` (overdue, unsubmitted) or from the review queue's own rule (unit-approved
reports of the tasks one reviews); each provider runs a fixed number of queries."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count, Min
from django.urls import reverse

from iccity.workspaces.registry import OFFICE, TASKFORCE, UNIT, Row, Section, landing, register

from . import figures
from .models import (
    Acknowledgement, AckState, DrivenTask, NoticeDelivery, Report, ReportingCycle, ReportState, WorkItem,
)


def _url(name: str, *args, **query) -> str:
    url = reverse(name, args=args)
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


def _task_label(task) -> str:
    return f"{task.key} {task.title}"


def _driven_tasks(actor):
    return DrivenTask.objects.filter(task_force_id__in=actor.task_forces).values("task_id")


# ---------------------------------------------------------------- review queue

def _review_section(actor, limit: int, today: dt.date, *, task_force: bool) -> Section:
    pending = Report.objects.filter(state=ReportState.UNIT_APPROVED)
    if task_force:
        pending = pending.filter(task_id__in=_driven_tasks(actor))
    rows = list(pending.select_related("task", "unit", "cycle").order_by("cycle__due_on", "reached_review_at", "id")[:limit])
    count = pending.count()
    return Section(
        key="", title="待审核报告", count=count, url=_url("delivery:review", state=ReportState.UNIT_APPROVED),
        link_text="打开审核队列", severity="attention", empty_text="没有待审核的报告",
        rows=[Row(text=f"{_task_label(r.task)} · {r.unit.name}", url=reverse("delivery:report", args=[r.pk]),
                  due=r.cycle.due_on, note=r.cycle.label) for r in rows])


def office_review(actor, limit, today):
    return _review_section(actor, limit, today, task_force=False) if actor.office_admin else None


def taskforce_review(actor, limit, today):
    return _review_section(actor, limit, today, task_force=True) if actor.task_forces else None


# ---------------------------------------------------------------- assignments units returned

def office_returned_assignments(actor, limit, today):
    """退回的分工: a unit said a task is not theirs; the office reassigns it (on the task's 督办台账 page)."""
    if not actor.office_admin:
        return None
    returned = Acknowledgement.objects.filter(state=AckState.RETURNED)
    rows = list(returned.select_related("assignment__task", "assignment__unit").order_by("acted_at", "id")[:limit])
    return Section(
        key="", title="单位退回的分工", count=returned.count(), severity="attention", empty_text="没有待改派的分工",
        rows=[Row(text=f"{_task_label(a.assignment.task)} · {a.assignment.unit.name}",
                  url=reverse("delivery:task", args=[a.assignment.task_id]), note=(a.return_reason or "")[:40])
              for a in rows])


# ---------------------------------------------------------------- overdue reports (逾期未报)

def _late_cycles(today: dt.date):
    """Cycles past their due day that still accept reports: what can still be chased."""
    return list(ReportingCycle.objects.filter(due_on__lt=today, closes_on__gte=today).order_by("due_on", "id"))


def _overdue_reports_section(actor, limit, today, *, task_force: bool) -> Section:
    cycles = _late_cycles(today)
    reports = Report.objects.filter(task_id__in=_driven_tasks(actor)) if task_force else None
    count = sum(figures.report_counts(c, reports=reports, today=today).overdue for c in cycles)
    by_unit = []
    if cycles and count:
        unsent = (reports if reports is not None else Report.objects.all()).filter(
            cycle__in=cycles, reached_review_at__isnull=True)
        by_unit = list(unsent.values("unit_id", "unit__name").annotate(first_due=Min("cycle__due_on"), n=Count("id"))
                       .order_by("first_due", "unit__sort_order", "unit__name")[:limit])
    cycle = cycles[0] if cycles else None
    section_url = _url("delivery:overview", cycle=cycle.pk if cycle else None, sort="overdue")
    return Section(
        key="", title="逾期未报的报告", count=count, url=section_url, link_text="查看督办总览", severity="overdue",
        empty_text="没有逾期未报的报告",
        rows=[Row(text=f"{row['unit__name']}", url=_url("delivery:overview", cycle=cycle.pk, unit=row["unit_id"]),
                  due=row["first_due"], severity="overdue", note=f"逾期未报{row['n']}份") for row in by_unit])


def office_overdue_reports(actor, limit, today):
    return _overdue_reports_section(actor, limit, today, task_force=False) if actor.office_admin else None


# ---------------------------------------------------------------- overdue work items (逾期事项)

def _overdue_items_section(actor, limit, today, *, task_force: bool) -> Section:
    items = WorkItem.objects.all()
    if task_force:
        items = items.filter(task_id__in=_driven_tasks(actor))
    count = figures.item_counts(items, today).items_overdue
    rows = list(items.filter(figures.overdue_at(today)).select_related("task", "lead_unit")
                .order_by("deadline", "id")[:limit]) if count else []
    forces = sorted(actor.task_forces) if task_force else []
    return Section(
        key="", title="逾期事项", count=count, severity="overdue", empty_text="没有逾期事项",
        url=_url("delivery:overview", task_force=forces[0] if len(forces) == 1 else None, sort="overdue"),
        link_text="按单位查看",
        rows=[Row(text=f"{w.title} · {w.lead_unit.name}", url=reverse("delivery:task", args=[w.task_id]),
                  due=w.deadline, severity="overdue", note=f"逾期{(today - w.deadline).days}天") for w in rows])


def office_overdue_items(actor, limit, today):
    return _overdue_items_section(actor, limit, today, task_force=False) if actor.office_admin else None


def taskforce_overdue_items(actor, limit, today):
    return _overdue_items_section(actor, limit, today, task_force=True) if actor.task_forces else None


# ---------------------------------------------------------------- failed notice deliveries

def office_failed_deliveries(actor, limit, today):
    """Notices that could not be sent (SMTP, DingTalk, WeCom): the office calls the unit or fixes the channel."""
    if not actor.office_admin:
        return None
    failed = NoticeDelivery.objects.filter(state=NoticeDelivery.State.FAILED)
    rows = list(failed.select_related("notice__unit", "channel").order_by("-id")[:limit])
    staff = getattr(actor.user, "is_staff", False)
    admin_url = reverse("admin:delivery_noticedelivery_changelist") if staff else ""

    def row_url(d) -> str:
        if staff:
            return reverse("admin:delivery_noticedelivery_change", args=[d.pk])
        # without the admin, the notice is read on its task's 督办台账
        return reverse("delivery:task", args=[d.notice.task_id]) if d.notice.task_id else reverse("delivery:overview")

    return Section(
        key="", title="发送失败的通知", count=failed.count(), severity="attention", empty_text="没有发送失败的通知",
        url=f"{admin_url}?state__exact=failed" if admin_url else "", link_text="查看发送记录",
        rows=[Row(text=f"{d.notice.title} · {d.notice.unit.name}", url=row_url(d), note=str(d.channel)) for d in rows])


# ---------------------------------------------------------------- task force: its units' lateness

def taskforce_unit_lateness(actor, limit, today):
    """The task force's units, most reports overdue first, counted by ``figures.report_counts`` per unit."""
    if not actor.task_forces:
        return None
    cycles = _late_cycles(today)
    reports = Report.objects.filter(task_id__in=_driven_tasks(actor))
    per_unit: dict[int, int] = {}
    for cycle in cycles:
        for unit_id, counts in figures.report_counts(cycle, reports=reports, key="unit_id", today=today).items():
            if counts.overdue:
                per_unit[unit_id] = per_unit.get(unit_id, 0) + counts.overdue
    from iccity.orgs.models import Unit

    names = dict(Unit.objects.filter(pk__in=list(per_unit)).values_list("pk", "name")) if per_unit else {}
    worst = sorted(per_unit.items(), key=lambda p: (-p[1], names.get(p[0], "")))[:limit]
    cycle = cycles[0] if cycles else None
    return Section(
        key="", title="成员单位逾期未报", count=sum(per_unit.values()), severity="overdue",
        url=_url("delivery:overview", cycle=cycle.pk if cycle else None, sort="overdue"), link_text="查看督办总览",
        empty_text="本专班任务的报告均已按时报送",
        rows=[Row(text=names.get(unit_id, "—"), url=_url("delivery:overview", cycle=cycle.pk, unit=unit_id),
                  severity="overdue", note=f"逾期未报{n}份") for unit_id, n in worst])


def register_workbench() -> None:
    landing(UNIT, "delivery:home")
    register("delivery.overdue_reports", OFFICE, "逾期未报的报告", office_overdue_reports, urgency=10)
    register("delivery.overdue_items", OFFICE, "逾期事项", office_overdue_items, urgency=20)
    register("delivery.review", OFFICE, "待审核报告", office_review, urgency=30)
    register("delivery.returned_assignments", OFFICE, "单位退回的分工", office_returned_assignments, urgency=40)
    register("delivery.failed_deliveries", OFFICE, "发送失败的通知", office_failed_deliveries, urgency=60)
    register("delivery.taskforce_review", TASKFORCE, "待审核报告", taskforce_review, urgency=10)
    register("delivery.taskforce_lateness", TASKFORCE, "成员单位逾期未报", taskforce_unit_lateness, urgency=20)
    register("delivery.taskforce_overdue_items", TASKFORCE, "逾期事项", taskforce_overdue_items, urgency=30)
