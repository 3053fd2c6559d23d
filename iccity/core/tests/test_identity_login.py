"""Issue 12 items 4 and 5: one login and one POST-only logout for everybody; brute force refused, logins audited,
the previous login shown. Each test performs the attack and shows it refused."""
from __future__ import annotations

import pytest

from iccity.core.models import AuditEvent, Rule

pytestmark = pytest.mark.django_db
PASSWORD = "Lantern-river-7-bridges"


@pytest.fixture
def liaison(django_user_model):
    """A unit liaison: no staff flag, which the old /admin/logout/ ignored."""
    return django_user_model.objects.create_user("liaison01", password=PASSWORD)


def login(client, username, password, ip="10.0.0.9", **extra):
    return client.post("/accounts/login/", {"username": username, "password": password, **extra}, REMOTE_ADDR=ip)


def is_signed_in(client) -> bool:
    return client.get("/accounts/").status_code == 200


def test_unit_staff_and_the_office_use_the_same_login_page(client, liaison, office_admin):
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and "登录推进平台" in page.content.decode() and 'name="password"' in page.content.decode()
    response = login(client, "liaison01", PASSWORD)
    assert response.status_code == 302 and response.url == "/"  # then on to the person's desk
    assert is_signed_in(client)


def test_old_login_and_logout_addresses_lead_to_the_single_ones(client):
    assert client.get("/delivery/login/?next=/delivery/").url == "/accounts/login/?next=/delivery/"
    assert client.get("/admin/login/?next=/admin/").url == "/accounts/login/?next=/admin/"
    old_logout = client.post("/admin/logout/")
    assert old_logout.status_code == 307 and old_logout.url == "/accounts/logout/"  # keeps POST, so it still logs out


def test_a_get_request_cannot_log_anyone_out(client, liaison):
    login(client, "liaison01", PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/admin/logout/", follow=True).status_code == 405
    assert is_signed_in(client)  # an <img src=/accounts/logout/> on some page does nothing


def test_non_staff_logout_invalidates_the_session_on_the_server(client, liaison):
    from django.contrib.sessions.models import Session

    login(client, "liaison01", PASSWORD)
    stolen_cookie = client.cookies["sessionid"].value
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert not Session.objects.filter(session_key=stolen_cookie).exists()
    client.cookies["sessionid"] = stolen_cookie  # replaying the old cookie
    assert client.get("/accounts/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout", object_id=str(liaison.pk)).count() == 1


def test_login_and_failure_are_audited_without_the_password(client, liaison):
    login(client, "liaison01", "wrong-password-1", ip="10.1.1.1")
    login(client, "liaison01", PASSWORD, ip="10.1.1.2")
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.after["username"] == "liaison01" and failed.after["ip"] == "10.1.1.1"
    ok = AuditEvent.objects.get(action="auth.login")
    assert ok.actor == liaison and ok.after == {"ip": "10.1.1.2", "method": "password"}
    everything = str(list(AuditEvent.objects.values_list("before", "after", "note")))
    assert "wrong-password-1" not in everything and PASSWORD not in everything


def test_fifty_wrong_passwords_then_the_right_one_is_still_refused(client, liaison):
    statuses = [login(client, "liaison01", f"guess-{i:03d}-aaaa").status_code for i in range(50)]
    assert statuses[:4] == [200] * 4 and set(statuses[5:]) == {429}  # locked at the rule's 5th failure
    response = login(client, "liaison01", PASSWORD)
    assert response.status_code == 429 and "登录已暂时锁定" in response.content.decode()
    assert not is_signed_in(client)
    assert AuditEvent.objects.filter(action="auth.lockout").count() == 1       # one lockout, not one per attempt
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 51  # every refused attempt recorded
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_the_account_lock_holds_from_another_address(client, liaison):
    for i in range(5):
        login(client, "liaison01", f"guess-{i}-bbbbbb", ip="10.2.0.1")
    assert login(client, "liaison01", PASSWORD, ip="10.9.9.9").status_code == 429


def test_one_client_spraying_many_accounts_is_locked(client, liaison, django_user_model):
    for i in range(20):  # one wrong password each on 20 accounts: below the account limit, at the client limit
        login(client, f"someone{i:02d}", "Password-2025!", ip="10.3.0.1")
    assert login(client, "liaison01", PASSWORD, ip="10.3.0.1").status_code == 429
    assert login(client, "liaison01", PASSWORD, ip="10.3.0.2").status_code == 302  # the account itself is fine


def test_lockout_thresholds_come_from_the_rule(client, liaison):
    import datetime as dt

    Rule.objects.create(key="core.login_lockout", version=2, title="更严", effective_from=dt.date(2024, 1, 1),
                        value={"account_failures": 2, "client_failures": 10, "cooloff_minutes": 60}, source="测试")
    login(client, "liaison01", "guess-1-cccccc")
    login(client, "liaison01", "guess-2-cccccc")
    assert login(client, "liaison01", PASSWORD).status_code == 429


def test_the_office_can_unlock_and_the_unlock_is_audited(client, liaison, office_admin):
    for i in range(5):
        login(client, "liaison01", f"guess-{i}-dddddd", ip="10.4.0.1")
    office = type(client)()
    office.force_login(office_admin)
    page = office.get("/accounts/unlock/")
    assert page.status_code == 200 and "liaison01" in page.content.decode()
    assert office.post("/accounts/unlock/", {"username": "liaison01"}).status_code == 302
    assert login(client, "liaison01", PASSWORD, ip="10.4.0.1").status_code == 302
    unlock = AuditEvent.objects.get(action="auth.unlock")
    assert unlock.actor == office_admin and unlock.after["username"] == "liaison01"


def test_unit_staff_cannot_unlock(client, liaison):
    client.force_login(liaison)
    assert client.post("/accounts/unlock/", {"username": "liaison01"}).status_code == 403
    assert not AuditEvent.objects.filter(action="auth.unlock").exists()


def test_the_user_sees_the_time_and_place_of_the_previous_login(client, liaison):
    login(client, "liaison01", PASSWORD, ip="10.5.0.1")
    client.post("/accounts/logout/")
    response = login(client, "liaison01", PASSWORD, ip="10.5.0.2", next="/accounts/")
    page = client.get(response.url).content.decode()
    assert "上次登录" in page and "10.5.0.1" in page  # on the account page
    menu = client.get("/delivery/").content.decode()
    assert 'class="user-menu-last"' in menu and "10.5.0.1" in menu  # and in the user menu on every page
    assert "本次登录" in page and "10.5.0.2" in page


def test_the_unlock_command_releases_the_lock_and_is_audited(client, liaison):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    for i in range(5):
        login(client, "liaison01", f"guess-{i}-eeeeee")
    with pytest.raises(CommandError, match="请指定"):
        call_command("unlock_login")
    call_command("unlock_login", username="liaison01")
    assert login(client, "liaison01", PASSWORD).status_code == 302
    assert AuditEvent.objects.get(action="auth.unlock").actor_label == "系统"


def test_a_sprayer_cannot_reset_the_client_limit_by_logging_into_their_own_account(client, liaison):
    for i in range(19):
        login(client, f"someone{i:02d}", "Password-2025!", ip="10.6.0.1")
    assert login(client, "liaison01", PASSWORD, ip="10.6.0.1").status_code == 302  # their own valid account
    client.post("/accounts/logout/")
    login(client, "someone19", "Password-2025!", ip="10.6.0.1")                     # the 20th failure
    assert login(client, "liaison01", PASSWORD, ip="10.6.0.1").status_code == 429


def test_a_successful_login_forgives_the_accounts_own_typos(client, liaison):
    for i in range(4):
        login(client, "liaison01", f"typo-{i}-ffffff")
    assert login(client, "liaison01", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for i in range(4):
        login(client, "liaison01", f"typo-{i}-gggggg")
    assert login(client, "liaison01", PASSWORD).status_code == 302
