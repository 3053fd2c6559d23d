"""Open311 GeoReport v2 as a standard client uses it: form-encoded POST with an api_key and attribute[code], GET with
ISO 8601 date filters, JSON and XML parsed back; the 90-day window, the 1000 cap, 400/403/404, and no personal data in
any GET answer."""
from __future__ import annotations

import datetime as dt
import json
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from iccity.complaints import open311
from iccity.complaints.models import Case

from .factories import API_KEY, ID_NUMBER, NAME, PHONE, TODAY, clear_cache, frozen_today, register, site  # noqa: F401

pytestmark = pytest.mark.django_db


def post_request(client, fmt="json", **overrides):
    data = {
        "api_key": API_KEY, "service_code": "catering", "lat": "39.1390", "long": "117.0100",
        "attribute[case_type]": "complaint", "attribute[respondent_name]": "天津市西青区好味道餐馆",
        "attribute[amount]": "88.00", "attribute[occurred_on]": "2026-05-02T19:30:00+08:00",
        "attribute[requests][]": ["退款", "赔偿"], "attribute[person_id_number]": ID_NUMBER,
        "attribute[consent_publish]": "true",
        "first_name": "小明", "last_name": "王", "phone": PHONE, "email": "wang@example.com",
        "description": "晚餐中发现异物，要求退款并赔偿。",
    }
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"/open311/v2/requests.{fmt}", data)  # the test client form-encodes like a real client


def test_service_list_json_and_xml(client, site):
    body = client.get("/open311/v2/services.json").json()
    codes = {s["service_code"]: s for s in body}
    assert codes["catering"]["service_name"] == "餐饮服务"
    assert codes["catering"]["metadata"] is True and codes["catering"]["type"] == "realtime"
    response = client.get("/open311/v2/services.xml")
    assert response["Content-Type"].startswith("text/xml") and "utf-8" in response["Content-Type"]
    root = ET.fromstring(response.content)
    assert root.tag == "services"
    names = {s.findtext("service_code"): s.findtext("service_name") for s in root.findall("service")}
    assert names["catering"] == "餐饮服务"
    assert root.find("service/metadata").text == "true"


def test_service_definition_lists_attributes(client, site):
    body = client.get("/open311/v2/services/catering.json").json()
    attributes = {a["code"]: a for a in body["attributes"]}
    assert attributes["case_type"]["datatype"] == "singlevaluelist" and attributes["case_type"]["required"] is True
    assert {v["name"] for v in attributes["case_type"]["values"]} >= {"投诉", "举报"}
    assert attributes["amount"]["datatype"] == "number"
    assert attributes["occurred_on"]["datatype"] == "datetime"
    assert attributes["requests"]["datatype"] == "multivaluelist"
    root = ET.fromstring(client.get("/open311/v2/services/catering.xml").content)
    assert root.tag == "service_definition"
    assert [a.findtext("code") for a in root.findall("attributes/attribute")][0] == "case_type"
    assert root.find("attributes/attribute/values/value/name").text == "投诉"


def test_unknown_service_is_404(client, site):
    response = client.get("/open311/v2/services/no-such.json")
    assert response.status_code == 404 and response.json()[0]["code"] == 404
    root = ET.fromstring(client.get("/open311/v2/services/no-such.xml").content)
    assert root.tag == "errors" and root.findtext("error/code") == "404"
    assert post_request(client, service_code="no-such").status_code == 404


def test_post_creates_a_case_and_get_shows_it_without_personal_data(client, site):
    response = post_request(client)
    assert response.status_code == 200, response.content.decode()
    created = response.json()[0]
    case = Case.objects.get(receipt_number=created["service_request_id"])
    assert case.channel == "open311" and case.person_name == "王小明" and case.amount == 88
    assert case.requests == ["退款", "赔偿"] and str(case.lat) == "39.139000"
    assert created["service_notice"]

    detail = client.get(f"/open311/v2/requests/{case.receipt_number}.json").json()[0]
    assert detail["status"] == "open"
    assert detail["agency_responsible"] == "区市场监管局"
    assert detail["requested_datetime"].endswith("+08:00")
    assert detail["expected_datetime"] and detail["expected_datetime"].endswith("+08:00")
    assert "已分送" in detail["status_notes"]

    for url in (f"/open311/v2/requests/{case.receipt_number}.json", f"/open311/v2/requests/{case.receipt_number}.xml",
                "/open311/v2/requests.json", "/open311/v2/requests.xml", f"/open311/v2/tokens/{case.lookup_token}.json"):
        text = client.get(url).content.decode()
        for secret in (PHONE, ID_NUMBER, NAME, "小明", "wang@example.com", PHONE[-8:]):
            assert secret not in text, f"{secret} leaked in {url}"


def test_personal_data_in_the_description_never_reaches_a_get(client, site):
    post_request(client, description=f"我是{NAME}，电话{PHONE}，身份证{ID_NUMBER}，餐馆拒绝退款。")
    text = client.get("/open311/v2/requests.json").content.decode()
    assert client.get("/open311/v2/requests.json").json()[0]["description"] == ""
    for secret in (PHONE, ID_NUMBER, NAME):
        assert secret not in text


def test_xml_post_and_requests_round_trip(client, site):
    response = post_request(client, fmt="xml")
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    request_id = root.findtext("request/service_request_id")
    assert request_id and root.find("request/token") is None  # a token only when there is no id (GeoReport v2)
    listing = ET.fromstring(client.get("/open311/v2/requests.xml").content)
    assert [r.findtext("service_request_id") for r in listing.findall("request")] == [request_id]
    assert listing.findtext("request/status") == "open"
    token = Case.objects.get(receipt_number=request_id).lookup_token  # the web tracking token still resolves
    found = ET.fromstring(client.get(f"/open311/v2/tokens/{token}.xml").content)
    assert found.findtext("request/service_request_id") == request_id


def test_both_types_give_two_requests(client, site):
    response = post_request(client, **{"attribute[case_type]": "both"})
    assert len(response.json()) == 2


def test_bad_or_missing_key_is_403(client, site):
    assert post_request(client, api_key="wrong").status_code == 403
    assert post_request(client, api_key=None).status_code == 403
    assert Case.objects.count() == 0


def test_missing_fields_are_400(client, site):
    cases = [{"service_code": None}, {"lat": None, "long": None},
             {"attribute[respondent_name]": None}, {"description": None},
             {"lat": "north", "long": "117"}, {"long": None}, {"lat": "NaN"}, {"lat": "95"}, {"attribute[amount]": "-5"},
             {"attribute[case_type]": "lawsuit"}]
    for overrides in cases:
        response = post_request(client, **overrides)
        assert response.status_code == 400, overrides
        assert response.json()[0]["code"] == 400 and response.json()[0]["description"]
    assert Case.objects.count() == 0


def test_address_string_instead_of_coordinates(client, site):
    response = post_request(client, lat=None, long=None, address_string="西青区中北镇3号")
    assert response.status_code == 200
    assert Case.objects.get().respondent_address == "西青区中北镇3号"


def test_point_outside_tianjin_is_warned_not_refused(client, site):
    response = post_request(client, lat="31.2304", long="121.4737")  # Shanghai
    assert response.status_code == 200
    assert "不在天津市范围内" in response.json()[0]["service_notice"]


def _received(case, moment):
    Case.objects.filter(pk=case.pk).update(received_at=moment)


def test_date_filters_and_the_90_day_limit(client, site):
    old, recent = register()[0], register()[0]
    _received(old, timezone.make_aware(dt.datetime(2026, 1, 5, 10)))
    listing = client.get("/open311/v2/requests.json").json()  # default: the last 90 days
    assert [r["service_request_id"] for r in listing] == [recent.receipt_number]
    january = client.get("/open311/v2/requests.json",
                         {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-01-31T23:59:59+08:00"}).json()
    assert [r["service_request_id"] for r in january] == [old.receipt_number]
    too_long = client.get("/open311/v2/requests.json",
                          {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-05-01T00:00:00+08:00"})
    assert too_long.status_code == 400 and "90" in too_long.json()[0]["description"]
    reversed_ = client.get("/open311/v2/requests.json", {"start_date": "2026-05-01", "end_date": "2026-04-01"})
    assert reversed_.status_code == 400
    for bad in ("yesterday", "2026-13-45", "2026-05-01T25:00:00+08:00", "'; DROP TABLE complaints_case;--"):
        response = client.get("/open311/v2/requests.xml", {"start_date": bad})
        assert response.status_code == 400
        assert ET.fromstring(response.content).findtext("error/code") == "400"
    # the explicit ids ignore the date window, as the spec says
    by_id = client.get("/open311/v2/requests.json", {"service_request_id": f"{old.receipt_number},{recent.receipt_number}"})
    assert len(by_id.json()) == 2


def test_status_and_service_code_filters(client, site):
    case = register()[0]
    assert client.get("/open311/v2/requests.json", {"status": "closed"}).json() == []
    assert len(client.get("/open311/v2/requests.json", {"status": "open"}).json()) == 1
    assert len(client.get("/open311/v2/requests.json", {"status": "open,closed"}).json()) == 1
    assert client.get("/open311/v2/requests.json", {"status": "pending"}).status_code == 400
    assert client.get("/open311/v2/requests.json", {"service_code": "food"}).json() == []
    assert client.get("/open311/v2/requests.json", {"service_code": "catering"}).json()[0]["service_request_id"] \
        == case.receipt_number


def test_at_most_1000_items(client, site, monkeypatch):
    assert open311.MAX_ITEMS == 1000
    monkeypatch.setattr(open311, "MAX_ITEMS", 3)  # the cap is a constant; 1000 rows would only slow the suite
    for _ in range(5):
        register()
    assert len(client.get("/open311/v2/requests.json").json()) == 3


def test_unknown_request_and_token_are_404(client, site):
    assert client.get("/open311/v2/requests/XQ2026000000.json").status_code == 404
    assert client.get("/open311/v2/tokens/nope.json").status_code == 404
    root = ET.fromstring(client.get("/open311/v2/tokens/nope.xml").content)
    assert root.findtext("error/code") == "404"


def test_json_is_utf8_not_escaped(client, site):
    response = client.get("/open311/v2/services.json")
    assert "餐饮服务".encode() in response.content
    json.loads(response.content.decode("utf-8"))


def test_media_url_is_kept_and_a_point_outside_tianjin_is_flagged_for_the_handler(client, site):
    response = post_request(client, media_url="https://img.example.org/receipt.jpg", lat="31.2304", long="121.4737")
    assert response.status_code == 200, response.content.decode()
    case = Case.objects.get(receipt_number=response.json()[0]["service_request_id"])
    assert case.media_url == "https://img.example.org/receipt.jpg"
    assert "OUTSIDE_TIANJIN" in case.flags  # Shanghai's coordinates: kept, but the handler is told
    shown = client.get(f"/open311/v2/requests/{case.receipt_number}.json").json()[0]
    assert shown["media_url"] == "https://img.example.org/receipt.jpg"  # the complainant consented to publication
    assert post_request(client, media_url="javascript:alert(1)").status_code == 400
