"""The complaint loop in Debian's Chromium, as people walk it: a citizen files a complaint on a phone and gets a
receipt; the bureau's liaison logs in, accepts, mediates and records the agreement; the citizen looks the case up by
receipt number and phone digits and sees the state.

The live server runs in another thread of this process: ``clock.travel`` (a module global) freezes its day too, and
the form's minimum fill time (a module constant) is lowered so the robot is not taken for a bot.
"""
from __future__ import annotations

import pytest

from iccity.core import publicforms as forms
from iccity.complaints.models import Case

from .factories import ID_NUMBER, PHONE, clear_cache, frozen_today, site  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE_SIZE = {"width": 390, "height": 844}


def no_horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_a_complaint_from_phone_to_agreement_and_lookup(site, live_server, page, monkeypatch):
    monkeypatch.setattr(forms, "MIN_FILL_SECONDS", 0)
    page.set_viewport_size(PHONE_SIZE)

    # The citizen files a complaint on a phone.
    page.goto(live_server.url + "/complaints/new/")
    assert no_horizontal_overflow(page) <= 1
    page.check("input[name=case_type][value=complaint]")
    page.select_option("select[name=category]", "catering")
    page.fill("input[name=respondent_name]", "天津市西青区好味道餐馆")
    page.fill("input[name=respondent_address]", "西青区中北镇2号")
    page.fill("input[name=occurred_on]", "2026-05-01")
    page.fill("input[name=amount]", "128.50")
    page.fill("textarea[name=description]", "5月1日在该店用餐，菜品中有异物，要求退款。")
    page.check("input[name=requests][value=退款]")
    page.fill("input[name=person_name]", "王小明")
    page.fill("input[name=person_phone]", PHONE)
    page.select_option("select[name=person_id_type]", "resident_id")
    page.fill("input[name=person_id_number]", ID_NUMBER)
    page.check("input[name=consent_publish]")
    page.click("button.c-submit")
    page.locator(".receipt-number").wait_for()
    receipt = page.locator(".receipt-number").inner_text().strip()
    assert page.locator(".lookup-token").inner_text().strip()
    assert no_horizontal_overflow(page) <= 1
    case = Case.objects.get(receipt_number=receipt)
    assert case.unit == site.bureau and case.state == "forwarded"

    # The bureau's liaison logs in on the unit-staff login page and handles it.
    page.context.clear_cookies()
    page.goto(live_server.url + "/complaints/cases/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "handler")
    page.fill("input[name=password]", "pass-123456")
    page.click("button[type=submit]")
    page.locator(f"#case-list [data-receipt='{receipt}'] a").first.click()
    assert "王小明" in page.locator("#personal-data").inner_text()
    page.click("form[data-target=accepted] button[type=submit]")
    page.locator("text=已办理：已受理").wait_for()
    page.click("form[data-target=mediating] button[type=submit]")
    page.locator("text=已办理：调解中").wait_for()
    agreement = page.locator("form[data-target=mediated_agreement]")
    agreement.locator("textarea[name=note]").fill("经营者当面道歉并退款128.50元")
    agreement.locator("button[type=submit]").click()
    page.locator("text=已办理：调解达成协议").wait_for()
    assert page.locator("#notices li").count() >= 3  # 分送通知书, 受理决定书, 调解通知书, 调解书
    assert no_horizontal_overflow(page) <= 1

    # The citizen looks the case up with the receipt number and the phone's last 4 digits.
    page.context.clear_cookies()
    page.goto(live_server.url + "/complaints/track/")
    page.fill("input[name=receipt_number]", receipt)
    page.fill("input[name=phone_last4]", PHONE[-4:])
    page.click("button.c-submit")
    page.locator("#public-state").wait_for()
    assert page.locator("#public-state").inner_text() == "调解达成协议"
    assert PHONE not in page.content() and ID_NUMBER not in page.content()
    assert no_horizontal_overflow(page) <= 1
