"""The public calendar in Debian's Chromium lists the next lantern show, from the real festival data."""
from __future__ import annotations

import datetime as dt
import io
from urllib.parse import urlparse

import pytest

from iccity.core import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LOCAL_HOSTS = {"localhost", "127.0.0.1"}


def test_public_calendar_lists_the_next_lantern_show(live_server, page):
    from iccity.events.initial_data import load

    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(urlparse(request.url).hostname or request.url))
    with clock.travel(dt.date(2026, 11, 27)):  # the live server thread shares the platform clock
        load(io.StringIO())
        page.goto(live_server.url + "/events/")
        row = page.locator("#upcoming tr[data-event='杨柳青灯展']").first
        text = row.inner_text()
    assert "2027-02-06" in text and "2027-02-21" in text and "待确认" in text
    assert page.locator("#feed-link").get_attribute("href") == "/events/calendar.ics"
    outside = sorted({h for h in hosts if h not in LOCAL_HOSTS})
    assert outside == [], f"浏览器请求了外部主机：{outside}"
