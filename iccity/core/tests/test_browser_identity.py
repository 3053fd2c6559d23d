"""The first login of the generated admin account in Debian's Chromium on a 360 px phone screen: password, bind the
authenticator from the page (QR code + secret), replace the initial password, reach the admin; nothing scrolls
sideways and every input has a label."""
from __future__ import annotations

import time

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_360(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= 360")


def unlabelled_inputs(page) -> int:
    return page.evaluate("""[...document.querySelectorAll('main input:not([type=hidden])')]
        .filter(i => !(i.id && document.querySelector(`label[for="${i.id}"]`))).length""")


def test_first_admin_login_binds_totp_and_replaces_the_initial_password(live_server, page, settings, tmp_path):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from iccity.core.management.commands.bootstrap import Command

    settings.VAR_DIR = tmp_path
    settings.ICCITY_OTP_REQUIRED = True
    Command()._ensure_admin("admin")
    initial = (tmp_path / "initial-admin-password").read_text().strip()

    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/admin/")
    assert "/accounts/login/" in page.url and fits_360(page) and unlabelled_inputs(page) == 0
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", initial)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/otp/setup/**")
    assert page.locator(".otp-qr svg").count() == 1 and fits_360(page) and unlabelled_inputs(page) == 0

    device = TOTPDevice.objects.get(user__username="admin")
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    code.time = time.time()
    page.fill("input[name=token]", f"{code.token():06d}")
    page.click("main form.account-form button[type=submit]")
    page.wait_for_url("**/accounts/password/**")
    assert "必须先设置自己的新密码" in page.content() and fits_360(page) and unlabelled_inputs(page) == 0

    page.fill("input[name=old_password]", initial)
    page.fill("input[name=new_password1]", "20252025")
    page.fill("input[name=new_password2]", "20252025")
    page.click("main form.account-form button[type=submit]")
    page.locator(".form-error", has_text="密码太短").first.wait_for()

    page.fill("input[name=old_password]", initial)
    page.fill("input[name=new_password1]", "Granary-tide-58-compass")
    page.fill("input[name=new_password2]", "Granary-tide-58-compass")
    page.click("main form.account-form button[type=submit]")
    page.wait_for_url("**/admin/")
    assert "站点管理" in page.content() or "管理" in page.title()
