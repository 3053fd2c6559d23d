"""A 5-year dataset for the evaluation/report benchmarks, built in bulk in a throwaway database.

Scale 1 = every task of the Xiqing plan, 50 responsible units, 60 monthly reporting cycles (Dec 2021 – Nov 2026) with
a report per (task, unit) per cycle, 4 work items per task, 30 indicators with 60 months of observations.
Scale 0.1 = 5 units, 6 cycles, 1 work item per task, 3 indicators with 6 months (≈1/10 of every dimension that grows).

Bulk inserts, not the delivery actions: the actions (as ``iccity demo`` uses them) take minutes per simulated month
on this machine, and a benchmark only needs the rows to exist. Everything is marked 示例 (``demo.marking``) and lives
only in the temporary database.
"""
from __future__ import annotations

import calendar as pycal
import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from iccity.core import demo
from iccity.delivery.models import (
    Acknowledgement, AckState, ExtensionRequest, ExtensionState, Report, ReportingCycle, ReportRevision, ReportState,
    WorkItem, WorkItemState,
)
from iccity.indicators.models import Indicator, Observation, Release
from iccity.orgs.models import Unit, UnitType
from iccity.plans.actions import XIQING_PLAN_SLUG
from iccity.plans.models import Assignment, Plan

TODAY = dt.date(2026, 11, 20)
FULL = {"units": 50, "cycles": 60, "items_per_task": 4, "indicators": 30, "months": 60}


def dims(scale: float) -> dict[str, int]:
    return {k: max(1, round(v * scale)) for k, v in FULL.items()}


def _month_back(day: dt.date, n: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 - n, 12)
    return dt.date(y, m + 1, 1)


def _month_end(start: dt.date) -> dt.date:
    return start.replace(day=pycal.monthrange(start.year, start.month)[1])


@transaction.atomic
def build(scale: float, *, seed: int = 7) -> dict[str, int]:
    d = dims(scale)
    rng = random.Random(seed)
    plan = Plan.objects.get(slug=XIQING_PLAN_SLUG)
    version = plan.current_version
    tasks = list(version.tasks.order_by("kind", "number"))
    with demo.marking():
        units = _units(d["units"])
        pairs = _assignments(tasks, units)
        items = _work_items(rng, tasks, pairs, d["items_per_task"])
        reports = _cycles_and_reports(rng, plan, pairs, d["cycles"])
        observations = _observations(rng, d["indicators"], d["months"])
    return {"units": len(units), "tasks": len(tasks), "task_unit_pairs": sum(len(v) for v in pairs.values()),
            "work_items": items, "cycles": d["cycles"], "reports": reports, "indicators": d["indicators"],
            "observations": observations}


def _units(n: int) -> list[Unit]:
    real = list(Unit.objects.filter(active=True).exclude(unit_type=UnitType.COLLECTIVE).order_by("sort_order", "name")[:n])
    extra = [Unit(name=f"（基准）单位{i:02d}", unit_type=UnitType.BUREAU, sort_order=5000 + i) for i in range(n - len(real))]
    Unit.objects.bulk_create(extra)
    return real + list(Unit.objects.filter(name__startswith="（基准）单位").order_by("sort_order"))[: n - len(real)]


def _assignments(tasks, units) -> dict[int, list[tuple[Unit, bool]]]:
    """Per task, the lead and up to three co-units among the benchmark's units (plan units where they take part)."""
    n = len(units)
    by_id = {u.pk: u for u in units}
    plan_rows = {}
    for a in Assignment.objects.filter(task__in=tasks, parent=None):
        plan_rows.setdefault(a.task_id, []).append(a)
    pairs: dict[int, list[tuple[Unit, bool]]] = {}
    new_rows = []
    for t, task in enumerate(tasks):
        lead = next((by_id[a.unit_id] for a in plan_rows.get(task.pk, []) if a.role == "lead" and a.unit_id in by_id),
                    units[t % n])
        chosen = [(lead, True)]
        for j in range(1, 4):
            unit = units[(t * 7 + j * 3) % n]
            if all(unit.pk != u.pk for u, _ in chosen):
                chosen.append((unit, False))
        pairs[task.pk] = chosen
        have = {a.unit_id for a in plan_rows.get(task.pk, [])}
        position = max([a.position for a in plan_rows.get(task.pk, [])] + [0])
        for unit, is_lead in chosen:
            if unit.pk not in have:
                position += 1
                new_rows.append(Assignment(task=task, unit=unit, listed_name=unit.name, position=position,
                                           role="lead" if is_lead and not plan_rows.get(task.pk) else "co"))
    Assignment.objects.bulk_create(new_rows, ignore_conflicts=True)
    acks = [Acknowledgement(assignment=a, state=AckState.ACKNOWLEDGED, dispatched_on=dt.date(2021, 12, 1),
                            due_on=dt.date(2021, 12, 6))
            for a in Assignment.objects.filter(task__in=tasks).exclude(acknowledgement__isnull=False)]
    Acknowledgement.objects.bulk_create(acks)
    return pairs


def _work_items(rng, tasks, pairs, per_task: int) -> int:
    start = _month_back(TODAY, 59)
    span = (dt.date(2027, 12, 31) - start).days
    items, co_links = [], []
    for task in tasks:
        lead, *cos = pairs[task.pk]
        for k in range(per_task):
            deadline = start + dt.timedelta(days=rng.randrange(span))
            done = deadline < TODAY and rng.random() < 0.8
            items.append(WorkItem(task=task, title=f"{task.key} 基准事项 {k + 1}", description="基准测试生成",
                                  lead_unit=lead[0], deadline=deadline, baseline_deadline=deadline,
                                  state=WorkItemState.DONE if done else WorkItemState.ACTIVE,
                                  completed_on=deadline - dt.timedelta(days=rng.randrange(-20, 30)) if done else None))
    WorkItem.objects.bulk_create(items)
    items = list(WorkItem.objects.filter(task__in=tasks).select_related("task"))
    through = WorkItem.co_units.through
    for item in items:
        for unit, _ in pairs[item.task_id][1:]:
            co_links.append(through(workitem_id=item.pk, unit_id=unit.pk))
    through.objects.bulk_create(co_links, ignore_conflicts=True)
    extensions = []
    for item in items[::10]:
        new = item.deadline + dt.timedelta(days=60)
        extensions.append(ExtensionRequest(work_item=item, current_deadline=item.deadline, new_deadline=new,
                                           reason="基准测试：审批延后", state=ExtensionState.APPROVED))
        WorkItem.objects.filter(pk=item.pk).update(deadline=new)
    ExtensionRequest.objects.bulk_create(extensions)
    return len(items)


def _cycles_and_reports(rng, plan, pairs, n_cycles: int) -> int:
    cycles = []
    for back in range(n_cycles - 1, -1, -1):
        first = _month_back(TODAY, back)
        end = _month_end(first)
        due = end + dt.timedelta(days=7)
        cycles.append(ReportingCycle(plan=plan, cadence="monthly", label=f"{first.year}年{first.month}月",
                                     period_start=first, period_end=end, due_on=due, closes_on=due + dt.timedelta(days=7)))
    ReportingCycle.objects.bulk_create(cycles)
    cycles = list(ReportingCycle.objects.filter(plan=plan).order_by("period_start"))
    reports = []
    for c_index, cycle in enumerate(cycles):
        recent = c_index >= len(cycles) - 2
        for task_id, chosen in pairs.items():
            for unit, is_lead in chosen:
                if recent:
                    state = rng.choice([ReportState.DRAFT, ReportState.SUBMITTED, ReportState.UNIT_APPROVED,
                                        ReportState.ACCEPTED, ReportState.RETURNED])
                else:
                    state = ReportState.ACCEPTED if rng.random() < 0.95 else ReportState.RETURNED
                sent = dt.datetime.combine(cycle.due_on - dt.timedelta(days=rng.randrange(-3, 6)), dt.time(10),
                                           tzinfo=dt.UTC)
                reports.append(Report(cycle=cycle, task_id=task_id, unit=unit, is_lead=is_lead, state=state,
                                      first_submitted_at=None if state == ReportState.DRAFT else sent,
                                      reached_review_at=sent if state in (ReportState.UNIT_APPROVED, ReportState.ACCEPTED) else None,
                                      accepted_at=sent + dt.timedelta(days=2) if state == ReportState.ACCEPTED else None,
                                      moved_at=None if state == ReportState.DRAFT else sent))
    Report.objects.bulk_create(reports, batch_size=2000)
    revisions = []
    for report in Report.objects.filter(cycle__in=cycles).only("pk", "state", "first_submitted_at"):
        revisions.append(ReportRevision(report_id=report.pk, number=1, narrative="本月召开推进会，对接项目，形成阶段成果。",
                                        progress=rng.randrange(0, 101), problems=rng.choice(["", "资金到位偏慢"]),
                                        next_steps="继续推进", submitted_at=report.first_submitted_at))
    ReportRevision.objects.bulk_create(revisions, batch_size=2000)
    _quality_flags(rng, cycles)
    return len(reports)


def _quality_flags(rng, cycles) -> None:
    """About one submitted revision in twelve carries a quality flag, as reviewers would see after the checks."""
    from iccity.evaluation.models import QualityFlag

    submitted = ReportRevision.objects.filter(report__cycle__in=cycles, submitted_at__isnull=False).values_list("pk", flat=True)
    flags = [QualityFlag(revision_id=pk, code=rng.choice(["empty", "no_facts", "repeated"]), reason="基准测试生成的质量提示")
             for pk in submitted if rng.random() < 1 / 12]
    QualityFlag.objects.bulk_create(flags, batch_size=2000)


def _observations(rng, n_indicators: int, n_months: int) -> int:
    indicators = list(Indicator.objects.order_by("code")[:n_indicators])
    release = Release.objects.create(title="（示例）基准测试生成数据", publisher="iccity bench（示例）",
                                     published_on=TODAY, note="基准测试用，不是真实统计")
    rows = []
    for indicator in indicators:
        level = rng.uniform(50, 500)
        for back in range(n_months - 1, -1, -1):
            first = _month_back(TODAY, back + 1)
            level *= rng.uniform(0.98, 1.04)
            rows.append(Observation(indicator=indicator, release=release, period=f"{first.year}-{first.month:02d}",
                                    period_end=_month_end(first), value=Decimal(str(round(level, 2))), note="示例"))
    Observation.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def office_user():
    User = get_user_model()
    user, created = User.objects.get_or_create(username="bench-office", defaults={"is_staff": True, "is_superuser": True})
    if created:
        user.set_unusable_password()
        user.save()
    return user


def task_force_lead(share: float = 1 / 3):
    """A task-force lead whose task force drives about a third of the plan's tasks (the review queue's second role)."""
    from iccity.delivery.models import DrivenTask
    from iccity.orgs.models import LeadingGroup, Person, Role, RoleAssignment, TaskForce

    User = get_user_model()
    user, created = User.objects.get_or_create(username="bench-tf-lead")
    if not created:
        return user
    user.set_unusable_password()
    user.save()
    group = LeadingGroup.objects.first() or LeadingGroup.objects.create(name="（基准）领导小组")
    force = TaskForce.objects.create(leading_group=group, name="（基准）专班")
    tasks = list(Plan.objects.get(slug=XIQING_PLAN_SLUG).current_version.tasks.order_by("kind", "number"))
    DrivenTask.objects.bulk_create([DrivenTask(task_force=force, task=t) for t in tasks[: max(1, round(len(tasks) * share))]])
    person = Person.objects.create(user=user, name="基准专班负责人")
    RoleAssignment.objects.create(person=person, role=Role.TASK_FORCE_LEAD, task_force=force)
    return user
