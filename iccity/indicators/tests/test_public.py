"""What anonymous visitors see: published indicators only (404 for the others, on every page and download), adopted
targets only, no entry or upload forms, and composite index editions only when built from published indicators."""
from __future__ import annotations

import datetime as dt

import pytest

from iccity.indicators.actions.editions import do_create_edition
from iccity.indicators.models import IndexEdition

from .test_views import TOWNS, World, chart_json, html, media, obs, release, today  # noqa: F401 (autouse fixtures)

HIDDEN = "night_footfall"
PUBLIC = "jinnong_brands"


@pytest.fixture
def world(db):
    return World()


def _edition(world, *, with_hidden: bool) -> IndexEdition:
    """An edition over three towns; with_hidden puts the unpublished indicator into it."""
    rel = release("2024年镇街数据", dt.date(2025, 4, 1))
    for i, town in enumerate(TOWNS):
        obs(world.brands, rel, "2024", 3 + 2 * i, kind="town", town=town)
        obs(world.retail, rel, "2024", 80 - 10 * i, kind="town", town=town)
        if with_hidden:
            obs(world.hidden, rel, "2024", 30 + i, kind="town", town=town)
    if not with_hidden:
        world.hidden.dimensions.clear()
    return do_create_edition(framework=world.framework, name=f"镇街指数{'（含未公开）' if with_hidden else ''}",
                             areas_or_breakdowns=TOWNS, year=2024, as_of=dt.date(2026, 1, 1))


def test_catalogue_lists_published_indicators_only(world, client):
    page = html(client.get("/indicators/"))
    assert 'data-code="jinnong_brands"' in page and 'data-code="retail_sales"' in page
    assert HIDDEN not in page and "夜间客流" not in page and "未公开" not in page
    assert client.get("/indicators/?q=夜间").context["count"] == 0
    assert "上传数据" not in page


@pytest.mark.parametrize("suffix", ["", "data.csv", "data.xlsx", "?vintage=first", "?area=天津市"])
def test_unpublished_indicator_pages_and_downloads_are_404(world, client, suffix):
    assert client.get(f"/indicators/{HIDDEN}/{suffix}").status_code == 404
    assert client.get(f"/indicators/{PUBLIC}/{suffix}").status_code == 200


def test_unpublished_indicator_is_visible_to_logged_in_staff(world, client, django_user_model):
    client.force_login(django_user_model.objects.create_user("staffer", password="staffer-pass-123"))
    assert client.get(f"/indicators/{HIDDEN}/").status_code == 200
    assert client.get(f"/indicators/{HIDDEN}/data.csv").status_code == 200
    assert "夜间客流" in html(client.get("/indicators/"))


def test_public_indicator_page_hides_draft_targets_and_forms(world, client):
    response = client.get(f"/indicators/{PUBLIC}/")
    page = html(response)
    assert "内部测算草稿" not in page and "草拟" not in page
    assert [t["year"] for t in chart_json(response)["targets"]] == [2027]          # no 2026 draft line either
    assert all(not t["name"].startswith("2026") for t in chart_json(response)["trajectories"])
    assert "录入单个数值" not in page and "/indicators/import/" not in page and "csrfmiddlewaretoken" not in page


def test_public_downloads_carry_published_data_only(world, client):
    text = client.get(f"/indicators/{PUBLIC}/data.csv").content.decode("utf-8-sig")
    assert "津农精品品牌数" in text and "夜间客流" not in text


def test_anonymous_cannot_enter_data_or_upload(world, client):
    response = client.post(f"/indicators/{PUBLIC}/observations/", {"period": "2025", "value": "30"})
    assert response.status_code == 302 and "/login" in response["Location"]
    for url in ("/indicators/import/", "/indicators/import/template.xlsx", "/indicators/import/template.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url
    response = client.post("/indicators/import/", {"title": "x"})
    assert response.status_code == 302
    response = client.post("/indicators/index/new/", {"name": "x"})
    assert response.status_code == 302


def test_index_editions_of_published_indicators_are_public(world, client):
    edition = _edition(world, with_hidden=False)
    assert edition.name in html(client.get("/indicators/index/"))
    page = html(client.get(f"/indicators/index/{edition.pk}/"))
    assert "本版次冻结于" in page and "生成并冻结" not in page


def test_index_editions_using_unpublished_indicators_are_hidden(world, client):
    edition = _edition(world, with_hidden=True)
    page = html(client.get("/indicators/index/"))
    assert edition.name not in page and "生成并冻结" not in page
    assert client.get(f"/indicators/index/{edition.pk}/").status_code == 404
    assert client.get("/indicators/index/999/").status_code == 404
