"""Real figures loaded from their sources are published by default as the official figures they are; the office
publishes or withdraws an indicator (audited) and a reload never overrides its decision; the public catalogue never
says "共 0 项指标" while sourced figures exist, and shows each release's source, date and confidence."""
from __future__ import annotations

import re
import tomllib

import pytest

from iccity.core.models import AuditEvent
from iccity.indicators.actions.catalogue import DEFAULT_OBSERVATIONS, do_load_catalogue, do_load_observations
from iccity.indicators.actions.publication import do_set_published
from iccity.indicators.models import Indicator

pytestmark = pytest.mark.django_db


def sourced_codes() -> set[str]:
    data = tomllib.loads(DEFAULT_OBSERVATIONS.read_text(encoding="utf-8"))
    return {o["indicator"] for r in data["release"] for o in r.get("observations", [])
            if o.get("value") is not None or o.get("growth_rate") is not None}


def test_loading_sourced_figures_publishes_their_indicators_and_only_them():
    do_load_catalogue()
    assert not Indicator.objects.filter(published=True).exists()
    result = do_load_observations()
    published = set(Indicator.objects.filter(published=True).values_list("code", flat=True))
    assert published == sourced_codes() == set(result.published) and len(published) > 10
    assert AuditEvent.objects.filter(action="indicators.indicator.published_by_source").count() == len(published)
    assert do_load_observations().published == []  # run twice: nothing more to do


def test_the_office_decision_is_never_overridden_by_a_reload(office_admin):
    do_load_catalogue()
    do_load_observations()
    gdp = Indicator.objects.get(code="gdp")
    do_set_published(gdp, False, actor=office_admin, reason="口径待核")
    do_load_observations()
    gdp.refresh_from_db()
    assert not gdp.published
    event = AuditEvent.objects.filter(action="indicators.indicator.publication").get()
    assert event.actor == office_admin and event.note == "口径待核" and event.after == {"published": False}


def test_public_catalogue_shows_the_sourced_figures_with_source_date_and_confidence(client):
    do_load_catalogue()
    empty = client.get("/indicators/").content.decode()
    assert "共 0 项指标" not in empty and "尚未公开发布指标" in empty
    do_load_observations()
    page = client.get("/indicators/").content.decode()
    count = int(re.search(r"共 (\d+) 项指标", page).group(1))
    assert count == len(sourced_codes())
    detail = client.get("/indicators/gdp/").content.decode()
    assert "Exploring Tianjin" in detail and "2023-01-29" in detail and "可信度 medium-high" in detail
    assert "公开发布" not in detail and "取消公开" not in detail  # no office controls for the public


def test_only_the_office_may_publish(client, office_admin, django_user_model):
    do_load_catalogue()
    night = Indicator.objects.exclude(code__in=sourced_codes()).first()
    assert client.post(f"/indicators/{night.code}/publication/", {"published": "1"}).status_code in (302, 403)
    night.refresh_from_db()
    assert not night.published
    client.force_login(office_admin)
    response = client.post(f"/indicators/{night.code}/publication/", {"published": "1", "reason": "数据已核实"})
    assert response.status_code == 302
    night.refresh_from_db()
    assert night.published


def test_a_consumption_feed_indicator_without_a_published_figure_says_why(client):
    import datetime as dt

    from iccity.consumption.models import Dataset, IngestionRun, Kind

    do_load_catalogue()
    share = Indicator.objects.get(code="external_consumption_share")
    do_set_published(share, True, actor=None, reason="测试")
    dataset = Dataset.objects.create(kind=Kind.TRANSACTIONS, name="银行卡消费")
    IngestionRun.objects.create(dataset=dataset, run_id="r1", state=IngestionRun.State.COMPLETE,
                                started_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
                                months=[f"2026-{m:02d}" for m in range(6, 11)])
    detail = client.get("/indicators/external_consumption_share/").content.decode()
    why = "消费监测已接入2026年6月至2026年10月的数据"
    assert why in detail and "按完整自然年度统计发布，尚无完整年度数据，故暂未发布" in detail
    assert why in client.get("/indicators/").content.decode()
