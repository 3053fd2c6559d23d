"""Production is the default: check --deploy is clean, HTTP is redirected unless the trusted proxy says HTTPS,
cookies are Secure/HttpOnly/SameSite, every response carries a CSP without inline script, API errors carry no
traceback even with DEBUG on."""
from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ICCITY = Path(__file__).resolve().parents[2]


def _production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ICCITY_", "DJANGO_"))}  # conftest sets DJANGO_ALLOW_ASYNC_UNSAFE
    # A production configuration: secret key, hosts, and the shared cache (without it check --deploy warns W001).
    env.update(ICCITY_SECRET_KEY=secrets.token_urlsafe(48), ICCITY_ALLOWED_HOSTS="example.gov.cn",
               ICCITY_REDIS_URL="redis://127.0.0.1:6379/15", **extra)
    return env


def test_check_deploy_prints_no_warnings_when_debug_is_not_explicitly_on():
    out = subprocess.run([sys.executable, "-m", "iccity", "check", "--deploy"], env=_production_env(ICCITY_DEBUG="0"),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "System check identified no issues" in out.stdout, out.stdout + out.stderr
    assert "WARNING" not in out.stdout + out.stderr


def test_check_deploy_is_also_clean_with_no_debug_variable_at_all():
    out = subprocess.run([sys.executable, "-m", "iccity", "check", "--deploy"], env=_production_env(),
                         capture_output=True, text=True, timeout=120)
    assert "System check identified no issues" in out.stdout, out.stdout + out.stderr


PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.test import Client
c = Client(HTTP_HOST="example.gov.cn")
plain = c.get("/api/openapi.json")
proxied = c.get("/api/openapi.json", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "debug": settings.DEBUG,
    "plain": [plain.status_code, plain.headers.get("Location", "")],
    "proxied": proxied.status_code, "hsts": proxied.headers.get("Strict-Transport-Security", ""),
    "csp": proxied.headers.get("Content-Security-Policy", ""),
    "nosniff": proxied.headers.get("X-Content-Type-Options", ""), "frame": proxied.headers.get("X-Frame-Options", ""),
    "referrer": proxied.headers.get("Referrer-Policy", ""),
    "cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY,
                settings.CSRF_COOKIE_HTTPONLY, settings.SESSION_COOKIE_SAMESITE, settings.CSRF_COOKIE_SAMESITE],
}))
"""


def _probe(**extra) -> dict:
    env = _production_env(DJANGO_SETTINGS_MODULE="iccity.settings", **extra)
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_redirects_http_to_https_and_trusts_only_the_configured_proxy_header():
    seen = _probe(ICCITY_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert seen["debug"] is False
    assert seen["plain"] == [301, "https://example.gov.cn/api/openapi.json"]
    assert seen["proxied"] == 200
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert seen["cookies"] == [True, True, True, True, "Lax", "Lax"]
    assert (seen["nosniff"], seen["frame"], seen["referrer"]) == ("nosniff", "DENY", "same-origin")
    assert "script-src 'self';" in seen["csp"] and "frame-ancestors 'none'" in seen["csp"]


def test_a_forged_forwarded_proto_is_not_trusted_without_the_proxy_setting():
    seen = _probe()
    assert seen["proxied"] == 301  # a client cannot claim HTTPS unless nginx is configured as the trusted proxy


def test_every_response_carries_a_csp_without_inline_script_or_eval(client, db):
    response = client.get("/api/docs")
    policy = response.headers["Content-Security-Policy"]
    script = re.search(r"script-src ([^;]*)", policy)[1]
    assert script == "'self'"
    assert "unsafe-eval" not in policy and "default-src 'self'" in policy


INLINE = re.compile(r"""<script(?![^>]*\bsrc=)(?![^>]*type="application/json")[^>]*>|\son[a-z]+\s*=|javascript:""", re.I)


def test_no_template_has_inline_script_or_event_handlers():
    offenders = []
    for path in ICCITY.rglob("templates/**/*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if INLINE.search(line):
                offenders.append(f"{path.relative_to(ICCITY)}:{number}: {line.strip()}")
    assert offenders == []


def test_api_errors_have_no_traceback_even_with_debug_on(client, db, settings, monkeypatch):
    from iccity.orgs import unit_work

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    settings.DEBUG = True
    monkeypatch.setattr(unit_work, "task_counts", explode)
    response = client.get("/api/units/")
    assert response.status_code == 500
    assert response.json() == {"detail": "服务器内部错误，已记录，请稍后再试或联系管理员。"}
    assert b"Traceback" not in response.content and b"secret internals" not in response.content


@pytest.mark.parametrize("template", ["plans/_version_bar.html", "indicators/catalogue.html"])
def test_auto_submitting_selects_use_the_static_script(template):
    text = next(ICCITY.rglob(f"templates/{template}")).read_text(encoding="utf-8")
    assert "data-autosubmit" in text and "onchange" not in text
