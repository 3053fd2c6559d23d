"""Metric results go into the indicators module as observations: one release per ingestion run (the vintage),
publisher "consumption feed", only ended periods, and publishing the same run twice writes nothing new."""
from __future__ import annotations

import datetime as dt

import pytest

from iccity.consumption import metrics
from iccity.consumption.actions.publish import PUBLISHER, do_publish_metrics
from iccity.consumption.engine import Engine
from iccity.core import clock
from iccity.core.actions import ActionRefused
from iccity.core.models import AuditEvent
from iccity.indicators.actions.catalogue import do_load_catalogue
from iccity.indicators.models import Observation, Release


@pytest.fixture
def catalogue(db):
    do_load_catalogue()


def test_publishing_a_run_writes_night_share_and_footfall_observations(lake, catalogue):
    run = lake["runs"]["transactions"]
    with clock.travel(dt.date(2024, 4, 15)):
        outcome = do_publish_metrics(run)
    assert outcome.ok, outcome.report.as_dict()
    release = Release.objects.get(publisher=PUBLISHER)
    assert run.run_id in release.title
    obs = Observation.objects.filter(release=release)
    total = obs.get(indicator__code="night_consumption_share", period="2024-02", breakdown_kind="")
    engine = Engine()
    try:
        expected = metrics.night_share(engine, freq=None, start=dt.date(2024, 2, 1), end=dt.date(2024, 2, 29))
        visitors = metrics.footfall(engine, by=["district"], start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 31))
    finally:
        engine.close()
    assert float(total.value) == pytest.approx(expected.night_share[0] * 100, abs=1e-4)
    assert obs.filter(indicator__code="night_consumption_share", breakdown_kind="district").count() >= 2
    district = visitors.district[0]
    foot = obs.get(indicator__code="key_district_footfall", period="2024-03", breakdown_value=district)
    assert float(foot.value) == pytest.approx(visitors.visitors[0] / 10000, abs=1e-4)
    # 2024 has not ended on 2024-04-15: no annual external share yet
    assert not obs.filter(indicator__code="external_consumption_share").exists()
    assert AuditEvent.objects.filter(action="consumption.metrics.published").count() == 1


def test_publishing_the_same_run_twice_changes_nothing(lake, catalogue):
    run = lake["runs"]["transactions"]
    with clock.travel(dt.date(2024, 4, 15)):
        first = do_publish_metrics(run)
        again = do_publish_metrics(run)
    assert first.created > 0
    assert again.created == 0 and again.unchanged == first.created
    assert Release.objects.filter(publisher=PUBLISHER).count() == 1


def test_months_not_yet_ended_are_not_published(lake, catalogue):
    run = lake["runs"]["transactions"]
    with clock.travel(dt.date(2024, 3, 20)):
        outcome = do_publish_metrics(run)
    periods = set(Observation.objects.filter(release=outcome.release).values_list("period", flat=True))
    assert periods == {"2024-01", "2024-02"}
    with clock.travel(dt.date(2024, 1, 20)), pytest.raises(ActionRefused, match="尚未结束或没有数据"):
        do_publish_metrics(run)
