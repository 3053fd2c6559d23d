"""Data builders for the scoring and quality tests: cycles, reports and work items on the real Xiqing plan, written
straight to the tables (the delivery loop has its own tests; here we need exact dates)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from iccity.core import clock
from iccity.core.rules import do_ensure_declared_rules
from iccity.delivery.models import Report, ReportingCycle, ReportRevision, WorkItem
from iccity.orgs.models import Unit

TODAY = dt.date(2026, 6, 15)
FACTUAL = "3月12日在杨柳青镇举办“津门消费季”启动活动，吸引客流2.3万人次，带动销售额860万元。"


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class World:
    def __init__(self, version):
        self.version = version
        self.plan = version.plan
        self.t1 = version.tasks.get(key="T1")
        self.t2 = version.tasks.get(key="T2")
        self.lead = Unit.objects.get(name="区商务局")
        self.co = Unit.objects.get(name="区协同办")
        self.other = Unit.objects.get(name="区文旅局")

    def cycle(self, year: int, month: int, *, due_days: int = 7, close_days: int = 14) -> ReportingCycle:
        start = dt.date(year, month, 1)
        end = (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)
        cycle, _ = ReportingCycle.objects.get_or_create(
            plan=self.plan, cadence="monthly", period_start=start,
            defaults={"label": f"{year}年{month}月", "period_end": end, "due_on": end + dt.timedelta(days=due_days),
                      "closes_on": end + dt.timedelta(days=close_days)})
        return cycle

    def report(self, cycle, unit, *, task=None, submitted: dt.date | None = None, narrative: str = FACTUAL,
               figures=None, is_lead: bool = False) -> Report:
        report = Report.objects.create(cycle=cycle, task=task or self.t1, unit=unit, is_lead=is_lead,
                                       state="unit_approved" if submitted else "draft",
                                       first_submitted_at=at(submitted) if submitted else None,
                                       reached_review_at=at(submitted) if submitted else None)
        ReportRevision.objects.create(report=report, number=1, narrative=narrative, figures=figures or [],
                                      submitted_at=at(submitted) if submitted else None)
        return report

    def item(self, unit, baseline: dt.date, *, co=(), deadline: dt.date | None = None, done_on: dt.date | None = None,
             task=None, title: str = "事项") -> WorkItem:
        item = WorkItem.objects.create(task=task or self.t1, title=title, lead_unit=unit, baseline_deadline=baseline,
                                       deadline=deadline or baseline, state="done" if done_on else "active",
                                       completed_on=done_on)
        item.co_units.set(co)
        return item


@pytest.fixture
def today():
    with clock.travel(TODAY):
        yield TODAY


@pytest.fixture
def world(xiqing_plan, today) -> World:
    do_ensure_declared_rules(prefix="evaluation.")
    return World(xiqing_plan)
