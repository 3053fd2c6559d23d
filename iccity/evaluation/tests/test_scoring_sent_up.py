"""Scoring judges a report as 已报送 when delivery.figures does: when the unit head sent it up, in Beijing time. A
report written on time but approved by the head after the due day is late; one still waiting for the head when the
cycle closes is missing."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from iccity.delivery.models import Report
from iccity.evaluation import scoring

from .scoring_fixtures import World, today, world  # noqa: F401
from .test_scoring import events_of

BEIJING = dt.timezone(dt.timedelta(hours=8))


def test_late_and_missing_follow_the_head_sending_the_report_up(world: World):
    cycle = world.cycle(2026, 3)  # due 2026-04-07, closed 2026-04-14
    late = world.report(cycle, world.lead, submitted=dt.date(2026, 4, 3))
    Report.objects.filter(pk=late.pk).update(reached_review_at=dt.datetime(2026, 4, 8, 0, 30, tzinfo=BEIJING))
    waiting = world.report(cycle, world.co, submitted=dt.date(2026, 4, 3))
    Report.objects.filter(pk=waiting.pk).update(state="submitted", reached_review_at=None)
    edge = world.report(cycle, world.other, submitted=dt.date(2026, 4, 3))
    Report.objects.filter(pk=edge.pk).update(reached_review_at=dt.datetime(2026, 4, 7, 23, 30, tzinfo=BEIJING))
    run = scoring.do_score_period("2026-03")
    assert events_of(run, world.lead) == [("late_report", "", Decimal(-1))]  # 00:30 Beijing on the 8th
    assert events_of(run, world.co) == [("missing_report", "", Decimal(-10))]
    assert events_of(run, world.other) == []  # 23:30 Beijing on the due day is on time
