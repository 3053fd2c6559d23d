"""The consumption dashboard and impact page in Debian's Chromium: charts drawn by the local ECharts, tables folded
away once a chart is there, and no request leaves the local host."""
from __future__ import annotations

from urllib.parse import quote, urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCAL_HOSTS = {"localhost", "127.0.0.1"}


def test_dashboard_and_impact_charts_render_offline(lake, live_server, page, django_user_model):
    django_user_model.objects.create_user("analyst", password="analyst-pass-123")
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(urlparse(request.url).hostname or request.url))
    page.goto(live_server.url + "/consumption/?start=2024-02-01&end=2024-02-29")
    assert "/accounts/login/" in page.url  # the feeds are for signed-in staff
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", "analyst-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url("**/consumption/**")
    for chart in ("district-chart", "hourly-chart", "night-chart", "origin-chart"):
        canvas = page.locator(f"#{chart} canvas").first
        canvas.wait_for(state="visible")
        box = canvas.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 200, chart
    assert page.locator("details.chart-table[open]").count() == 0
    page.goto(live_server.url + "/consumption/impact/?start=2024-02-24&end=2024-02-25&districts="
              + quote("杨柳青大运河国家文化公园文旅商圈"))
    page.locator("#impact-chart canvas").first.wait_for(state="visible")
    assert page.locator("#impact-table tbody tr").count() == 4
    outside = sorted({h for h in hosts if h not in LOCAL_HOSTS})
    assert outside == [], f"浏览器请求了外部主机：{outside}"
