"""A visitor answers the questionnaire on a phone (390×844, no horizontal overflow) and the wave's index page then
shows the response and the index. The live server shares the process, so ``clock.travel`` covers it too."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

from iccity.core import publicforms

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE_SIZE = {"width": 390, "height": 844}
LOCAL_HOSTS = {"localhost", "127.0.0.1"}


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_a_phone_submission_updates_the_index_page(wave, live_server, page, monkeypatch):
    monkeypatch.setattr(publicforms, "MIN_FILL_SECONDS", 0)
    from iccity.core.models import Rule
    from iccity.surveys.stuffing import RULE_KEY, params

    # a test runner clicks 17 answers in well under the rule's minimum time per item
    Rule.objects.filter(key=RULE_KEY).update(value={**params(), "min_seconds_per_item": 0})
    outside = []
    page.on("request", lambda r: urlparse(r.url).hostname not in LOCAL_HOSTS and outside.append(r.url))
    page.set_viewport_size(PHONE_SIZE)

    page.goto(f"{live_server.url}/surveys/{wave.code}/")
    row = page.locator("tr[data-area=zhongbei]")
    assert row.locator(".responses").inner_text() == "0" and row.locator(".index").inner_text() == "—"

    page.goto(f"{live_server.url}/surveys/{wave.code}/zhongbei/")
    assert overflow(page) <= 1
    groups = page.locator("fieldset.s-item")
    assert groups.count() == 17
    for i in range(groups.count()):
        # the radios are visually replaced by buttons: click the visible label, as a thumb would
        groups.nth(i).locator("label", has_text="9").first.click()
    groups.nth(16).locator("label.s-dk").click()  # "不清楚" on the last item
    page.click("button.s-submit")
    page.locator("#thanks").wait_for()
    assert overflow(page) <= 1

    page.click("#to-index")
    row = page.locator("tr[data-area=zhongbei]")
    assert row.locator(".responses").inner_text() == "1"
    assert row.locator(".index").inner_text() == "88.9"  # (9−1)/9×100
    assert page.locator("#overall .responses").inner_text() == "1"
    assert overflow(page) <= 1

    page.goto(f"{live_server.url}/surveys/{wave.code}/zhongbei/")
    assert page.locator("#already").is_visible()  # one response per device per wave
    assert outside == []
