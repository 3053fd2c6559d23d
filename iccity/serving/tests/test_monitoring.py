import json
import logging

import pytest
from django.core.checks import run_checks
from django.core.management import call_command

from iccity.serving import registry
from iccity.serving.jsonlog import JsonFormatter, request_id_var
from iccity.serving.registry import Result


@pytest.fixture
def extra_check():
    added = []

    def add(name, fn):
        registry.health_check(name)(fn)
        added.append(name)

    yield add
    for name in added:
        registry._checks.pop(name, None)


def test_healthz_reports_every_builtin_check_as_json(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert {"database", "cache", "disk", "media", "holidays"} <= set(body["checks"])
    assert body["checks"]["database"]["status"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")
    assert len(response["X-Request-ID"]) == 32


def test_a_failing_check_added_by_an_app_turns_healthz_503(client, db, extra_check):
    extra_check("jobs", lambda: Result.fail("备份任务超过 2 天未成功"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["jobs"] == {"status": "fail", "message": "备份任务超过 2 天未成功",
                                                 "ms": response.json()["checks"]["jobs"]["ms"]}


def test_a_check_that_raises_fails_without_leaking_the_exception(client, db, extra_check):
    def broken():
        raise RuntimeError("password=hunter2 host=db.internal")

    extra_check("broken", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "hunter2" not in response.content.decode()


def test_a_warning_keeps_the_node_in_the_load_balancer(client, db, extra_check):
    extra_check("soon", lambda: Result.warn("尚未录入明年节假日"))
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "warn"


def test_healthz_fails_when_media_is_not_writable(client, db, settings, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    settings.MEDIA_ROOT = str(blocker / "media")  # a path below a file can never be created
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["media"]["status"] == "fail"


def test_missing_holidays_for_the_current_year_fail_and_next_year_warns_from_november(client, db):
    from iccity.core import clock

    with clock.travel(clock.now().replace(year=2030, month=6)):
        assert client.get("/healthz").json()["checks"]["holidays"]["status"] == "fail"
    with clock.travel(clock.now().replace(year=2026, month=11, day=20)):
        assert client.get("/healthz").json()["checks"]["holidays"]["status"] == "warn"
    with clock.travel(clock.now().replace(year=2026, month=3, day=20)):
        assert client.get("/healthz").json()["checks"]["holidays"]["status"] == "ok"


def test_metrics_are_refused_from_outside_without_the_token(client, db, settings):
    settings.ICCITY_METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    ok = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert ok.status_code == 200


def test_metrics_show_requests_latencies_pending_notices_and_health(client, db):
    client.get("/healthz")
    text = client.get("/metrics").content.decode()
    assert "django_http_requests_latency_seconds_by_view_method" in text
    assert "django_http_responses_total_by_status_total" in text
    assert 'iccity_notice_deliveries{state="pending"} 0.0' in text
    assert 'iccity_health{check="database"} 1.0' in text


def test_pending_notice_gauge_counts_pending_deliveries(client, db):
    from iccity.delivery.models import Channel, Notice, NoticeDelivery
    from iccity.orgs.models import Unit, UnitType

    unit = Unit.objects.create(name="区商务局", unit_type=UnitType.BUREAU)
    notice = Notice.objects.create(kind=Notice._meta.get_field("kind").choices[0][0], unit=unit, title="催办",
                                   body="请报送", dedupe_key="metrics-test")
    channel = Channel.objects.create(kind="email", name="邮箱", unit=unit, address="a@example.org")
    NoticeDelivery.objects.create(notice=notice, channel=channel)
    NoticeDelivery.objects.create(notice=notice, channel=Channel.objects.create(kind="email", name="二", address="b@x.org"),
                                  state=NoticeDelivery.State.SENT)
    text = client.get("/metrics").content.decode()
    assert 'iccity_notice_deliveries{state="pending"} 1.0' in text
    assert 'iccity_notice_deliveries{state="sent"} 1.0' in text


def test_request_id_from_a_trusted_proxy_is_kept_and_others_replaced(client, db, settings):
    import ipaddress

    settings.ICCITY_TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1/32")]
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="abcdef0123456789", REMOTE_ADDR="127.0.0.1")
    assert kept["X-Request-ID"] == "abcdef0123456789"
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="abcdef0123456789", REMOTE_ADDR="10.9.9.9")
    assert replaced["X-Request-ID"] != "abcdef0123456789"
    hostile = client.get("/healthz", HTTP_X_REQUEST_ID="x\n{evil}", REMOTE_ADDR="127.0.0.1")
    assert "\n" not in hostile["X-Request-ID"]


def test_client_address_comes_from_x_real_ip_only_through_a_trusted_proxy(rf, settings):
    import ipaddress

    from iccity.serving.middleware import ProxyMiddleware

    seen = []
    middleware = ProxyMiddleware(lambda request: seen.append(request.META["REMOTE_ADDR"]))
    settings.ICCITY_TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1/32")]
    middleware(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.7"))
    middleware(rf.get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_REAL_IP="203.0.113.7"))
    middleware(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="not-an-ip"))
    assert seen == ["203.0.113.7", "198.51.100.1", "127.0.0.1"]


def test_json_log_lines_carry_the_request_id():
    record = logging.LogRecord("iccity.x", logging.WARNING, __file__, 1, "出错 %s", ("甲",), None)
    token = request_id_var.set("rid-123456")
    try:
        line = JsonFormatter().format(record)
    finally:
        request_id_var.reset(token)
    entry = json.loads(line)
    assert entry["message"] == "出错 甲" and entry["request_id"] == "rid-123456" and entry["level"] == "WARNING"


def test_deploy_check_warns_without_a_shared_cache_when_debug_is_off(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "iccity.serving.W001" in {m.id for m in run_checks(include_deployment_checks=True)}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/6"}}
    assert "iccity.serving.W001" not in {m.id for m in run_checks(include_deployment_checks=True)}
    settings.DEBUG = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "iccity.serving.W001" not in {m.id for m in run_checks(include_deployment_checks=True)}


def test_serve_refuses_to_start_without_collected_static_files_in_production(settings, tmp_path, monkeypatch):
    from django.core.management.base import CommandError

    from iccity.serving.management.commands import serve

    class Manifest:
        manifest_name = "staticfiles.json"

    settings.DEBUG = False
    settings.STATIC_ROOT = str(tmp_path)
    monkeypatch.setattr(serve, "staticfiles_storage", Manifest())
    monkeypatch.setattr(serve.os, "execve", lambda *a: pytest.fail("must not start gunicorn"))
    with pytest.raises(CommandError, match="collectstatic"):
        call_command("serve")
