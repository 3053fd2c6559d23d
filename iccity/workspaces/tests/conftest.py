"""A desk world on the real Xiqing plan: the delivery cast (office, leader, task force driving T1, unit staff) with
something waiting on every desk section, and ``add_work(n)`` to multiply it for query-count comparisons."""
from __future__ import annotations

import datetime as dt

import pytest

from iccity.core import clock

TODAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def frozen_today():
    with clock.travel(TODAY):
        yield TODAY


class DeskWorld:
    def __init__(self, cast):
        from iccity.delivery.models import ReportingCycle

        self.cast = cast
        self.version = cast.version
        self.t1 = cast.task
        self.t2 = cast.version.tasks.get(key="T2")
        # January's cycle: due on 7 February, still open for late reports on TODAY
        self.cycle = ReportingCycle.objects.create(
            plan=self.version.plan, cadence="monthly", label="2026年1月", period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 1, 31), due_on=dt.date(2026, 2, 7), closes_on=dt.date(2026, 3, 20))
        self.made = 0

    def add_work(self, n: int = 1) -> DeskWorld:
        """n of each kind of waiting work: reports sent up / overdue, overdue items, a returned assignment, a failed
        delivery, a red light, a complaint near its deadline, a plan import draft, a ledger import."""
        from django.utils import timezone

        from iccity.delivery.models import (
            Acknowledgement, AckState, Channel, Notice, NoticeDelivery, Report, ReportRevision, WorkItem,
        )
        from iccity.evaluation.models import TaskLight
        from iccity.orgs.models import Unit
        from iccity.plans.models import ImportDraft
        from iccity.reports.models import LedgerExport, LedgerImport

        c = self.cast
        sent = timezone.make_aware(dt.datetime(2026, 2, 5, 10))
        units = list(Unit.objects.exclude(pk__in=[c.lead_unit.pk, c.co_unit.pk]).filter(unit_type="bureau")
                     .order_by("id")[2 * self.made:2 * (self.made + n)])
        channel = Channel.objects.get_or_create(kind="email", name="办公室邮箱", defaults={"address": "office@example.org"})[0]
        for i in range(n):
            k = self.made + i
            unit, late_unit = units[2 * i], units[2 * i + 1]
            approved = Report.objects.create(cycle=self.cycle, task=self.t1, unit=unit, state="unit_approved",
                                             first_submitted_at=sent, reached_review_at=sent)
            ReportRevision.objects.create(report=approved, number=1, narrative="一月推进情况", submitted_at=sent)
            Report.objects.create(cycle=self.cycle, task=self.t2, unit=unit, state="draft")
            Report.objects.create(cycle=self.cycle, task=self.t1, unit=late_unit, state="draft")
            WorkItem.objects.create(task=self.t1, title=f"逾期事项{k}", lead_unit=c.lead_unit, state="active",
                                    deadline=TODAY - dt.timedelta(days=3 + k), baseline_deadline=TODAY)
            WorkItem.objects.create(task=self.t2, title=f"未到期事项{k}", lead_unit=unit, state="active",
                                    deadline=TODAY + dt.timedelta(days=30), baseline_deadline=TODAY)
            notice = Notice.objects.create(kind="urge", unit=unit, task=self.t1, title=f"催办单{k}", body="请尽快报送",
                                           dedupe_key=f"desk-test-{k}")
            NoticeDelivery.objects.create(notice=notice, channel=channel, state="failed", attempts=3, last_error="超时")
            ImportDraft.objects.create(source_filename=f"方案{k}.docx", source_format="docx", source_sha256=f"{k:064d}",
                                       data=b"x", parsed={"tasks": []}, threshold=0.8)
            export = LedgerExport.objects.create(token=f"desk-{k}")
            LedgerImport.objects.create(export=export, filename=f"台账{k}.xlsx", sha256=f"{k:064d}")
        ack = (Acknowledgement.objects.filter(state=AckState.PENDING, assignment__task__version=self.version)
               .order_by("id").first())
        if ack is not None:
            Acknowledgement.objects.filter(pk=ack.pk).update(state=AckState.RETURNED, acted_at=clock.now(),
                                                             return_reason="不属于本单位职责")
        for task in self.version.tasks.order_by("kind", "number")[self.made:self.made + n]:
            TaskLight.objects.update_or_create(task=task, defaults={"colour": "red", "computed_on": TODAY,
                                                                    "reasons": [{"text": "事项逾期", "colour": "red"}]})
        self._cases(n)
        self.made += n
        return self

    def _cases(self, n: int) -> None:
        from iccity.complaints.actions import do_register_case
        from iccity.complaints.models import Case
        from iccity.complaints.tests.conftest import submission

        for i in range(n):
            cases = do_register_case(submission(occurred_on="2026-02-20", description=f"购买的商品有质量问题，第{i}件。"))
            Case.objects.filter(pk__in=[c.pk for c in cases]).update(accept_due=TODAY + dt.timedelta(days=1))


@pytest.fixture
def desk_world(xiqing_plan, django_user_model) -> DeskWorld:
    from iccity.complaints.initial_data import ensure_categories
    from iccity.core.rules import do_ensure_declared_rules
    from iccity.delivery.actions import do_dispatch_plan
    from iccity.delivery.tests.conftest import Cast

    do_ensure_declared_rules()
    ensure_categories()
    cast = Cast(django_user_model, xiqing_plan)
    do_dispatch_plan(cast.version, scope=cast.scope("office"), on=TODAY)
    return DeskWorld(cast)
