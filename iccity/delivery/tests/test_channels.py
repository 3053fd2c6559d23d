"""Delivery through email, DingTalk and WeCom robots, against a local HTTP server that checks what robots check."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail

from iccity.core import clock
from iccity.delivery.channels import MAX_ATTEMPTS, STALE_AFTER, _claim, backoff, deliver_pending, dingtalk_sign
from iccity.delivery.models import Channel, NoticeDelivery
from iccity.delivery.notify import create_notice
from iccity.orgs.models import Unit

SECRET = "SEC0123456789abcdef-secret"
TOKEN = "tok-abcdef123456"
State = NoticeDelivery.State


class Robot(BaseHTTPRequestHandler):
    """Answers like the real robots: DingTalk checks the signature, WeCom the body; other paths fail on purpose."""

    def do_POST(self):  # noqa: N802 - http.server's naming
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"path": url.path, "query": query, "body": body})
        if url.path == "/slow":
            time.sleep(1.5)
        if url.path == "/500":
            return self._answer(500, {"errcode": -1})
        if url.path == "/ding" and "sign" in query:
            expected = base64.b64encode(hmac.new(SECRET.encode(), f"{query['timestamp']}\n{SECRET}".encode(),
                                                 hashlib.sha256).digest()).decode()
            if query["sign"] != expected:  # parse_qsl already URL-decoded it
                return self._answer(200, {"errcode": 310000, "errmsg": "sign not match"})
        if url.path == "/wecom" and not (body.get("msgtype") == "markdown" and set(body["markdown"]) == {"content"}):
            return self._answer(200, {"errcode": 40008, "errmsg": "invalid message type"})
        if url.path == "/refuse":
            return self._answer(200, {"errcode": 93000, "errmsg": "invalid webhook url"})
        if url.path == "/ding" and set(body.get("markdown", {})) != {"title", "text"}:
            return self._answer(200, {"errcode": 40035, "errmsg": "缺少参数 markdown"})
        time.sleep(self.server.delay)
        self._answer(200, {"errcode": 0, "errmsg": "ok"})

    def _answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def robot():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Robot)
    server.requests, server.delay = [], 0
    server.daemon_threads, server.block_on_close = True, False  # a test never waits for the slow handler
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def unit(db):
    return Unit.objects.create(name="区测试局", unit_type="bureau")


def notify(unit, key="n1", kind="urge"):
    return create_notice(kind=kind, unit=unit, title="催办单：2026年2月进展报告逾期未报送（1项）", dedupe_key=key,
                         body="西青消费督〔2026〕第7号\n区测试局：\n- T1 推进商圈建设（未提交）", document_number="西青消费督〔2026〕第7号")


def test_dingtalk_signed_request_verifies_and_is_marked_sent(robot, unit):
    Channel.objects.create(kind="dingtalk", name="督办群", unit=unit, secret=SECRET,
                           address=f"{robot.base}/ding?access_token={TOKEN}")
    notify(unit)
    summary = deliver_pending()
    assert summary.sent == 1 and summary.failed == 0
    request = robot.requests[0]
    assert request["query"]["access_token"] == TOKEN and request["query"]["timestamp"] == str(int(clock.now().timestamp() * 1000))
    assert request["body"]["msgtype"] == "markdown"
    assert request["body"]["markdown"]["title"].startswith("催办单")
    assert "**西青消费督〔2026〕第7号**" in request["body"]["markdown"]["text"]
    delivery = NoticeDelivery.objects.get()
    assert delivery.state == State.SENT and delivery.attempts == 1 and delivery.sent_at is not None


def test_dingtalk_signature_matches_the_documented_recipe():
    # 钉钉开放平台示例：timestamp + "\n" + secret → HMAC-SHA256 → Base64 → urlEncode
    sign = dingtalk_sign("SECxyz", 1577262236757)
    raw = base64.b64encode(hmac.new(b"SECxyz", b"1577262236757\nSECxyz", hashlib.sha256).digest()).decode()
    assert sign == urllib.parse.quote_plus(raw) and urllib.parse.unquote_plus(sign) == raw


def test_dingtalk_without_secret_sends_no_signature(robot, unit):
    Channel.objects.create(kind="dingtalk", name="督办群", unit=unit, address=f"{robot.base}/ding?access_token={TOKEN}")
    notify(unit)
    assert deliver_pending().sent == 1
    assert set(robot.requests[0]["query"]) == {"access_token"}


def test_wecom_body_has_the_robot_shape(robot, unit):
    Channel.objects.create(kind="wecom", name="企业微信群", unit=unit, address=f"{robot.base}/wecom?key={TOKEN}")
    notify(unit)
    assert deliver_pending().sent == 1
    body = robot.requests[0]["body"]
    assert body["msgtype"] == "markdown" and "### 催办单" in body["markdown"]["content"]
    assert "接收单位：区测试局" in body["markdown"]["content"]


def test_email_goes_to_the_channel_address(unit, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Channel.objects.create(kind="email", name="办公室邮箱", unit=unit, address="dbk@xiqing.example.cn")
    notify(unit)
    assert deliver_pending().sent == 1
    [message] = mail.outbox
    assert message.to == ["dbk@xiqing.example.cn"] and message.subject.startswith("催办单")
    assert "西青消费督〔2026〕第7号" in message.body


def test_global_channels_receive_only_the_kinds_they_ask_for(robot, unit):
    Channel.objects.create(kind="wecom", name="领导小组办公室群", unit=None, kinds=["red"], address=f"{robot.base}/wecom?key=o")
    notify(unit, "n1", kind="urge")
    notify(unit, "n2", kind="red")
    assert deliver_pending().sent == 1
    assert NoticeDelivery.objects.get().notice.kind == "red"


@pytest.mark.parametrize("path,error", [("/500", "HTTP 500"), ("/refuse", "errcode=93000"), ("/slow", "超时")])
def test_failures_are_recorded_without_secrets_and_retried_after_a_pause(robot, unit, path, error, caplog):
    channel = Channel.objects.create(kind="dingtalk", name="督办群", unit=unit, secret=SECRET,
                                     address=f"{robot.base}{path}?access_token={TOKEN}")
    notify(unit)
    now = clock.now()
    summary = deliver_pending(now=now, timeout=0.5)
    assert summary.failed == 1 and summary.sent == 0
    delivery = NoticeDelivery.objects.get()
    assert delivery.state == State.FAILED and delivery.attempts == 1 and error in delivery.last_error
    for secret in (SECRET, TOKEN, channel.address):
        assert secret not in delivery.last_error and secret not in caplog.text
    # not before the pause is over
    assert deliver_pending(now=now + backoff(1) - dt.timedelta(seconds=1)).failed == 0
    assert len(robot.requests) == 1
    # the robot is fixed; the next run after the pause sends it
    Channel.objects.filter(pk=channel.pk).update(address=f"{robot.base}/ding?access_token={TOKEN}")
    assert deliver_pending(now=now + backoff(1)).sent == 1
    delivery.refresh_from_db()
    assert delivery.state == State.SENT and delivery.attempts == 2 and delivery.last_error == ""


def test_a_delivery_gives_up_after_the_last_attempt(robot, unit):
    Channel.objects.create(kind="wecom", name="坏群", unit=unit, address=f"{robot.base}/500?key=k")
    notify(unit)
    now = clock.now()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        summary = deliver_pending(now=now)
        assert summary.failed + summary.given_up == 1
        now += backoff(attempt)
    assert summary.given_up == 1 and "不再重试" in summary.line()
    assert deliver_pending(now=now + dt.timedelta(days=30)).failed == 0
    delivery = NoticeDelivery.objects.get()
    assert delivery.state == State.FAILED and delivery.attempts == MAX_ATTEMPTS and len(robot.requests) == MAX_ATTEMPTS


def test_a_delivery_stuck_in_sending_is_reclaimed_only_after_it_went_stale(robot, unit):
    Channel.objects.create(kind="wecom", name="群", unit=unit, address=f"{robot.base}/wecom?key=k")
    notify(unit)
    now = clock.now()
    NoticeDelivery.objects.update(state=State.SENDING, attempts=1, claimed_at=now - dt.timedelta(minutes=2))
    assert deliver_pending(now=now).sent == 0 and robot.requests == []
    assert deliver_pending(now=now + STALE_AFTER).sent == 1
    delivery = NoticeDelivery.objects.get()
    assert delivery.state == State.SENT and delivery.attempts == 2


def test_of_two_workers_holding_the_same_row_only_one_claims_it(unit):
    Channel.objects.create(kind="wecom", name="群", unit=unit, address="http://127.0.0.1:9/wecom")
    notify(unit)
    seen_by_a = NoticeDelivery.objects.get()
    seen_by_b = NoticeDelivery.objects.get()
    now = clock.now()
    assert _claim(seen_by_a, now) is True
    assert _claim(seen_by_b, now) is False
    assert NoticeDelivery.objects.get().attempts == 1


def test_inactive_channels_and_odd_addresses(robot, unit):
    paused = Channel.objects.create(kind="wecom", name="停用群", unit=unit, address=f"{robot.base}/wecom?key=k")
    Channel.objects.create(kind="wecom", name="文件地址", unit=unit, address="file:///etc/passwd")
    notify(unit)
    Channel.objects.filter(pk=paused.pk).update(active=False)  # switched off after the notice was queued
    summary = deliver_pending()
    assert summary.sent == 0 and summary.failed == 1 and robot.requests == []
    assert "http://" in NoticeDelivery.objects.get(channel__name="文件地址").last_error
    assert NoticeDelivery.objects.get(channel__name="停用群").state == State.PENDING


def test_limit_bounds_one_run(robot, unit):
    Channel.objects.create(kind="wecom", name="群", unit=unit, address=f"{robot.base}/wecom?key=k")
    for n in range(5):
        notify(unit, f"n{n}")
    assert deliver_pending(limit=3).sent == 3
    assert deliver_pending(limit=3).sent == 2
