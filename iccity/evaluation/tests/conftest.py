"""Shared fixtures for evaluation tests: a data builder at a chosen scale on the real Xiqing plan (work items, reporting
cycles, lead-unit reports with progress, indicators with observations), the default rules, and people by role."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

# A day inside a year the holiday data covers, so working-day arithmetic is defined.
TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def frozen_today():
    from iccity.core import clock

    with clock.travel(TODAY):
        yield TODAY


@pytest.fixture
def light_rules(db):
    from iccity.core.rules import do_ensure_declared_rules
    from iccity.evaluation import lights

    do_ensure_declared_rules(keys=[lights.RULE_KEY])


def make_user(django_user_model, username: str, role: str | None = None, *, unit=None, task_force=None):
    from iccity.orgs.models import Person, RoleAssignment

    user = django_user_model.objects.create_user(username, password="pass-123456")
    if role:
        person = Person.objects.create(user=user, name=username, unit=unit)
        RoleAssignment.objects.create(person=person, role=role, unit=unit, task_force=task_force)
    return user


class Builder:
    """Adds delivery and indicator data to a plan version. ``scale`` multiplies every kind of row, so a page's query
    count can be compared at 1× and 10×."""

    def __init__(self, version, on: dt.date = TODAY):
        from iccity.orgs.models import LeadingGroup, TaskForce, Unit

        self.version = version
        self.plan = version.plan
        self.on = on
        self.tasks = list(version.tasks.order_by("kind", "number"))
        group = LeadingGroup.objects.first() or LeadingGroup.objects.create(name="领导小组")
        self.units = list(Unit.objects.order_by("id")[:6])
        self.forces = [TaskForce.objects.get_or_create(leading_group=group, name=name, defaults={"host_unit": unit})[0]
                       for name, unit in (("商圈建设专班", self.units[0]), ("文旅融合专班", self.units[1]))]
        self._cycles = 0
        self._indicators = 0

    def lead_of(self, task):
        a = task.assignments.filter(role="lead").select_related("unit").first()
        return a.unit if a else self.units[0]

    def drive(self):
        from iccity.delivery.models import DrivenTask

        for i, task in enumerate(self.tasks):
            DrivenTask.objects.get_or_create(task_force=self.forces[i % 2], task=task)
        return self

    def work_items(self, per_task: int, tasks=None):
        """Per task: a mix of items overdue by a few days, overdue by weeks, done, and due later."""
        from iccity.delivery.models import WorkItem

        rows = []
        for task in tasks or self.tasks:
            lead = self.lead_of(task)
            for i in range(per_task):
                kind = i % 4
                deadline = {0: self.on - dt.timedelta(days=2 + i), 1: self.on - dt.timedelta(days=40 + i),
                            2: self.on - dt.timedelta(days=60 + i), 3: self.on + dt.timedelta(days=90 + i)}[kind]
                rows.append(WorkItem(task=task, title=f"{task.key} 事项 {i + 1}", lead_unit=lead, deadline=deadline,
                                     baseline_deadline=deadline, state="done" if kind == 2 else "active",
                                     completed_on=deadline if kind == 2 else None))
        WorkItem.objects.bulk_create(rows)
        return self

    def reports(self, cycles: int, progress: int = 50, tasks=None):
        """Monthly cycles back from ``on`` with one accepted lead-unit report per task, progress climbing to
        ``progress`` in the latest one."""
        from iccity.delivery.models import Report, ReportingCycle, ReportRevision

        for k in range(cycles):
            self._cycles += 1
            month_end = dt.date(self.on.year, self.on.month, 1) - dt.timedelta(days=1)
            for _ in range(self._cycles - 1):
                month_end = month_end.replace(day=1) - dt.timedelta(days=1)
            start = month_end.replace(day=1)
            cycle = ReportingCycle.objects.create(plan=self.plan, cadence="monthly", label=f"{start:%Y年%m月}",
                                                  period_start=start, period_end=month_end,
                                                  due_on=month_end + dt.timedelta(days=7),
                                                  closes_on=month_end + dt.timedelta(days=20))
            latest = self._cycles == 1
            submitted = dt.datetime.combine(month_end + dt.timedelta(days=5), dt.time(10), tzinfo=dt.UTC)
            reports = Report.objects.bulk_create([
                Report(cycle=cycle, task=t, unit=self.lead_of(t), is_lead=True, state="accepted",
                       first_submitted_at=submitted, accepted_at=submitted) for t in (tasks or self.tasks)])
            ReportRevision.objects.bulk_create([
                ReportRevision(report=r, number=1, narrative=f"{cycle.label}推进情况", submitted_at=submitted,
                               progress=progress if latest else max(0, progress - 2 * self._cycles))
                for r in reports])
        return self

    def indicators(self, count: int, tasks=None, *, published: bool = True, growth: float = 0.03):
        """Annual indicators linked to tasks, each with 2019–2025 values growing by ``growth`` a year."""
        from iccity.indicators.models import Dimension, Framework, Indicator, IndicatorDimension, Observation, Release

        framework, _ = Framework.objects.get_or_create(code="test-fw", defaults={"name": "测试框架", "source": "测试"})
        dims = [Dimension.objects.get_or_create(framework=framework, code=f"d{i}",
                                                defaults={"name": f"维度{i}", "position": i})[0] for i in range(3)]
        release = Release.objects.create(title="测试统计公报", publisher="区统计局", published_on=dt.date(2026, 3, 1))
        targets = tasks or self.tasks
        for n in range(count):
            self._indicators += 1
            ind = Indicator.objects.create(code=f"t-ind-{self._indicators}", name=f"测试指标{self._indicators}",
                                           definition="测试", unit="亿元", source_org="区统计局", published=published)
            IndicatorDimension.objects.create(indicator=ind, dimension=dims[n % 3])
            ind.tasks.add(targets[n % len(targets)])
            Observation.objects.bulk_create([
                Observation(indicator=ind, release=release, period=str(y), period_end=dt.date(y, 12, 31),
                            value=Decimal(str(round(100 * (1 + growth) ** (y - 2019), 4)))) for y in range(2019, 2026)])
        return self

    def ratings(self, quarters: int):
        """One office rating per task for each of ``quarters`` quarters back from ``on`` (the current one first)."""
        from iccity.evaluation.models import DeliveryRating
        from iccity.evaluation.ratings import previous_quarter, quarter_of

        quarter, rows = quarter_of(self.on), []
        for _ in range(quarters):
            rows += [DeliveryRating(task=t, quarter=quarter, level="amber_green", planning="green", capacity="green",
                                    stage="amber_red", evidence="amber_green", reasoning=f"{quarter} 评定",
                                    computed_colour="yellow") for t in self.tasks]
            quarter = previous_quarter(quarter)
        DeliveryRating.objects.bulk_create(rows)
        return self

    def scores(self, periods: int):
        """A current score run per month back from ``on`` ranking the builder's units (display data for the league
        table; the scoring rules themselves are tested with the scoring area)."""
        from iccity.core.models import Rule
        from iccity.evaluation.models import ScoreRun, UnitScore

        rule = Rule.objects.order_by("id").first()
        end = dt.date(self.on.year, self.on.month, 1) - dt.timedelta(days=1)
        existing = set(ScoreRun.objects.values_list("period", flat=True))
        made = 0
        while made < periods:
            period = f"{end:%Y-%m}"
            if period not in existing:
                run = ScoreRun.objects.create(period=period, period_start=end.replace(day=1), period_end=end, rule=rule)
                UnitScore.objects.bulk_create([
                    UnitScore(run=run, unit=u, base=100, deduction=i, total=100 - i, rank=i + 1,
                              previous_rank=len(self.units) - i) for i, u in enumerate(self.units)])
                made += 1
            end = end.replace(day=1) - dt.timedelta(days=1)
        return self

    def build(self, scale: int):
        return (self.drive().work_items(4 * scale).reports(2 * scale).indicators(3 * scale).ratings(scale)
                .scores(scale))


@pytest.fixture
def builder(xiqing_plan, light_rules) -> Builder:
    return Builder(xiqing_plan)


@pytest.fixture
def office_user(db, django_user_model):
    from iccity.orgs.models import Role

    return make_user(django_user_model, "office1", Role.OFFICE_ADMIN)


@pytest.fixture
def leader_user(db, django_user_model):
    from iccity.orgs.models import Role

    return make_user(django_user_model, "leader1", Role.LEADER)
