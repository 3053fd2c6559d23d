"""Delivering notices through channels: SMTP email, DingTalk and WeCom group robots.

``deliver_pending`` is what the ``send-notices`` job runs. Several workers may run it at once: each delivery is
claimed with a conditional UPDATE and only the worker whose UPDATE changed the row sends it, so a message goes out
once. Sending happens outside any transaction (a slow webhook never holds a lock). Failures are retried on later runs
with a growing pause, up to ``MAX_ATTEMPTS``. A delivery left in "sending" by a crashed worker is claimed again after
``STALE_AFTER``; that worker may in fact have sent it, so delivery is at-least-once there — a duplicate reminder is
better than a lost 督办单.

Secrets stay secret: webhook URLs carry access tokens and ``Channel.secret`` signs DingTalk requests, so neither is
logged nor stored in ``last_error`` (errors are redacted).
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q

from iccity.core import clock

from .models import Channel, Notice, NoticeDelivery

log = logging.getLogger(__name__)

State = NoticeDelivery.State
MAX_ATTEMPTS = 5
BACKOFF = dt.timedelta(minutes=5)  # pause after the first failure; doubles each time
MAX_BACKOFF = dt.timedelta(hours=6)
STALE_AFTER = dt.timedelta(minutes=10)  # far above TIMEOUT: a live worker is never overtaken
TIMEOUT = 10  # seconds, per HTTP request or SMTP connection
WECOM_MAX_BYTES = 4096  # WeCom refuses longer markdown content


class SendError(Exception):
    """The channel answered, but not with success."""


def backoff(attempts: int) -> dt.timedelta:
    """How long a delivery that failed ``attempts`` times waits before the next try."""
    return min(BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


# -- content --------------------------------------------------------------------------------------------------------

def plain_text(notice: Notice) -> str:
    return f"{notice.body}\n\n（接收单位：{notice.unit.name}；{notice.get_kind_display()}；iccity 督办平台）"


def markdown(notice: Notice) -> str:
    """The notice as robot markdown: both robots need blank lines for line breaks."""
    lines = [f"### {notice.title}"]
    if notice.document_number:
        lines.append(f"**{notice.document_number}**")
    body = notice.body
    if notice.document_number and body.startswith(notice.document_number):
        body = body.split("\n", 1)[1] if "\n" in body else ""  # the number is already shown in bold
    lines += [line for line in body.splitlines() if line.strip()]
    lines.append(f"> 接收单位：{notice.unit.name}（{notice.get_kind_display()}）")
    return "\n\n".join(lines)


def _truncate_bytes(text: str, limit: int) -> str:
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - len("…".encode())].decode(errors="ignore") + "…"


# -- senders --------------------------------------------------------------------------------------------------------

def send_email(channel: Channel, notice: Notice, *, timeout: float = TIMEOUT) -> None:
    """SMTP settings (EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS…) come from Django settings; the address is the recipient."""
    connection = get_connection(timeout=timeout)
    EmailMessage(subject=notice.title, body=plain_text(notice), from_email=settings.DEFAULT_FROM_EMAIL,
                 to=[channel.address], connection=connection).send(fail_silently=False)


def _post_json(url: str, payload: dict, *, timeout: float) -> dict:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise SendError("Webhook 地址必须以 http:// 或 https:// 开头")
    request = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode(), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        raw = response.read()
    try:
        answer = json.loads(raw)
    except ValueError as exc:
        raise SendError(f"机器人返回的不是 JSON：{raw[:200]!r}") from exc
    if not isinstance(answer, dict) or answer.get("errcode") != 0:
        raise SendError(f"机器人返回错误：errcode={answer.get('errcode') if isinstance(answer, dict) else None} "
                        f"errmsg={answer.get('errmsg', '') if isinstance(answer, dict) else answer}")
    return answer


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk "加签": HMAC-SHA256 over "timestamp\\nsecret" keyed with the secret, base64, URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def dingtalk_url(channel: Channel, now: dt.datetime) -> str:
    if not channel.secret:
        return channel.address
    timestamp = int(now.timestamp() * 1000)
    joiner = "&" if "?" in channel.address else "?"
    return f"{channel.address}{joiner}timestamp={timestamp}&sign={dingtalk_sign(channel.secret, timestamp)}"


def send_dingtalk(channel: Channel, notice: Notice, *, timeout: float = TIMEOUT, now: dt.datetime | None = None) -> None:
    payload = {"msgtype": "markdown", "markdown": {"title": notice.title, "text": markdown(notice)}}
    _post_json(dingtalk_url(channel, now or clock.now()), payload, timeout=timeout)


def send_wecom(channel: Channel, notice: Notice, *, timeout: float = TIMEOUT) -> None:
    payload = {"msgtype": "markdown", "markdown": {"content": _truncate_bytes(markdown(notice), WECOM_MAX_BYTES)}}
    _post_json(channel.address, payload, timeout=timeout)


SENDERS = {Channel.Kind.EMAIL: send_email, Channel.Kind.DINGTALK: send_dingtalk, Channel.Kind.WECOM: send_wecom}


def redact(text: str, channel: Channel) -> str:
    """Remove the secret, the webhook address and its query values (tokens, keys) from an error message."""
    secrets = [channel.secret, channel.address]
    secrets += [v for _, v in urllib.parse.parse_qsl(urllib.parse.urlsplit(channel.address).query)]
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        if len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def describe(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc.reason, TimeoutError):
        return f"连接失败：{exc.reason}"
    if isinstance(exc, (TimeoutError, urllib.error.URLError)):
        return "连接超时"
    return f"{type(exc).__name__}：{exc}"


# -- the job --------------------------------------------------------------------------------------------------------

@dataclass
class DeliverySummary:
    sent: int = 0
    failed: int = 0  # failed this run, will be retried
    given_up: int = 0  # failed this run for the last time
    lost_races: int = 0  # claimed by another worker first

    def line(self) -> str:
        text = f"发送通知：成功 {self.sent} 条，失败 {self.failed + self.given_up} 条"
        if self.given_up:
            text += f"（其中 {self.given_up} 条已达 {MAX_ATTEMPTS} 次上限，不再重试）"
        return text


def _due_filter(now: dt.datetime, max_attempts: int) -> Q:
    """Deliveries a worker may claim now: pending ones, failed ones whose pause is over, and abandoned ones."""
    due = Q(state=State.PENDING) | Q(state=State.SENDING, claimed_at__lt=now - STALE_AFTER, attempts__lt=max_attempts)
    for attempts in range(1, max_attempts):
        due |= Q(state=State.FAILED, attempts=attempts, claimed_at__lte=now - backoff(attempts))
    return due


def _claim(delivery: NoticeDelivery, now: dt.datetime) -> bool:
    """Conditional UPDATE on the state we saw: of several workers exactly one changes the row."""
    seen = {"pk": delivery.pk, "state": delivery.state, "attempts": delivery.attempts}
    if delivery.state != State.PENDING:
        seen["claimed_at"] = delivery.claimed_at
    return NoticeDelivery.objects.filter(**seen).update(state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1) == 1


def deliver_pending(limit: int = 100, now: dt.datetime | None = None, *, max_attempts: int = MAX_ATTEMPTS,
                    timeout: float = TIMEOUT) -> DeliverySummary:
    now = now or clock.now()
    summary = DeliverySummary()
    # Abandoned deliveries that used up their attempts are closed, not retried forever.
    NoticeDelivery.objects.filter(state=State.SENDING, claimed_at__lt=now - STALE_AFTER, attempts__gte=max_attempts).update(
        state=State.FAILED, last_error="发送中断（进程可能已退出），且已达重试上限")
    candidates = list(NoticeDelivery.objects.filter(_due_filter(now, max_attempts), channel__active=True)
                      .select_related("notice__unit", "channel").order_by("id")[:limit])
    for delivery in candidates:
        if not _claim(delivery, now):
            summary.lost_races += 1
            continue
        attempts = delivery.attempts + 1
        mine = NoticeDelivery.objects.filter(pk=delivery.pk, state=State.SENDING, claimed_at=now)
        channel = delivery.channel
        try:
            SENDERS[channel.kind](channel, delivery.notice, timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - any failure of a channel is recorded, never fatal to the job
            error = redact(describe(exc), channel)
            mine.update(state=State.FAILED, last_error=error[:2000])
            log.warning("通知发送失败：delivery=%s channel=%s attempt=%s %s", delivery.pk, channel.pk, attempts, error)
            if attempts >= max_attempts:
                summary.given_up += 1
            else:
                summary.failed += 1
            continue
        mine.update(state=State.SENT, sent_at=clock.now(), last_error="")
        summary.sent += 1
    return summary
