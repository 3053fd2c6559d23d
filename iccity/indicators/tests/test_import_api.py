"""The indicator API: public catalogue (published only for anonymous callers), vintages, and the key-protected push
endpoint with the same checks and all-or-nothing behaviour as the file import."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from ninja.testing import TestClient

from iccity.core.models import AuditEvent
from iccity.indicators.actions.observations import AUDIT_ACTION, do_import_observations
from iccity.indicators.api import hash_api_key, router
from iccity.indicators.models import Observation, Release

from .test_import import RELEASE, catalogue, counts, row, today, xlsx  # noqa: F401  (fixtures)

KEY = "s3cret-统计局-key"


@pytest.fixture
def api():
    return TestClient(router)


@pytest.fixture
def keys(settings):
    settings.ICCITY_INDICATOR_API_KEYS = {hash_api_key(KEY): "区统计局数据平台"}


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("office", is_staff=True)


def payload(rows, **release):
    return {"release": {**RELEASE, **release}, "rows": rows}


GOOD_ROWS = [
    {"code": "retail_sales", "period": "2024年1-3月", "value": 812.3, "growth_rate": "4.5", "cumulative": True},
    {"code": "retail_sales", "period": "2024-03", "value": "95.2", "breakdown_kind": "town",
     "breakdown_value": "张家窝镇", "cumulative": "是"},
    {"code": "jinnong_brands", "period": 2024, "value": 25},
]


def test_catalogue_shows_unpublished_indicators_only_to_signed_in_users(catalogue, api, staff):
    anonymous = [i["code"] for i in api.get("/", user=AnonymousUser()).json()]
    assert "night_footfall" not in anonymous and "retail_sales" in anonymous
    signed_in = [i["code"] for i in api.get("/", user=staff).json()]
    assert "night_footfall" in signed_in
    assert "night_footfall" not in [i["code"] for i in api.get("/?published_only=true", user=staff).json()]
    assert api.get("/night_footfall", user=AnonymousUser()).status_code == 404
    assert api.get("/night_footfall", user=staff).status_code == 200
    first = api.get("/retail_sales", user=AnonymousUser()).json()
    assert first["unit"] == "亿元" and first["breakdowns"] == ["town", "category"] and first["observations"] == []


def test_detail_returns_the_latest_or_first_vintage_and_filters(catalogue, api):
    do_import_observations(xlsx([row("jinnong_brands", "2024", 20), row("jinnong_brands", "2023", 18),
                                 row("card_coverage", "2024", 90, area="天津市")]),
                           "a.xlsx", release_fields=RELEASE)
    revision = {"title": "修订", "publisher": "西青区统计局", "published_on": "2025-05-01", "status": "revised"}
    do_import_observations(xlsx([row("jinnong_brands", "2024", 22)]), "b.xlsx", release_fields=revision)
    latest = api.get("/jinnong_brands", user=AnonymousUser()).json()
    assert [(o["period"], o["value"], o["release"]["title"]) for o in latest["observations"]] == [
        ("2023", 18.0, RELEASE["title"]), ("2024", 22.0, "修订")]
    first = api.get("/jinnong_brands?vintage=first", user=AnonymousUser()).json()
    assert [o["value"] for o in first["observations"]] == [18.0, 20.0] and first["vintage"] == "first"
    assert api.get("/jinnong_brands?vintage=best", user=AnonymousUser()).status_code == 422
    assert api.get("/card_coverage?area=西青区", user=AnonymousUser()).json()["observations"] == []
    assert len(api.get("/card_coverage?area=天津市", user=AnonymousUser()).json()["observations"]) == 1


def test_push_with_a_good_key_imports_once_and_again_changes_nothing(catalogue, api, keys):
    response = api.post("/observations", json=payload(GOOD_ROWS), headers={"X-API-Key": KEY})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["created"] == 3 and body["unchanged"] == 0 and body["release"]["title"] == RELEASE["title"]
    total = Observation.objects.get(indicator__code="retail_sales", breakdown_kind="")
    assert (total.period, total.value, total.growth_rate, total.is_cumulative) == (
        "2024-03", Decimal("812.3"), Decimal("4.5"), True)
    audit = AuditEvent.objects.get(action=AUDIT_ACTION)
    assert audit.after["file"] == "api" and audit.after["system"] == "区统计局数据平台" and "接口推送" in audit.note

    before = counts()
    again = api.post("/observations", json=payload(GOOD_ROWS), headers={"X-API-Key": KEY}).json()
    assert (again["created"], again["unchanged"]) == (0, 3)
    assert counts() == before


def test_push_dry_run_writes_nothing(catalogue, api, keys):
    body = api.post("/observations", json={**payload(GOOD_ROWS), "dry_run": True}, headers={"X-API-Key": KEY}).json()
    assert body["dry_run"] and body["created"] == 0 and body["release"] is None
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}, {"X-API-Key": ""}])
def test_push_without_a_valid_key_is_refused(catalogue, api, keys, headers):
    response = api.post("/observations", json=payload(GOOD_ROWS), headers=headers)
    assert response.status_code == 401
    assert counts() == (0, 0, 0)


def test_push_is_refused_when_no_key_is_configured(catalogue, api, settings):
    settings.ICCITY_INDICATOR_API_KEYS = []
    assert api.post("/observations", json=payload(GOOD_ROWS), headers={"X-API-Key": KEY}).status_code == 401


def test_push_with_a_bad_payload_returns_every_problem_and_writes_nothing(catalogue, api, keys):
    rows = GOOD_ROWS + [
        {"code": "retail_sales", "period": "2024-04", "value": "5000亿元", "cumulative": True},
        {"code": "jinnong_brands", "period": "2030", "value": 5},
        {"code": "nope", "period": "2024", "value": 1, "contact": "张三"},
    ]
    response = api.post("/observations", json=payload(rows, published_on="2099-01-01"), headers={"X-API-Key": KEY})
    assert response.status_code == 400
    body = response.json()
    assert "未写入任何数据" in body["detail"]
    assert {(e["row"], e["column"], e["code"]) for e in body["errors"]} == {
        (0, "发布日期", "release_date_future"), (4, "数值", "value_unit"), (5, "期间", "period_future"),
        (6, "指标代码", "code_unknown")}
    assert all(e["message"].startswith("第") or e["row"] == 0 for e in body["errors"])
    assert [(w["column"], w["code"]) for w in body["warnings"]] == [("contact", "unknown_column")]
    assert counts() == (0, 0, 0)
    empty = api.post("/observations", json=payload([]), headers={"X-API-Key": KEY})
    assert empty.status_code == 400 and empty.json()["errors"][0]["code"] == "no_rows"


def test_push_of_a_revision_keeps_the_first_release(catalogue, api, keys):
    api.post("/observations", json=payload([{"code": "jinnong_brands", "period": "2024", "value": 20}]),
             headers={"X-API-Key": KEY})
    clash = api.post("/observations", json=payload([{"code": "jinnong_brands", "period": "2024", "value": 21}]),
                     headers={"X-API-Key": KEY})
    assert clash.status_code == 400 and clash.json()["errors"][0]["code"] == "already_stored"
    revised = api.post("/observations", json=payload([{"code": "jinnong_brands", "period": "2024", "value": 21}],
                                                     title="修订版", published_on="2025-06-01"),
                       headers={"X-API-Key": KEY})
    assert revised.status_code == 200 and revised.json()["created"] == 1
    assert sorted(Observation.objects.values_list("value", flat=True)) == [20, 21]
    assert Release.objects.filter(published_on=dt.date(2025, 6, 1)).exists()
