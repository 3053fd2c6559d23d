"""Issue 12 item 11 (session part, 等保 8.1.4.1 b) and the second factor: idle timeout and absolute lifetime from the
``core.session`` rule; TOTP required for office admins and staff, optional for unit staff."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from iccity.core import middleware_auth
from iccity.core.models import AuditEvent, Rule

pytestmark = pytest.mark.django_db
PASSWORD = "Lantern-river-7-bridges"


@pytest.fixture
def later(monkeypatch):
    """Move the wall clock the session limits run on."""
    offset = {"seconds": 0.0}
    monkeypatch.setattr(middleware_auth, "wall_clock", lambda: time.time() + offset["seconds"])

    def move(**delta):
        offset["seconds"] += dt.timedelta(**delta).total_seconds()
    return move


@pytest.fixture
def liaison(django_user_model):
    return django_user_model.objects.create_user("liaison01", password=PASSWORD)


def test_an_idle_session_expires_by_the_rule(client, liaison, later):
    client.post("/accounts/login/", {"username": "liaison01", "password": PASSWORD})
    later(minutes=29)
    assert client.get("/accounts/").status_code == 200
    later(minutes=29)                                  # active 29 min ago: still within the 30 idle minutes
    assert client.get("/accounts/").status_code == 200
    later(minutes=31)
    response = client.get("/delivery/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    later(minutes=-31)                                 # the session is gone on the server, not just refused now
    assert client.get("/accounts/").status_code == 302
    assert AuditEvent.objects.get(action="auth.session_expired").note.startswith("已闲置超过 30 分钟")


def test_the_idle_limit_comes_from_the_rule(client, liaison, later):
    Rule.objects.create(key="core.session", version=2, title="更短", effective_from=dt.date(2024, 1, 1),
                        value={"idle_minutes": 5, "absolute_hours": 8}, source="测试")
    client.force_login(liaison)
    later(minutes=6)
    assert client.get("/accounts/").status_code == 302


def test_an_active_session_ends_at_the_absolute_lifetime(client, liaison, later):
    client.force_login(liaison)
    for _ in range(35):                                # busy every 20 minutes for 11 h 40 min
        later(minutes=20)
        assert client.get("/accounts/").status_code == 200
    later(minutes=25)                                  # past 12 hours since login, though active 25 min ago
    response = client.get("/accounts/")
    assert response.status_code == 302
    assert "最长有效期" in AuditEvent.objects.get(action="auth.session_expired").note


def test_an_expired_api_session_gets_a_json_401(client, liaison, later):
    client.force_login(liaison)
    later(hours=1)
    response = client.get("/api/units/")
    assert response.status_code == 401 and "超时" in response.json()["detail"]


# ---------------------------------------------------------------- TOTP

@pytest.fixture
def otp_on(settings):
    settings.ICCITY_OTP_REQUIRED = True


def totp_code(device, step_offset: int = 0) -> str:
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + step_offset * device.step
    return f"{totp.token():06d}"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("office2", password=PASSWORD, is_staff=True)


def test_staff_without_totp_cannot_reach_office_pages(client, staff, otp_on):
    client.post("/accounts/login/", {"username": "office2", "password": PASSWORD})
    for page in ("/admin/", "/reports/documents/", "/delivery/overview/"):
        response = client.get(page)
        assert response.status_code == 302 and response.url.startswith("/accounts/otp/setup/"), page
    api = client.get("/api/units/")
    assert api.status_code == 403 and "身份验证器" in api.json()["detail"]


def test_an_office_admin_by_role_needs_totp_too(client, django_user_model, otp_on):
    from iccity.orgs.models import Person, Role, RoleAssignment

    user = django_user_model.objects.create_user("officerole", password=PASSWORD)
    RoleAssignment.objects.create(person=Person.objects.create(user=user, name="王办"), role=Role.OFFICE_ADMIN)
    client.force_login(user)
    assert client.get("/delivery/overview/").url.startswith("/accounts/otp/setup/")


def test_unit_staff_may_work_without_totp(client, liaison, otp_on):
    client.force_login(liaison)
    assert client.get("/delivery/").status_code == 200


def test_enrolment_shows_a_qr_code_and_a_valid_code_opens_the_office_pages(client, staff, otp_on):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(staff)
    page = client.get("/accounts/otp/setup/").content.decode()
    assert "<svg" in page and "otpauth://totp/" in page and "密钥" in page
    device = TOTPDevice.objects.get(user=staff)
    wrong = client.post("/accounts/otp/setup/", {"token": "000000" if totp_code(device) != "000000" else "111111"})
    assert "验证码不正确" in wrong.content.decode()
    hurried = client.post("/accounts/otp/setup/", {"token": totp_code(device)})  # guessing is slowed down
    assert "错误次数过多" in hurried.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - dt.timedelta(minutes=1))
    assert client.post("/accounts/otp/setup/", {"token": totp_code(device), "next": "/admin/"}).url == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.otp.enrolled", actor=staff).exists()
    assert AuditEvent.objects.filter(action="auth.otp.failed", actor=staff).exists()


def test_after_enrolment_the_password_alone_is_not_enough(client, staff, otp_on):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=staff, name="身份验证器", confirmed=True)
    client.post("/accounts/login/", {"username": "office2", "password": PASSWORD})
    assert client.get("/admin/").url.startswith("/accounts/otp/verify/")
    assert "请输入 6 位数字验证码" in client.post("/accounts/otp/verify/", {"token": "12345x"}).content.decode()
    code = totp_code(device)
    assert client.post("/accounts/otp/verify/", {"token": code, "next": "/admin/"}).url == "/admin/"
    assert client.get("/admin/").status_code == 200
    # the same code cannot be replayed in another session
    other = type(client)()
    other.post("/accounts/login/", {"username": "office2", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8")
    replay = other.post("/accounts/otp/verify/", {"token": code})
    assert replay.status_code == 200 and "验证码不正确" in replay.content.decode()
    assert other.get("/admin/").url.startswith("/accounts/otp/verify/")


def test_unit_staff_who_bound_an_authenticator_must_use_it(client, liaison, otp_on):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=liaison, name="身份验证器", confirmed=True)
    client.post("/accounts/login/", {"username": "liaison01", "password": PASSWORD})
    assert client.get("/delivery/").url.startswith("/accounts/otp/verify/")


def test_a_stolen_password_cannot_bind_another_authenticator_or_change_the_password(client, staff, otp_on):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=staff, name="身份验证器", confirmed=True)
    client.post("/accounts/login/", {"username": "office2", "password": PASSWORD})  # the thief knows the password
    assert client.get("/accounts/otp/setup/").url.startswith("/accounts/otp/verify/")
    assert client.post("/accounts/otp/setup/", {"token": "123456"}).url.startswith("/accounts/otp/verify/")
    assert TOTPDevice.objects.filter(user=staff).count() == 1
    stolen = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Thief-orbit-58-kettle",
                                                 "new_password2": "Thief-orbit-58-kettle"})
    assert stolen.status_code == 302 and stolen.url.startswith("/accounts/otp/verify/")
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_removing_an_authenticator_is_audited(client, staff, office_admin):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=staff, name="身份验证器", confirmed=True)
    client.force_login(office_admin)
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not TOTPDevice.objects.exists()
    removed = AuditEvent.objects.get(action="auth.otp.removed")
    assert removed.actor == office_admin and removed.object_id == str(staff.pk)


def test_an_expired_htmx_request_sends_the_whole_page_to_the_login(client, liaison, later):
    client.force_login(liaison)
    later(hours=1)
    response = client.get("/delivery/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/accounts/login/")


def test_the_rule_can_require_totp_for_everybody(client, liaison, otp_on):
    Rule.objects.create(key="core.second_factor", version=2, title="全部", effective_from=dt.date(2024, 1, 1),
                        value={"required_for": "all"}, source="测试")
    client.force_login(liaison)
    assert client.get("/delivery/").url.startswith("/accounts/otp/setup/")
