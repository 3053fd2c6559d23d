"""The notification centre in Chromium: a liaison marks one notice read in place (htmx) and the header bell follows,
then marks all read; the centre and the preferences page fit a 360 px phone screen."""
from __future__ import annotations

import re

import pytest

from iccity.delivery.models import Notice

from .test_browser_loop import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def bell(page) -> int:
    return int(re.search(r"\((\d+)\)", page.inner_text("#notice-bell")).group(1))


def test_liaison_clears_notices_in_place(cast, cycle, live_server, page):
    Notice.objects.bulk_create([Notice(kind=("urge", "red")[i % 2], unit=cast.lead_unit, title=f"浏览器通知{i}",
                                       body=f"正文{i}", dedupe_key=f"b-{i}") for i in range(25)])
    page.set_viewport_size({"width": 360, "height": 800})
    login(page, live_server, "reporter")
    start = bell(page)
    assert start == Notice.objects.filter(unit=cast.lead_unit).count()
    page.click("#notice-bell")
    page.wait_for_load_state()
    assert page.url.endswith("/delivery/notices/")
    first = page.locator(".notice-line.is-unread").first
    row_id = first.get_attribute("id")
    first.locator("button[type=submit]").click()
    page.wait_for_function(f"() => !document.querySelector('#{row_id}').classList.contains('is-unread')")
    page.wait_for_function(f"() => document.querySelector('#notice-bell').textContent.includes('({start - 1})')")
    assert page.url.endswith("/delivery/notices/")                       # swapped in place, no navigation
    page.click("text=全部标为已读")
    page.wait_for_function("() => document.querySelector('#notice-bell').textContent.includes('(0)')")
    assert "其中 0 条未读" in page.inner_text("#notice-centre")
    for path in ("/delivery/notices/?group=task", "/delivery/notices/preferences/", "/delivery/"):
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} 在手机宽度下横向溢出 {overflow}px"
