"""Complaint figures flow into the indicators as a release of the day; recounting the same day changes nothing."""
import datetime as dt
from decimal import Decimal

import pytest

from iccity.complaints.actions import do_accept, do_record_agreement, do_start_mediation, do_terminate_mediation
from iccity.complaints.metrics import do_publish_indicators, monthly_metrics
from iccity.core import clock
from iccity.indicators.initial_data import load as load_indicators
from iccity.indicators.models import Observation


def _handle(case, user, day, *, agree: bool):
    with clock.travel(day):
        do_accept(case, actor=user)
        case.refresh_from_db()  # actions refuse stale copies (optimistic locking)
        do_start_mediation(case, actor=user)
        case.refresh_from_db()
        if agree:
            do_record_agreement(case, actor=user, terms="退款58.5元")
        else:
            do_terminate_mediation(case, "ART23_3", actor=user)


@pytest.fixture
def closed_cases(world, register):
    a = register(dt.datetime(2026, 5, 6, 9, 0), occurred_on="2026-05-01")[0]
    b = register(dt.datetime(2026, 5, 7, 9, 0), occurred_on="2026-05-01", town="张家窝镇")[0]
    register(dt.datetime(2026, 6, 1, 9, 0), occurred_on="2026-05-30", business_district="中北商圈")  # counted in June
    _handle(a, world["handler"], dt.datetime(2026, 5, 12, 10, 0), agree=True)
    _handle(b, world["handler"], dt.datetime(2026, 5, 14, 10, 0), agree=False)
    return a, b


def test_monthly_metrics_by_total_and_town(closed_cases):
    figures = monthly_metrics(2026, 5)
    assert figures["complaint_mediation_rate"] == {"": Decimal("50.0"), "杨柳青镇": Decimal("100.0"),
                                                    "张家窝镇": Decimal("0.0")}
    assert figures["complaint_timely_rate"][""] == Decimal("100.0")
    # 6 May 09:00 → 12 May 10:00 is 6.04 days; 7 May 09:00 → 14 May 10:00 is 7.04 days: mean 6.5
    assert figures["complaint_avg_days"] == {"": Decimal("6.5")}
    assert figures["complaint_count"] == {"": 2, ("town", "杨柳青镇"): 1, ("town", "张家窝镇"): 1}
    assert monthly_metrics(2026, 6)["complaint_mediation_rate"] == {}


def test_publishing_twice_the_same_day_changes_nothing_and_a_later_recount_is_a_new_vintage(closed_cases, world):
    import io

    load_indicators(io.StringIO())
    with clock.travel(dt.date(2026, 6, 2)):
        first = do_publish_indicators(2026, 5)
        again = do_publish_indicators(2026, 5)
    assert first.created > 0 and again.created == 0 and again.unchanged == first.created
    with clock.travel(dt.date(2026, 6, 20)):
        later = do_publish_indicators(2026, 5)
    assert later.created == first.created and later.release.pk != first.release.pk
    assert Observation.objects.filter(indicator__code="complaint_mediation_rate", period="2026-05",
                                      breakdown_kind="").count() == 2
    june = monthly_metrics(2026, 6)["complaint_count"]
    assert june == {"": 1, ("town", "杨柳青镇"): 1, ("district", "中北商圈"): 1}
