"""The GeoReport v2 field rules an outside validator checks: keywords comma-separated, lat/long JSON numbers, an
empty media_url null, status_notes that do not repeat themselves, and a POST that answers a token only when it cannot
answer a service_request_id."""
from __future__ import annotations

import pytest

from iccity.complaints.models import Case, Category

from .factories import API_KEY, ID_NUMBER, NAME, PHONE, TODAY, clear_cache, frozen_today, register, site  # noqa: F401
from .test_open311 import post_request

pytestmark = pytest.mark.django_db


def test_service_keywords_are_a_comma_separated_list(client, site):
    Category.objects.filter(code="catering").update(keywords="餐饮 外卖、堂食，饭店")
    service = {s["service_code"]: s for s in client.get("/open311/v2/services.json").json()}["catering"]
    assert service["keywords"] == "餐饮,外卖,堂食,饭店"


def test_lat_and_long_are_json_numbers_and_an_empty_media_url_is_null(client, site):
    created = post_request(client).json()[0]
    raw = client.get(f"/open311/v2/requests/{created['service_request_id']}.json").content.decode()
    shown = client.get(f"/open311/v2/requests/{created['service_request_id']}.json").json()[0]
    assert isinstance(shown["lat"], float) and isinstance(shown["long"], float)
    assert shown["lat"] == pytest.approx(39.139) and shown["long"] == pytest.approx(117.01)
    assert '"lat": "' not in raw and '"long": "' not in raw
    assert shown["media_url"] is None and '"media_url": null' in raw


def test_status_notes_say_the_state_once(client, site):
    created = post_request(client).json()[0]
    notes = client.get(f"/open311/v2/requests/{created['service_request_id']}.json").json()[0]["status_notes"]
    assert notes.count("分送承办单位") == 1, notes


def test_post_answers_the_request_id_and_no_token(client, site):
    created = post_request(client).json()[0]
    assert created["service_request_id"] and "token" not in created
    assert Case.objects.get(receipt_number=created["service_request_id"]).lookup_token  # the web tracker still has one
