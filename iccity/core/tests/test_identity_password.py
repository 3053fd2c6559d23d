"""Issue 12 item 6: password policy (等保 8.1.4.1 a, ASVS V2.1) with Chinese messages, self-service change for every
user, forced change of the generated initial admin password and of passwords reset by an administrator."""
from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from iccity.core.models import AuditEvent
from iccity.core.models_auth import UserSecurity

pytestmark = pytest.mark.django_db
STRONG = "Lantern-river-7-bridges"


def refusal(password, user=None) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    return " ".join(caught.value.messages)


@pytest.mark.parametrize("weak", [
    "20252025",            # the review's examples
    "xiqing01",
    "xiqing0123456",       # long enough, but the district's name and a sequence
    "2025202520252025",    # a repeated year
    "Qwerty123456!",       # a keyboard walk
    "woaini5201314",       # common Chinese pinyin and number slogan
    "aaaaaaaaaaaaaaaa",
    "password1234",
])
def test_weak_passwords_are_refused_with_a_chinese_reason(weak, django_user_model):
    user = django_user_model(username="zhangwei")
    message = refusal(weak, user)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_short_passwords_are_refused_by_the_rule_length(django_user_model):
    assert "至少需要 12 个字符" in refusal("Kq8#vT2!", django_user_model(username="zhangwei"))


def test_a_password_containing_the_username_is_refused(django_user_model):
    user = django_user_model(username="liuyang")
    assert "账号名称" in refusal("Liuyang-Harbour-93-moon", user)


def test_a_long_unrelated_passphrase_is_accepted(django_user_model):
    validate_password(STRONG, django_user_model(username="zhangwei"))


def test_the_length_comes_from_the_rule(django_user_model):
    import datetime as dt

    from iccity.core.models import Rule

    Rule.objects.create(key="core.password", version=2, title="更长", effective_from=dt.date(2024, 1, 1),
                        value={"min_length": 16, "min_strength": 3, "min_character_classes": 2}, source="测试")
    assert "至少需要 16 个字符" in refusal("Kite-orbit-93-z", django_user_model(username="zhangwei"))


def test_every_user_changes_their_own_password_and_weak_ones_are_refused(client, django_user_model):
    user = django_user_model.objects.create_user("liaison02", password=STRONG)
    client.force_login(user)
    weak = client.post("/accounts/password/", {"old_password": STRONG, "new_password1": "20252025",
                                               "new_password2": "20252025"})
    assert weak.status_code == 200 and "密码太短" in weak.content.decode()
    new = "Pine-cloud-43-ferry-lamp"
    done = client.post("/accounts/password/", {"old_password": STRONG, "new_password1": new, "new_password2": new})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert AuditEvent.objects.filter(action="auth.password.changed", actor=user).count() == 1
    assert client.get("/accounts/").status_code == 200  # this session stays valid


def test_generated_initial_admin_password_must_be_changed_at_first_login(client, settings, tmp_path):
    from iccity.core.management.commands.bootstrap import Command

    settings.VAR_DIR = tmp_path
    Command()._ensure_admin("admin")
    initial = (tmp_path / "initial-admin-password").read_text().strip()
    response = client.post("/accounts/login/", {"username": "admin", "password": initial, "next": "/admin/"})
    assert response.status_code == 302
    for page in ("/admin/", "/delivery/", "/reports/documents/"):
        blocked = client.get(page)
        assert blocked.status_code == 302 and blocked.url.startswith("/accounts/password/"), page
    form = client.get(blocked.url).content.decode()
    assert "必须先设置自己的新密码" in form
    new = "Granary-tide-58-compass"
    done = client.post("/accounts/password/", {"old_password": initial, "new_password1": new, "new_password2": new,
                                               "next": "/admin/"})
    assert done.status_code == 302 and done.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert not UserSecurity.objects.get(user__username="admin").must_change_password


def test_a_password_reset_by_an_administrator_must_be_changed_by_its_owner(client, office_admin, django_user_model):
    user = django_user_model.objects.create_user("liaison03", password=STRONG)
    client.force_login(office_admin)
    reset = "Meadow-signal-72-harbor"
    response = client.post(f"/admin/auth/user/{user.pk}/password/", {"password1": reset, "password2": reset,
                                                                       "usable_password": "true"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.password.reset", object_id=str(user.pk))
    assert event.actor == office_admin
    owner = type(client)()
    owner.post("/accounts/login/", {"username": "liaison03", "password": reset})
    assert owner.get("/delivery/").url.startswith("/accounts/password/")


def test_a_password_older_than_the_rules_maximum_age_must_be_changed(client, django_user_model):
    import datetime as dt

    from django.utils import timezone

    from iccity.core.models import Rule

    user = django_user_model.objects.create_user("liaison04", password=STRONG)
    client.post("/accounts/login/", {"username": "liaison04", "password": STRONG})
    assert client.get("/delivery/").status_code == 200                       # no maximum age by default (ASVS)
    client.post("/accounts/logout/")
    Rule.objects.create(key="core.password", version=2, title="定期更换", effective_from=dt.date(2024, 1, 1),
                        value={"max_age_days": 90}, source="测试")
    UserSecurity.objects.filter(user=user).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    client.post("/accounts/login/", {"username": "liaison04", "password": STRONG})
    assert client.get("/delivery/").url.startswith("/accounts/password/")
