"""Optional OIDC login (government identity provider) against a mocked provider: off unless configured; an existing
account signs in and is audited; a forged token or an unknown person is refused."""
from __future__ import annotations

import time
from unittest import mock
from urllib.parse import parse_qs, urlparse

import jwt
import pytest

from iccity.core.models import AuditEvent

pytestmark = pytest.mark.django_db
SECRET = "provider-shared-secret-for-tests-only"


@pytest.fixture
def oidc(settings):
    settings.ICCITY_OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "iccity.core.oidc.GovernmentOIDCBackend"]
    settings.OIDC_RP_CLIENT_ID = "iccity"
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example.gov.cn/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example.gov.cn/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example.gov.cn/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://idp.example.gov.cn/jwks"
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_RP_SCOPES = "openid profile"
    settings.OIDC_CREATE_USER = False
    settings.OIDC_USERNAME_CLAIM = "preferred_username"
    settings.OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
    settings.LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?oidc=failed"


def provider(username: str, nonce: str, key: str = SECRET):
    """Mocks of the token and userinfo endpoints; the id_token is signed with ``key``."""
    id_token = jwt.encode({"iss": "https://idp.example.gov.cn", "aud": "iccity", "sub": "gov-123", "nonce": nonce,
                           "exp": int(time.time()) + 300, "preferred_username": username}, key, algorithm="HS256")
    token = mock.Mock(status_code=200, json=lambda: {"id_token": id_token, "access_token": "at"})
    token.raise_for_status = lambda: None
    userinfo = mock.Mock(status_code=200, headers={"content-type": "application/json"},
                         json=lambda: {"sub": "gov-123", "preferred_username": username})
    userinfo.raise_for_status = lambda: None
    return (mock.patch("mozilla_django_oidc.auth.requests.post", return_value=token),
            mock.patch("mozilla_django_oidc.auth.requests.get", return_value=userinfo))


def start(client):
    response = client.get("/accounts/oidc/start/")
    assert response.status_code == 302 and response.url.startswith("https://idp.example.gov.cn/authorize")
    query = parse_qs(urlparse(response.url).query)
    return query["state"][0], query["nonce"][0]


def test_oidc_is_off_unless_configured(client):
    assert client.get("/accounts/oidc/start/").status_code == 404
    assert "统一身份认证" not in client.get("/accounts/login/").content.decode()


def test_an_existing_account_signs_in_through_the_provider(client, oidc, django_user_model):
    user = django_user_model.objects.create_user("zhangwei", password="Orchard-vapor-61-lime")
    assert "使用政务统一身份认证登录" in client.get("/accounts/login/").content.decode()
    state, nonce = start(client)
    post, get = provider("zhangwei", nonce)
    with post, get:
        response = client.get("/accounts/oidc/callback/", {"code": "c0de", "state": state})
    assert response.status_code == 302 and not response.url.startswith("/accounts/login/")
    assert client.get("/accounts/").status_code == 200
    assert AuditEvent.objects.get(action="auth.login", actor=user).after["method"] == "oidc"


def test_a_token_not_signed_by_the_provider_is_refused(client, oidc, django_user_model):
    django_user_model.objects.create_user("zhangwei", password="Orchard-vapor-61-lime")
    state, nonce = start(client)
    post, get = provider("zhangwei", nonce, key="attacker-key-attacker-key-attacker")
    with post, get:
        response = client.get("/accounts/oidc/callback/", {"code": "c0de", "state": state})
    assert response.status_code == 400  # SuspiciousOperation("JWS token verification failed")
    assert client.get("/accounts/").status_code == 302


def test_a_person_without_an_iccity_account_is_not_created(client, oidc, django_user_model):
    state, nonce = start(client)
    post, get = provider("stranger", nonce)
    with post, get:
        response = client.get("/accounts/oidc/callback/", {"code": "c0de", "state": state})
    assert response.url == "/accounts/login/?oidc=failed"
    assert not django_user_model.objects.filter(username="stranger").exists()
    assert AuditEvent.objects.filter(action="auth.login_failed").exists()


def test_staff_signing_in_through_the_provider_still_need_totp(client, oidc, settings, django_user_model):
    settings.ICCITY_OTP_REQUIRED = True
    django_user_model.objects.create_user("chief", password="Orchard-vapor-61-lime", is_staff=True)
    state, nonce = start(client)
    post, get = provider("chief", nonce)
    with post, get:
        client.get("/accounts/oidc/callback/", {"code": "c0de", "state": state})
    assert client.get("/admin/").url.startswith("/accounts/otp/setup/")
