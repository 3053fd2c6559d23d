"""Responses, the index per 商圈 and overall, the public pages and the flow into the indicators."""
import datetime as dt
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iccity.core import publicforms
from iccity.core import clock
from iccity.core.actions import ActionRefused

from ..actions import do_create_wave, do_freeze_wave, do_publish_to_indicators, do_submit_response
from ..models import Response
from ..results import compute, results_for
from ..views import DEVICE_COOKIE
from .conftest import all_items

pytestmark = pytest.mark.django_db


def answer_all(wave, score):
    return {i: score for i in all_items(wave)}


def submit(wave, area_code, score, token):
    return do_submit_response(wave, wave.areas.get(code=area_code), answer_all(wave, score), device_token=token)


def test_wave_target_follows_the_stored_parameters(wave):
    assert wave.sample_plan().n == 538
    assert compute(wave)["target"] == 538


def test_one_response_per_device_per_wave(wave):
    submit(wave, "zhongbei", 8, "device-token-aaaaaaaa")
    with pytest.raises(ActionRefused, match="本设备已参加过"):
        submit(wave, "nanzhan", 8, "device-token-aaaaaaaa")  # another 商圈, same wave: still one per device
    assert Response.objects.count() == 1
    assert "device-token" not in Response.objects.get().device_hash  # only the hash is stored


def test_closed_or_unanswered_waves_refuse(wave):
    with pytest.raises(ActionRefused, match="请回答所有题目"):
        do_submit_response(wave, wave.areas.first(), {}, device_token="device-token-bbbbbbbb")
    with clock.travel(dt.date(2026, 7, 1)), pytest.raises(ActionRefused, match="已结束"):
        submit(wave, "zhongbei", 8, "device-token-cccccccc")


def test_index_per_area_and_overall_with_margin(wave):
    submit(wave, "zhongbei", 10, "device-token-00000001")  # 100
    submit(wave, "zhongbei", 1, "device-token-00000002")   # 0
    submit(wave, "nanzhan", 7, "device-token-00000003")    # (7−1)/9×100 = 66.7
    dk = {i: None for i in all_items(wave)}
    do_submit_response(wave, wave.areas.get(code="nanzhan"), dk, device_token="device-token-00000004")
    result = compute(wave)
    zhongbei, nanzhan = result["areas"]
    assert (zhongbei["responses"], zhongbei["n"], zhongbei["index"]) == (2, 2, 50.0)
    assert zhongbei["margin"] == round(1.96 * (1.4 * 5000 / 2) ** 0.5, 1)  # s² of (100, 0) is 5000
    assert (nanzhan["responses"], nanzhan["n"], nanzhan["index"], nanzhan["margin"]) == (2, 1, 66.7, None)
    assert result["overall"]["n"] == 3 and result["overall"]["index"] == round((100 + 0 + 600 / 9) / 3, 1)
    assert all(area["below_target"] for area in result["areas"])


def test_index_computation_takes_the_same_queries_at_1x_and_10x(wave):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            compute(wave)
        return len(ctx.captured_queries)

    submit(wave, "zhongbei", 8, "device-token-x0000000")
    one = queries()
    for n in range(1, 10):
        submit(wave, "nanzhan", 5, f"device-token-x000000{n}")
    assert queries() == one


def test_freeze_keeps_the_result_and_publishing_needs_it(wave, django_user_model):
    from iccity.indicators.actions.catalogue import do_load_catalogue
    from iccity.indicators.models import Observation

    do_load_catalogue()
    submit(wave, "zhongbei", 9, "device-token-f0000001")
    submit(wave, "nanzhan", 6, "device-token-f0000002")
    with pytest.raises(ActionRefused, match="轮次结束后"):
        do_freeze_wave(wave)
    with pytest.raises(ActionRefused, match="请先冻结"):
        do_publish_to_indicators(wave)
    with clock.travel(dt.date(2027, 1, 5)):
        wave = do_freeze_wave(wave)
        frozen = results_for(wave)
        assert frozen["frozen"] and frozen["overall"]["index"] == round((800 / 9 + 500 / 9) / 2, 1)
        do_publish_to_indicators(wave)
    obs = Observation.objects.get(indicator__code="local_satisfaction_index", breakdown_kind="")
    assert obs.period == "2026Q2" and float(obs.value) == frozen["overall"]["index"]
    assert "n=2" in obs.note and "deff=1.4" in obs.note
    by_district = dict(Observation.objects.filter(indicator__code="local_satisfaction_index", breakdown_kind="district")
                       .values_list("breakdown_value", "value"))
    # every item answered 9 in 中北 and 6 in 南站: (x−1)/9×100, one decimal
    assert {name: float(v) for name, v in by_district.items()} == {"中北商圈": 88.9, "南站商圈": 55.6}


def test_publishing_before_the_quarter_ends_is_refused_by_the_indicators_checks(wave):
    from iccity.indicators.actions.catalogue import do_load_catalogue

    do_load_catalogue()
    early = do_create_wave(code="2026-may", title="2026年5月测评", survey=wave.survey, areas=list(wave.areas.all()),
                           opens_on=dt.date(2026, 5, 1), closes_on=dt.date(2026, 5, 15))
    with clock.travel(dt.date(2026, 5, 10)):
        submit(early, "zhongbei", 9, "device-token-g0000001")
    with clock.travel(dt.date(2026, 5, 20)):
        do_freeze_wave(early)
        with pytest.raises(ActionRefused, match="尚未结束"):
            do_publish_to_indicators(early)


# ---- public pages


def form_data(client, wave, score="8", took=None):
    page = client.get(f"/surveys/{wave.code}/zhongbei/")
    form = page.context["form"]
    data = {name: score for name, _ in form.items}
    data["started"] = form.initial["started"]
    if took is not None:  # a person who took ``took`` seconds over the questionnaire
        data["started"] = publicforms.sign_started(time.time() - took)
    return data


def test_public_form_sets_a_device_cookie_and_accepts_once(client, wave, monkeypatch):
    monkeypatch.setattr(publicforms, "MIN_FILL_SECONDS", 0)
    data = form_data(client, wave, took=120)
    assert DEVICE_COOKIE in client.cookies
    response = client.post(f"/surveys/{wave.code}/zhongbei/", data)
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    again = client.get(f"/surveys/{wave.code}/zhongbei/")
    assert "本设备已参加过本轮测评" in again.content.decode()
    assert Response.objects.count() == 1
    index = client.get(f"/surveys/{wave.code}/").content.decode()
    assert "中北商圈" in index and "77.8" in index  # (8−1)/9×100


def test_honeypot_fast_submission_and_missing_answers_are_refused(client, wave, monkeypatch):
    data = form_data(client, wave)
    assert client.post(f"/surveys/{wave.code}/zhongbei/", data).status_code == 400  # faster than a person
    monkeypatch.setattr(publicforms, "MIN_FILL_SECONDS", 0)
    assert client.post(f"/surveys/{wave.code}/zhongbei/", {**data, "website": "x"}).status_code == 400
    partial = dict(data)
    partial.pop(next(k for k in data if k.startswith("item_")))
    page = client.post(f"/surveys/{wave.code}/zhongbei/", partial)
    assert page.status_code == 400 and "请选择评分" in page.content.decode()
    assert Response.objects.count() == 0


def test_a_post_without_the_device_cookie_is_refused(client, wave, monkeypatch):
    monkeypatch.setattr(publicforms, "MIN_FILL_SECONDS", 0)
    data = form_data(client, wave)
    client.cookies.pop(DEVICE_COOKIE)
    page = client.post(f"/surveys/{wave.code}/zhongbei/", data)
    assert page.status_code == 400 and "Cookie" in page.content.decode()


def test_api_returns_indices_without_device_hashes(client, wave):
    submit(wave, "zhongbei", 8, "device-token-api00001")
    body = client.get(f"/api/surveys/waves/{wave.code}/index").json()
    assert body["areas"][0]["responses"] == 1 and body["target"] == 538
    assert Response.objects.get().device_hash not in str(body)


def test_index_page_refreshes_its_table_by_htmx_while_open_and_lists_waves(client, wave):
    submit(wave, "nanzhan", 10, "device-token-h0000001")
    fragment = client.get(f"/surveys/{wave.code}/", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div class="s-scroll">') and "<html" not in fragment
    assert 'data-area="nanzhan"' in fragment and "100.0" in fragment
    page = client.get(f"/surveys/{wave.code}/").content.decode()
    assert 'hx-trigger="every 15s"' in page
    listing = client.get("/surveys/").content.decode()
    assert wave.title in listing and f"/surveys/{wave.code}/zhongbei/" in listing
