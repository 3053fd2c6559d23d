"""Hostile input on the public form and Open311: each attempt is refused cleanly (4xx, Chinese message) and changes
nothing else (case counts stay put, other clients keep working)."""
from __future__ import annotations

import time

import pytest

from iccity.core import publicforms as forms
from iccity.core import ratelimit
from iccity.complaints.models import Case

from .factories import API_KEY, clear_cache, form_data, frozen_today, register, site  # noqa: F401
from .test_open311 import post_request

pytestmark = pytest.mark.django_db
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_oversized_body_is_413(client, site):
    response = client.post("/complaints/new/", form_data(description="字" * 40000))
    assert response.status_code == 413 and "过大" in response.content.decode()
    response = client.post("/open311/v2/requests.json", {"api_key": API_KEY, "description": "x" * 50000})
    assert response.status_code == 413
    assert Case.objects.count() == 0


def test_honeypot_filled_is_refused(client, site):
    response = client.post("/complaints/new/", form_data(website="http://spam.example"))
    assert response.status_code == 400 and Case.objects.count() == 0


def test_too_fast_or_forged_or_stale_start_is_refused(client, site):
    for started in (forms.sign_started(time.time()), "forged", "", forms.sign_started(time.time() - 3 * 86400)):
        response = client.post("/complaints/new/", form_data(started=started))
        assert response.status_code == 400, started
    assert "提交过快" in client.post("/complaints/new/", form_data(started=forms.sign_started())).content.decode()
    assert Case.objects.count() == 0


def test_flooding_gets_429_and_other_ips_still_work(client, site, monkeypatch):
    monkeypatch.setattr(ratelimit, "PUBLIC_SUBMIT", ratelimit.Limit("submit", 3, 600))
    for _ in range(3):
        assert client.post("/complaints/new/", form_data(), REMOTE_ADDR="10.0.0.9").status_code == 302
    response = client.post("/complaints/new/", form_data(), REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429 and "提交过于频繁" in response.content.decode()
    assert Case.objects.count() == 3
    assert client.post("/complaints/new/", form_data(), REMOTE_ADDR="10.0.0.10").status_code == 302
    assert Case.objects.count() == 4


def test_open311_flooding_gets_429_per_ip(client, site, monkeypatch):
    monkeypatch.setattr(ratelimit, "OPEN311_WRITE", ratelimit.Limit("o311w", 2, 60))
    monkeypatch.setattr(ratelimit, "OPEN311_READ", ratelimit.Limit("o311r", 2, 60))
    for _ in range(2):
        assert client.get("/open311/v2/services.json", REMOTE_ADDR="10.1.1.1").status_code == 200
    blocked = client.get("/open311/v2/services.json", REMOTE_ADDR="10.1.1.1")
    assert blocked.status_code == 429 and blocked.json()[0]["code"] == 429
    assert client.get("/open311/v2/services.json", REMOTE_ADDR="10.1.1.2").status_code == 200


def test_the_sliding_window_forgets_old_hits():
    limit = ratelimit.Limit("t", 2, 10)
    assert ratelimit.hit(limit, "a", now=100) and ratelimit.hit(limit, "a", now=101)
    assert not ratelimit.hit(limit, "a", now=105)
    # the sliding-window counter weighs the previous window by its overlap:
    # 2 × 0.85 + 1 > 2 at 111.5, 2 × 0.45 + 1 ≤ 2 at 115.5
    assert not ratelimit.hit(limit, "a", now=111.5)
    assert ratelimit.hit(limit, "a", now=115.5)


def test_limits_are_counted_in_the_shared_cache_so_every_process_sees_them(monkeypatch):
    """Two worker processes share the counters through caches["default"] (Redis in production): a fresh module
    state (as in another process) still sees the hits, and a refused hit is not counted."""
    import importlib

    limit = ratelimit.Limit("shared", 2, 600)
    assert ratelimit.hit(limit, "10.9.9.9", now=1000) and ratelimit.hit(limit, "10.9.9.9", now=1001)
    other_process = importlib.reload(ratelimit)
    assert not other_process.hit(other_process.Limit("shared", 2, 600), "10.9.9.9", now=1002)
    assert other_process.hit(other_process.Limit("shared", 2, 600), "10.9.9.8", now=1002)


def test_script_in_the_description_is_never_rendered_unescaped(client, site):
    client.post("/complaints/new/", form_data(description=f"菜里有头发{SCRIPT}要求退款", respondent_name=f"店{SCRIPT}"))
    case = Case.objects.get()
    client.force_login(site.handler)
    html = client.get(f"/complaints/cases/{case.pk}/").content.decode()
    assert "<script>alert" not in html and "onerror=alert(1)>" not in html
    html = client.get("/complaints/cases/").content.decode()
    assert "<script>alert" not in html
    post_request(client, description=f"Open311 {SCRIPT}")
    other = Case.objects.exclude(pk=case.pk).get()
    html = client.get(f"/complaints/cases/{other.pk}/").content.decode()
    assert "<script>alert" not in html


def test_a_form_redisplayed_after_an_error_escapes_what_was_typed(client, site):
    response = client.post("/complaints/new/", form_data(person_phone="1", person_name='"><script>x</script>'))
    assert response.status_code == 400 and "<script>x</script>" not in response.content.decode()


def test_sql_like_strings_are_just_text(client, site):
    evil = "'; DROP TABLE complaints_case; --"
    response = client.post("/complaints/new/", form_data(respondent_name=evil, description=f"{evil} 要求退款"))
    assert response.status_code == 302
    assert Case.objects.get().respondent_name == evil
    response = client.post("/complaints/track/", {"receipt_number": "' OR '1'='1", "phone_last4": "1234"})
    assert response.status_code == 404
    assert client.get("/open311/v2/requests.json", {"service_request_id": "1 OR 1=1"}).json() == []
    assert client.get("/open311/v2/requests.json", {"service_code": evil}).json() == []
    assert client.get("/complaints/cases/", {"q": evil}).status_code == 302  # anonymous: login first
    assert Case.objects.count() == 1


def test_malformed_open311_bodies_are_400(client, site):
    before = Case.objects.count()
    for body, content_type in (("{not json", "application/json"), ("[1, 2]", "application/json"),
                               ("<request><a>", "text/xml"), ("<?xml version='1.0'?><x/>", "application/xml"),
                               (b"\xff\xfe\x00", "application/json")):
        response = client.post("/open311/v2/requests.json", body, content_type=content_type)
        assert response.status_code in (400, 403), body
    for overrides in ({"attribute[occurred_on]": "2026-99-99T00:00:00"}, {"attribute[amount]": "1e999999"},
                      {"lat": "Infinity", "long": "117"}, {"attribute[requests][]": ["退款", "<b>x</b>"]},
                      {"media_url": "javascript:alert(1)"}):
        response = post_request(client, **overrides)
        assert response.status_code == 400, overrides
        assert response.json()[0]["description"]
    assert Case.objects.count() == before


def test_json_body_is_accepted_as_a_convenience(client, site):
    body = {"api_key": API_KEY, "service_code": "catering", "address_string": "西青区中北镇2号",
            "first_name": "小明", "last_name": "王", "phone": "13912345678", "description": "菜品有异物",
            "attribute": {"case_type": "complaint", "respondent_name": "好味道餐馆", "person_id_number": "11010519491231002X"}}
    response = client.post("/open311/v2/requests.json", body, content_type="application/json")
    assert response.status_code == 200, response.content.decode()


def test_unknown_format_and_method(client, site):
    assert client.get("/open311/v2/services.csv").status_code == 404
    assert client.put("/open311/v2/requests.json").status_code == 405
    assert client.delete("/open311/v2/services.json").status_code == 405


def test_a_replayed_intake_form_is_refused(client, site):
    """A script that captured one valid form (start token included) posts it again and again: only the first counts."""
    data = form_data()
    assert client.post("/complaints/new/", data, REMOTE_ADDR="10.0.0.21").status_code == 302
    again = client.post("/complaints/new/", data, REMOTE_ADDR="10.0.0.22")
    assert again.status_code == 400 and "此表单已提交过" in again.content.decode()
    assert Case.objects.count() == 1


def test_complaints_stuffed_from_one_address_stay_out_of_the_disclosure_until_accepted(client, site):
    """A competitor files 5 consented complaints against one shop from one address in a day: from the rule's
    threshold on they are flagged, and the public disclosure counts them only once a handler has accepted them."""
    import datetime as dt

    from iccity.complaints.actions import do_transition
    from iccity.complaints.rules import ANTI_STUFFING
    from iccity.core.rules import rule_value
    from iccity.complaints.views import disclosure_rows

    threshold = rule_value(ANTI_STUFFING)["flag_from_per_address_per_day"]
    for n in range(5):
        assert client.post("/complaints/new/", form_data(person_phone=f"1380000000{n}"),
                           REMOTE_ADDR="10.0.0.77").status_code == 302
    cases = list(Case.objects.order_by("pk"))
    flagged = [c for c in cases if "BULK_SUBMISSION" in c.flags]
    assert len(flagged) == 5 - threshold + 1 and flagged[0].pk == cases[threshold - 1].pk
    today = dt.date(2026, 5, 11)
    count = lambda: sum(r["count"] for r in disclosure_rows(today - dt.timedelta(days=30), today))  # noqa: E731
    assert count() == threshold - 1
    do_transition(flagged[0], "accepted", actor=site.handler)
    assert count() == threshold
    client.force_login(site.handler)
    assert "同一网络地址当日多次提交" in client.get(f"/complaints/cases/{flagged[1].pk}/").content.decode()
