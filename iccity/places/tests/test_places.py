"""Places: the plan's business districts loaded with sources, the GeoJSON API, the map page and what it hides."""
from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest

from iccity.core.actions import ActionRefused
from iccity.core.models import AuditEvent
from iccity.places import geo, views
from iccity.places.actions import do_load_places
from iccity.places.initial_data import load
from iccity.places.models import Place, PlaceKind

pytestmark = pytest.mark.django_db

PLAN_DISTRICTS = {"南站商圈", "中北商圈", "杨柳青大运河国家文化公园文旅商圈", "梅江会展中心商圈", "大学城商圈"}


@pytest.fixture
def loaded():
    load(io.StringIO())
    return Place.objects.all()


def test_bootstrap_loads_the_plans_five_districts_with_their_venues_and_sources(loaded):
    assert set(Place.objects.filter(kind=PlaceKind.DISTRICT).values_list("name", flat=True)) == PLAN_DISTRICTS
    station = Place.objects.get(name="天津南站")
    assert (station.latitude, station.longitude) == (Decimal("39.055830"), Decimal("117.055000"))
    assert station.district.name == "南站商圈" and station.town == "张家窝镇"
    assert str(station.opened_on) == "2011-06-30"
    assert station.sources.filter(url__contains="wikipedia").exists()
    assert Place.objects.get(name="姚村夜市").district.name == "大学城商圈"
    assert all(p.sources.exists() for p in Place.objects.all()), "every real place carries its source"


def test_unknown_facts_stay_empty(loaded):
    ikea = Place.objects.get(name="宜家家居（中北）")
    assert ikea.latitude is None and ikea.opened_on is None and ikea.address == ""


def test_bootstrap_twice_creates_nothing_new_and_keeps_office_edits(loaded):
    place = Place.objects.get(name="迪麦广场")
    place.address = "区商务局核实的地址"
    place.save()
    before = AuditEvent.objects.count()
    assert do_load_places() == []
    assert AuditEvent.objects.count() == before
    assert Place.objects.get(name="迪麦广场").address == "区商务局核实的地址"


def test_a_bad_places_file_writes_nothing(db):
    data = {"place": [{"name": "甲", "kind": "district"}, {"name": "乙", "kind": "castle"}]}
    with pytest.raises(ActionRefused, match="类型无效"):
        do_load_places(data)
    assert not Place.objects.exists()


def test_geojson_lists_published_places_in_lon_lat_order_and_null_geometry_when_unknown(client, loaded):
    Place.objects.filter(name="山姆会员店").update(is_published=False)
    body = client.get("/api/places/geojson").json()
    assert body["type"] == "FeatureCollection"
    by_name = {f["properties"]["name"]: f for f in body["features"]}
    assert "山姆会员店" not in by_name
    assert by_name["天津南站"]["geometry"] == {"type": "Point", "coordinates": [117.055, 39.05583]}
    assert by_name["迪麦广场"]["geometry"] is None
    assert by_name["天津南站"]["properties"]["district"] == "南站商圈"
    located = client.get("/api/places/geojson?located=true").json()["features"]
    assert {f["properties"]["name"] for f in located} == set(
        Place.objects.published().located().values_list("name", flat=True)) >= {"天津南站", "大学城商圈"}


def test_map_plots_only_places_with_coordinates_shifted_to_the_boundary_system(loaded):
    points = views.map_points(Place.objects.all())
    assert {p["name"] for p in points} == set(Place.objects.located().values_list("name", flat=True))
    lon, lat = next(p for p in points if p["name"] == "天津南站")["value"]
    shift = geo.haversine_m(39.05583, 117.055, lat, lon)
    assert 100 < shift < 1000, "GCJ-02 moves points in Tianjin by a few hundred metres"


def test_map_page_lists_districts_and_hides_internal_notes_and_unpublished_places(client, loaded):
    Place.objects.filter(name="山姆会员店").update(is_published=False)
    html = client.get("/places/").content.decode()
    for name in PLAN_DISTRICTS:
        assert name in html
    assert "山姆会员店" not in html
    for note in Place.objects.exclude(internal_note="").values_list("internal_note", flat=True):
        assert note not in html
    data = json.loads(html.split('id="place-map-data" type="application/json">')[1].split("</script>")[0])
    located = set(Place.objects.published().located().exclude(kind=PlaceKind.SERVICE_POINT)
                  .values_list("name", flat=True))
    assert {p["name"] for p in data["points"]} == located and "山姆会员店" not in located and len(located) >= 10


def test_place_detail_hides_internal_note_and_unpublished_place_is_404(client, loaded):
    ikea = Place.objects.get(name="宜家家居（中北）")
    html = client.get(ikea.get_absolute_url()).content.decode()
    assert "宜家家居（中北）" in html and ikea.internal_note not in html
    Place.objects.filter(pk=ikea.pk).update(is_published=False)
    assert client.get(ikea.get_absolute_url()).status_code == 404


def test_map_page_without_boundary_file_says_so_in_chinese_and_still_has_points(client, loaded, monkeypatch):
    monkeypatch.setattr(geo, "BOUNDARY_STATIC", "vendor/geo/missing.geojson")
    html = client.get("/places/").content.decode()
    assert "未找到行政区划边界数据" in html
    assert '"boundaryUrl": ""' in html and "天津南站" in html


def test_boundary_data_covers_xiqing_when_installed():
    path = geo.finders.find(geo.BOUNDARY_STATIC)
    if path is None:
        pytest.fail(f"边界数据未安装：{geo.BOUNDARY_STATIC}（make setup 复制）")
    data = json.loads(open(path, encoding="utf-8").read())
    xiqing = [f for f in data["features"] if f["properties"]["name"] == "西青区"]
    assert len(xiqing) == 1
    ring = xiqing[0]["geometry"]["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    # the district centroid from the reference (39.14111 N, 117.00889 E) lies inside the polygon's box
    assert min(lons) < 117.00889 < max(lons) and min(lats) < 39.14111 < max(lats)


def test_haversine_of_one_degree_of_latitude_is_about_111_km():
    assert abs(geo.haversine_m(39.0, 117.0, 40.0, 117.0) - 111_195) < 50


def test_geojson_is_served_as_application_geo_json(client, db):
    """RFC 7946 §12 registers application/geo+json; clients that sniff the type need it."""
    import json

    response = client.get("/api/places/geojson")
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == "application/geo+json"
    assert json.loads(response.content)["type"] == "FeatureCollection"


def test_place_page_shows_the_sources_confidence_in_words(client, loaded):
    station = Place.objects.get(name="天津南站")
    graded = station.sources.exclude(confidence="").first()
    graded.confidence = "medium-high"
    graded.save()
    html = client.get(station.get_absolute_url()).content.decode()
    assert "可信度：中高" in html and "medium" not in html
