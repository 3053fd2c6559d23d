"""deploy/nginx/iccity.conf in front of `iccity serve`: real HTTPS requests through nginx with a throw-away certificate."""
import os
import re
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

from . import servers

CONF = servers.ROOT / "deploy" / "nginx" / "iccity.conf"
PROXY_PARAMS = servers.ROOT / "deploy" / "nginx" / "iccity_proxy_params"
UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def body_limit(text: str) -> int:
    number, unit = re.search(r"^\s*client_max_body_size\s+(\d+)([kmg]?);", text, re.M | re.I).groups()
    return int(number) * UNITS[unit.lower()]


def test_nginx_body_limit_equals_the_largest_upload_limit_of_the_app():
    assert settings.ICCITY_MAX_REQUEST_BODY_BYTES >= settings.ICCITY_MAX_UPLOAD_BYTES
    assert settings.ICCITY_MAX_REQUEST_BODY_BYTES >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert body_limit(CONF.read_text()) == settings.ICCITY_MAX_REQUEST_BODY_BYTES


def render_conf(*, upstream: int, http: int, https: int, cert: Path, key: Path, static_root: Path, logs: Path) -> str:
    """The shipped file with this machine's ports and paths; every substitution must apply (the file and the test
    must not drift apart)."""
    text = CONF.read_text()
    for old, new in [
        ("server 127.0.0.1:8000 ", f"server 127.0.0.1:{upstream} "),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("/etc/ssl/iccity/fullchain.pem", str(cert)),
        ("/etc/ssl/iccity/privkey.pem", str(key)),
        ("/srv/iccity/var/static/", f"{static_root}/"),
        ("/etc/nginx/iccity_proxy_params", str(PROXY_PARAMS)),
        ("/var/log/nginx/", f"{logs}/"),
    ]:
        assert old in text, f"deploy/nginx/iccity.conf no longer contains {old!r}"
        text = text.replace(old, new)
    return text


def start_nginx(tmp: Path, launched, **ports) -> None:
    nginx = servers.need_tool("nginx", "ICCITY_REQUIRE_NGINX")
    prefix = tmp / "nginx"
    logs = prefix / "logs"
    logs.mkdir(parents=True)
    cert, key = servers.self_signed_certificate(prefix)
    site = prefix / "iccity.conf"
    site.write_text(render_conf(cert=cert, key=key, logs=logs, **ports))
    mime = Path("/etc/nginx/mime.types")
    (prefix / "nginx.conf").write_text(f"""
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {logs}/error.log warn;
{"user root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 256; }}
http {{
    {f"include {mime};" if mime.exists() else ""}
    default_type application/octet-stream;
    client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy; fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi; scgi_temp_path {prefix}/scgi;
    access_log {logs}/access.log;
    include {site};
}}
""")
    process = servers.start([nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
                            os.environ.copy(), tmp / "nginx.log")
    launched.append(process)
    servers.wait_http(ports["https"], "/healthz", process=process, tls=True, timeout=30)


def _cookies(headers_list, jar: dict) -> None:
    for value in headers_list:
        cookie = SimpleCookie()
        cookie.load(value)
        jar.update({name: morsel.value for name, morsel in cookie.items()})


class Browser:
    """Just enough of a browser over http.client: cookies, CSRF token, Origin header."""

    def __init__(self, port):
        self.port, self.jar = port, {}

    def __call__(self, method, path, *, form=None, headers=None):
        import http.client
        import ssl

        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30, context=context)
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.jar:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://127.0.0.1:{self.port}",
                         "Referer": f"https://127.0.0.1:{self.port}{path}"})
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        _cookies(response.headers.get_all("Set-Cookie") or [], self.jar)
        result = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        conn.close()
        return result


@pytest.mark.deploy
@pytest.mark.django_db(transaction=True)
def test_https_through_nginx_logs_in_serves_pages_and_refuses_oversized_uploads(production_var, tmp_path, launched,
                                                                                 django_user_model, settings):
    servers.need_tool("nginx", "ICCITY_REQUIRE_NGINX")
    from django.shortcuts import resolve_url

    from iccity.orgs.models import Person, Role, RoleAssignment, Unit, UnitType

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # what the server can check
    # A unit liaison (not staff): signs in with a password alone whatever the second-factor policy for staff is.
    user = django_user_model.objects.create_user("liaison", password="Liaison-pass-2026!")
    unit = Unit.objects.create(name="区商务局", unit_type=UnitType.BUREAU)
    RoleAssignment.objects.create(person=Person.objects.create(user=user, name="联络员", unit=unit),
                                  role=Role.LIAISON, unit=unit)
    login = resolve_url(settings.LOGIN_URL)

    env = servers.production_env(production_var, ICCITY_TRUSTED_PROXIES="127.0.0.1", ICCITY_PROXY_SSL_HEADER="X-Forwarded-Proto")
    serve, upstream = servers.start_serve(env, tmp_path)
    launched.append(serve)
    https, http = servers.free_port(), servers.free_port()
    start_nginx(tmp_path, launched, upstream=upstream, http=http, https=https, static_root=production_var / "static")

    # Plain HTTP is sent to HTTPS.
    status, headers, _ = servers.request(http, "GET", "/delivery/")
    assert status == 301 and headers["location"].startswith("https://")

    browser = Browser(https)
    status, headers, page = browser("GET", login)
    assert status == 200 and "csrftoken" in browser.jar
    assert re.fullmatch(r"[0-9a-f]{32}", headers["x-request-id"]), "nginx's $request_id reaches the app"
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    status, headers, _ = browser("POST", login, form={
        "csrfmiddlewaretoken": token, "username": "liaison", "password": "Liaison-pass-2026!"})
    assert status == 302, "login over HTTPS through nginx (CSRF origin check sees https and the port)"
    path = "/delivery/"
    for _ in range(3):
        status, headers, page = browser("GET", path)
        if status != 302:
            break
        path = headers["location"]
    assert status == 200 and "/login/" not in path and b'name="password"' not in page, "a signed-in page"

    # Hashed static files come from nginx itself, cached for a year, gzip-compressed.
    css = re.search(rb'/static/[^"]+\.[0-9a-f]{12}\.css', browser("GET", "/public/")[2]).group().decode()
    status, headers, _ = browser("GET", css, headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers.get("content-encoding") == "gzip"

    # Evidence downloads are never cached, whatever the answer.
    assert browser("GET", "/delivery/evidence/999999/")[1]["cache-control"] == "private, no-store"
    # Uploaded files are not reachable around the app's permission checks; metrics stay local (and need the token).
    assert browser("GET", "/media/evidence/x.pdf")[0] == 404

    # A body over the limit is refused by nginx (413) from its Content-Length, before gunicorn reads a byte.
    import http.client
    import ssl

    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    conn = http.client.HTTPSConnection("127.0.0.1", https, timeout=30, context=context)
    conn.putrequest("POST", "/plans/upload/")
    conn.putheader("Content-Type", "application/octet-stream")
    conn.putheader("Content-Length", str(settings.ICCITY_MAX_REQUEST_BODY_BYTES + 1))
    conn.endheaders()
    response = conn.getresponse()
    assert response.status == 413
    conn.close()
    time.sleep(0.2)
    assert "/plans/upload/" not in servers.read_log(serve), "the refused upload must not reach the application"
