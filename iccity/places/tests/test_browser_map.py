"""The map page in Debian's Chromium: the business districts are listed, the boundary map with Xiqing and the
located places is drawn from local files, and no request leaves the local host."""
from __future__ import annotations

import io
from urllib.parse import urlparse

import pytest

from iccity.places.models import Place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LOCAL_HOSTS = {"localhost", "127.0.0.1"}


def test_map_page_shows_the_business_districts_from_local_data(live_server, page):
    from iccity.places.initial_data import load

    load(io.StringIO())
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(urlparse(request.url).hostname or request.url))
    page.goto(live_server.url + "/places/")
    page.locator("#place-map[data-state=boundary]").wait_for(timeout=15000)
    districts = page.locator(".district-list .district").all_inner_texts()
    for name in ("南站商圈", "中北商圈", "杨柳青大运河国家文化公园文旅商圈", "梅江会展中心商圈", "大学城商圈"):
        assert any(name in text for text in districts), name
    assert page.locator("#place-map canvas").count() >= 1
    # ECharts holds the boundary map and the station point that has coordinates
    option = page.evaluate("""() => {
        const o = echarts.getInstanceByDom(document.getElementById('place-map')).getOption();
        return {map: o.geo[0].map, points: o.series[0].data.map(d => d.name)};
    }""")
    located = set(Place.objects.published().located().exclude(kind="service_point").values_list("name", flat=True))
    assert option["map"] == "tianjin" and set(option["points"]) == located and "天津南站" in located
    assert "未知，未标注" in page.locator("#place-table").inner_text()
    outside = sorted({h for h in hosts if h not in LOCAL_HOSTS})
    assert outside == [], f"浏览器请求了外部主机：{outside}"


def _tile_index(lon: float, lat: float, z: int) -> tuple[int, int]:
    import math

    n = 2 ** z
    return (int((lon + 180) / 360 * n),
            int((1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * n))


def test_a_configured_tile_server_draws_tiles_under_the_map(live_server, page, settings):
    from iccity.places.initial_data import load

    load(io.StringIO())
    # tiles from a local address, answered by the browser itself: nothing leaves the machine
    settings.ICCITY_MAP_TILE_URL = live_server.url + "/tiles/{z}/{x}/{y}.png"
    settings.ICCITY_MAP_TILE_ATTRIBUTION = "测试底图"
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360f8cf0000000301010018dd8db00000000049454e44ae426082")
    tiles: list[tuple[int, int, int]] = []

    def serve(route):
        z, x, y = route.request.url.rsplit("/tiles/", 1)[1].removesuffix(".png").split("/")
        tiles.append((int(z), int(x), int(y)))
        route.fulfill(status=200, content_type="image/png", body=png)

    page.route("**/tiles/**", serve)
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(urlparse(request.url).hostname or request.url))
    page.goto(live_server.url + "/places/")
    page.locator("#place-map[data-state=boundary]").wait_for(timeout=15000)
    page.wait_for_function("() => document.querySelectorAll('#place-map canvas').length > 0")
    page.wait_for_timeout(500)
    assert tiles, "no tile was requested"
    zoom = {z for z, _, _ in tiles}
    assert len(zoom) == 1
    z = zoom.pop()
    assert 8 <= z <= 13, z  # a district-sized view
    station_tile = _tile_index(117.055, 39.05583, z)
    assert station_tile in {(x, y) for _, x, y in tiles}
    # the station's marker lies inside the image of its tile (both placed in the boundary data's system)
    placed = page.evaluate("""(name) => {
        const c = echarts.getInstanceByDom(document.getElementById('place-map'));
        const img = c.getOption().graphic[0].elements.find(e => e.style.image.endsWith(name));
        return {box: [img.style.x, img.style.y, img.style.width, img.style.height],
                point: c.convertToPixel({seriesIndex: 0}, c.getOption().series[0].data.find(d => d.name === '天津南站').value)};
    }""", f"/{z}/{station_tile[0]}/{station_tile[1]}.png")
    x, y, w, h = placed["box"]
    assert x <= placed["point"][0] <= x + w and y <= placed["point"][1] <= y + h
    assert "测试底图" in page.content()
    outside = sorted({h for h in hosts if h not in LOCAL_HOSTS})
    assert outside == [], f"浏览器请求了外部主机：{outside}"
