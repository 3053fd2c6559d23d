"""Delivery activity for document tests, written directly (fast; the demo generator takes minutes here)."""
from __future__ import annotations

import datetime as dt

from iccity.core import demo
from iccity.delivery.models import (
    Acknowledgement, DrivenTask, ExtensionRequest, Notice, Report, ReportingCycle, ReportRevision, WorkItem,
)
from iccity.orgs.models import LeadingGroup, TaskForce, Unit
from iccity.plans.models import Assignment

MAY_START, MAY_END = dt.date(2026, 5, 1), dt.date(2026, 5, 31)


def build_activity(version, *, per_task: int = 1, marked: bool = True) -> dict:
    """May 2026 for every task: ``per_task`` done and ``per_task`` overdue items, the lead unit's report (accepted for
    even task numbers) plus ``per_task - 1`` co-unit reports; a task force driving T1 and T2 with a pending extension
    and a returned acknowledgement; one numbered 催办单 on an overdue item."""
    with demo.marking() if marked else _nothing():
        cycle = ReportingCycle.objects.create(plan=version.plan, cadence="monthly", label="2026年5月",
                                              period_start=MAY_START, period_end=MAY_END,
                                              due_on=dt.date(2026, 6, 5), closes_on=dt.date(2026, 6, 12))
        leads = {a.task_id: a for a in Assignment.objects.filter(task__version=version, role="lead", parent=None)}
        units = list(Unit.objects.order_by("id")[:per_task + 1])
        overdue_item = None
        for task in version.tasks.all():
            lead = leads[task.pk].unit if task.pk in leads else units[0]
            for n in range(per_task):
                WorkItem.objects.create(task=task, title=f"{task.key}已办结事项{n + 1}", lead_unit=lead, state="done",
                                        deadline=dt.date(2026, 4, 30), baseline_deadline=dt.date(2026, 4, 30),
                                        completed_on=dt.date(2026, 4, 20))
                item = WorkItem.objects.create(task=task, title=f"{task.key}逾期事项{n + 1}", lead_unit=lead,
                                               state="active", deadline=dt.date(2026, 5, 20),
                                               baseline_deadline=dt.date(2026, 5, 20))
                overdue_item = overdue_item or item
            reporters = [lead] + [u for u in units if u != lead][:per_task - 1]
            for i, unit in enumerate(reporters):
                accepted = task.number % 2 == 0
                report = Report.objects.create(cycle=cycle, task=task, unit=unit, is_lead=i == 0,
                                               state="accepted" if accepted else "submitted",
                                               reached_review_at=dt.datetime(2026, 6, 3, tzinfo=dt.UTC))
                ReportRevision.objects.create(report=report, number=1, narrative=f"{task.key}本月召开推进会{i + 2}次。",
                                              progress=40 + task.number, problems="用地手续尚待审批" if i == 0 else "",
                                              next_steps=f"{task.key}下月完成方案报批。",
                                              submitted_at=dt.datetime(2026, 6, 2, tzinfo=dt.UTC))
        group = LeadingGroup.objects.get()
        force, _ = TaskForce.objects.get_or_create(leading_group=group, name="商圈建设专班", defaults={"host_unit": units[0]})
        for key in ("T1", "T2"):
            DrivenTask.objects.get_or_create(task_force=force, task=version.tasks.get(key=key))
        t1_item = WorkItem.objects.filter(task__key="T1", task__version=version, state="active").first()
        ExtensionRequest.objects.create(work_item=t1_item, current_deadline=t1_item.deadline,
                                        new_deadline=dt.date(2026, 8, 31), reason="用地审批延后")
        t2_assignment = Assignment.objects.filter(task__version=version, task__key="T2").order_by("position").last()
        Acknowledgement.objects.update_or_create(assignment=t2_assignment, defaults=dict(
            state="returned", dispatched_on=MAY_START, due_on=dt.date(2026, 5, 8), return_reason="不属于本单位职责"))
        notice = Notice.objects.create(
            kind="urge", unit=overdue_item.lead_unit, task=overdue_item.task, work_item=overdue_item,
            title=f"催办单：{overdue_item.task.key} {overdue_item.title} 逾期 5 个工作日",
            body=f"西青消费督〔2026〕第7号\n{overdue_item.lead_unit.name}：\n任务 {overdue_item.task.key} 下的事项"
                 f"“{overdue_item.title}”完成时限为 2026年05月20日，已逾期 5 个工作日。\n请接单后尽快办理报送。",
            document_number="西青消费督〔2026〕第7号", dedupe_key=f"test-urge-{overdue_item.pk}")
    return {"cycle": cycle, "task_force": force, "notice": notice}


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
