"""The office sets places' coordinates: by clicking the map (one place) or by a CSV file (preview, then all or
nothing); points must lie in Xiqing; every change keeps its source and an audit record with before and after."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from iccity.core.actions import ActionRefused
from iccity.core.models import AuditEvent
from iccity.places import geo
from iccity.places.actions import COORDINATE_FACT, do_set_place_coordinates
from iccity.places.initial_data import load
from iccity.places.models import Place

pytestmark = pytest.mark.django_db

INSIDE = ("39.07126", "117.10558")     # 大学城 metro station, inside the district polygon
OUTSIDE = ("39.90420", "116.40740")    # Beijing: not Xiqing


@pytest.fixture
def loaded():
    load(io.StringIO())


def test_bootstrap_fills_the_sourced_coordinates_and_keeps_unknown_ones_empty(loaded):
    district = Place.objects.get(name="大学城商圈")
    assert (district.latitude, district.longitude) == (Decimal("39.071260"), Decimal("117.105580"))
    assert "luxueyan" in district.sources.get(fact=COORDINATE_FACT).url
    assert not Place.objects.get(name="宜家家居（中北）").has_coordinates  # not found in any source
    before = Place.objects.located().count()
    load(io.StringIO())  # safe twice: nothing changes
    assert Place.objects.located().count() == before >= 11


def test_the_xiqing_check_uses_the_district_polygon_when_the_boundary_is_installed():
    assert geo.xiqing_check() == "polygon"
    assert geo.inside_xiqing(39.05583, 117.05500) and not geo.inside_xiqing(39.9042, 116.4074)
    # inside the reference bounding box, yet outside the polygon (north-east corner of the box)
    assert not geo.inside_xiqing(39.17, 117.33)


def test_without_the_boundary_file_the_reference_bounding_box_is_used(settings, monkeypatch):
    monkeypatch.setattr(geo, "BOUNDARY_STATIC", "vendor/geo/missing.geojson")
    assert geo.xiqing_check() == "bbox"
    assert geo.inside_xiqing(39.17, 117.33) and not geo.inside_xiqing(39.9042, 116.4074)


def test_only_the_office_may_open_or_post_the_coordinate_pages(client, loaded, django_user_model):
    place = Place.objects.get(name="宜家家居（中北）")
    urls = [reverse("places:coordinates"), reverse("places:import_coordinates")]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    assert 'id="set-coordinates-link"' not in client.get(reverse("places:map")).content.decode()
    client.force_login(django_user_model.objects.create_user("clerk"))
    for url in urls:
        assert client.get(url).status_code == 403
    assert 'id="set-coordinates-link"' not in client.get(reverse("places:map")).content.decode()
    response = client.post(reverse("places:set_coordinates"),
                           {"place": place.pk, "latitude": INSIDE[0], "longitude": INSIDE[1], "source": "x"})
    assert response.status_code == 403
    place.refresh_from_db()
    assert not place.has_coordinates


def test_the_office_sets_a_point_inside_xiqing_with_its_source_and_an_audit(client, loaded, office_admin):
    client.force_login(office_admin)
    assert 'id="set-coordinates-link"' in client.get(reverse("places:map")).content.decode()
    page = client.get(reverse("places:coordinates"))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-pick-source="pick-map-data"' in html and "places/pick.js" in html
    assert "<script>" not in html.split("pick-map-data")[0][-200:]  # no inline script next to the map
    place = Place.objects.get(name="宜家家居（中北）")
    response = client.post(reverse("places:set_coordinates"), {
        "place": place.pk, "latitude": INSIDE[0], "longitude": INSIDE[1], "source": "办公室现场核对 2026-12-03",
        "confidence": "精确点位"})
    assert response.status_code == 302
    place.refresh_from_db()
    assert (place.latitude, place.longitude) == (Decimal(INSIDE[0]), Decimal(INSIDE[1]))
    assert place.sources.get(fact=COORDINATE_FACT).url == "办公室现场核对 2026-12-03"
    event = AuditEvent.objects.filter(action="places.place.coordinates_set", object_id=str(place.pk)).latest("id")
    assert event.before["point"] is None and event.after["point"]["latitude"] == "39.071260"
    assert event.actor == office_admin


def test_a_point_outside_xiqing_or_without_source_is_refused_and_nothing_changes(client, loaded, office_admin):
    client.force_login(office_admin)
    place = Place.objects.get(name="大学城商圈")
    old = (place.latitude, place.longitude)
    response = client.post(reverse("places:set_coordinates"), {
        "place": place.pk, "latitude": OUTSIDE[0], "longitude": OUTSIDE[1], "source": "某网站"})
    assert response.status_code == 400 and "不在西青区范围内" in response.content.decode()
    response = client.post(reverse("places:set_coordinates"),
                           {"place": place.pk, "latitude": INSIDE[0], "longitude": INSIDE[1], "source": ""})
    assert response.status_code == 400 and "请填写坐标来源" in response.content.decode()
    with pytest.raises(ActionRefused, match="经纬度超出范围"):
        do_set_place_coordinates(place, latitude="139.1", longitude="117.1", source="x")
    place.refresh_from_db()
    assert (place.latitude, place.longitude) == old
    assert not AuditEvent.objects.filter(action="places.place.coordinates_set", actor=office_admin).exists()


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("points.csv", text.encode("utf-8"), content_type="text/csv")


def test_a_csv_with_bad_rows_is_previewed_with_chinese_errors_and_writes_nothing(client, loaded, office_admin):
    client.force_login(office_admin)
    ikea = Place.objects.get(name="宜家家居（中北）")
    text = ("name,lon,lat,source\n"
            f"宜家家居（中北）,{INSIDE[1]},{INSIDE[0]},核对\n"       # fine
            f"不存在的场所,{INSIDE[1]},{INSIDE[0]},核对\n"           # unknown place
            f"101汽车广场,{OUTSIDE[1]},{OUTSIDE[0]},核对\n"          # outside Xiqing
            "西青万达广场,abc,39.1,核对\n"                            # not a number
            f"宜家家居（中北）,{INSIDE[1]},{INSIDE[0]},\n")            # duplicate and no source
    response = client.post(reverse("places:import_coordinates"), {"file": _csv(text)})
    html = response.content.decode()
    assert response.status_code == 200
    for message in ("没有名为“不存在的场所”的场所", "不在西青区范围内", "经度不是数字", "与第2行重复", "请填写坐标来源",
                    "有 4 行有错误"):
        assert message in html, message
    assert 'name="payload"' not in html  # no way to apply a file with errors
    ikea.refresh_from_db()
    assert not ikea.has_coordinates
    assert not AuditEvent.objects.filter(action__startswith="places.coordinates").exists()


def test_a_clean_csv_is_previewed_then_applied_whole_with_audit(client, loaded, office_admin):
    client.force_login(office_admin)
    ikea, wanda = Place.objects.get(name="宜家家居（中北）"), Place.objects.get(name="西青万达广场")
    text = ("id,lon,lat,source\n"
            f"{ikea.pk},117.08454,39.14452,曹庄站附近（核对）\n"
            f"{wanda.pk},117.05576,39.05595,南站附近（核对）\n")
    preview = client.post(reverse("places:import_coordinates"), {"file": _csv(text)})
    html = preview.content.decode()
    assert preview.status_code == 200 and "可以导入" in html
    ikea.refresh_from_db()
    assert not ikea.has_coordinates  # the preview writes nothing
    payload = preview.context["payload"]
    assert client.post(reverse("places:import_coordinates"), {"payload": payload}).status_code == 302
    ikea.refresh_from_db(), wanda.refresh_from_db()
    assert (ikea.latitude, wanda.latitude) == (Decimal("39.144520"), Decimal("39.055950"))
    assert wanda.sources.get(fact=COORDINATE_FACT).url == "南站附近（核对）"
    assert AuditEvent.objects.filter(action="places.place.coordinates_set", actor=office_admin).count() == 2
    assert AuditEvent.objects.get(action="places.coordinates.imported").after == {"count": 2}
    forged = client.post(reverse("places:import_coordinates"), {"payload": payload + "x"})
    assert forged.status_code == 302  # a tampered preview is refused, back to the upload form


def test_applying_is_all_or_nothing_when_a_row_fails_inside_the_transaction(loaded, monkeypatch):
    from iccity.places import actions

    ikea, wanda = Place.objects.get(name="宜家家居（中北）"), Place.objects.get(name="西青万达广场")
    data = ("name,lon,lat,source\n宜家家居（中北）,117.08454,39.14452,a\n西青万达广场,117.05576,39.05595,b\n").encode()
    original = actions._apply
    calls = []

    def failing(place, *args, **kwargs):
        calls.append(place.name)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(place, *args, **kwargs)

    monkeypatch.setattr(actions, "_apply", failing)
    with pytest.raises(RuntimeError):
        actions.do_import_place_coordinates(data)
    ikea.refresh_from_db(), wanda.refresh_from_db()
    assert len(calls) == 2 and not ikea.has_coordinates and not wanda.has_coordinates
