"""The daily notice digest: notices a person asked to receive "每日汇总" on a personal channel are held
(``NoticeDelivery.State.DIGEST``) and go out once a day as one message per person and channel.

``send_digests`` is the ``delivery.digest`` worker job. It runs often (every 15 minutes) and does nothing before the
digest time of the ``delivery.digest`` rule in force. Each digest has a unique ``dedupe_key`` (channel, person, day):
the row is inserted before anything is sent, so a second run, or a second worker, finds it and sends nothing. A failed
send is retried on later runs (up to ``channels.MAX_ATTEMPTS``). For the in-app channel the digest row is the moment
the bell starts counting the day's notices for people who chose the in-app digest.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from itertools import groupby

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from iccity.core import clock

from . import channels
from .models import NoticeChannel, NoticeDelivery, NoticeDigest, NoticeMode, NotificationPreference
from .rules import digest_time

log = logging.getLogger(__name__)
Held = NoticeDelivery.State.DIGEST


@dataclass
class DigestSummary:
    sent: int = 0
    failed: int = 0
    inapp: int = 0
    waiting_until: dt.datetime | None = None
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        if self.waiting_until is not None:
            return f"每日通知汇总：未到发送时间（{timezone.localtime(self.waiting_until):%H:%M}）"
        return f"每日通知汇总：发送 {self.sent} 条，失败 {self.failed} 条，站内汇总 {self.inapp} 人"


@dataclass
class DigestMessage:
    """Quacks like a Notice for ``channels.SENDERS`` (title, body, unit name, kind label)."""

    title: str
    body: str
    recipient: str
    document_number: str = ""

    @property
    def unit(self):
        return type("Recipient", (), {"name": self.recipient})()

    def get_kind_display(self) -> str:
        return "每日通知汇总"


def digest_cutoff(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    return timezone.make_aware(dt.datetime.combine(local.date(), digest_time(local.date())), local.tzinfo)


def compose(digest: NoticeDigest, deliveries: list[NoticeDelivery], recipient: str) -> DigestMessage:
    lines = [f"{timezone.localtime(d.notice.created_at):%m-%d %H:%M} "
             f"【{d.notice.get_kind_display()}】{d.notice.title}（{d.notice.unit.name}）" for d in deliveries]
    return DigestMessage(title=f"每日通知汇总：{digest.day.year}年{digest.day.month}月{digest.day.day}日 共 {len(deliveries)} 条",
                         body="\n".join(lines) + "\n\n详情请登录 iccity 通知中心查看。", recipient=recipient)


def _open_digest(channel, user_id: int, day: dt.date, ids: list[int]) -> NoticeDigest | None:
    """Insert the day's digest for this channel and attach the held deliveries to it, or None if it exists."""
    key = f"digest:{channel.kind}:{channel.pk}:{user_id}:{day.isoformat()}"
    try:
        with transaction.atomic():
            digest = NoticeDigest.objects.create(user_id=user_id, channel_kind=channel.kind, day=day, dedupe_key=key,
                                                 notice_count=len(ids))
            NoticeDelivery.objects.filter(pk__in=ids, state=Held, digest__isnull=True).update(digest=digest)
    except IntegrityError:
        return None  # already sent today (this run's twin, or an earlier run): the notices wait for tomorrow
    return digest


def _send(digest: NoticeDigest, summary: DigestSummary, timeout: float) -> None:
    deliveries = list(digest.deliveries.select_related("notice__unit", "channel__person").order_by("notice__created_at", "id"))
    if not deliveries:
        return
    channel = deliveries[0].channel
    message = compose(digest, deliveries, channel.person.name if channel.person else "")
    attempts = digest.attempts + 1
    try:
        channels.SENDERS[channel.kind](channel, message, timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - a channel failure is recorded and retried, never fatal to the job
        error = channels.redact(channels.describe(exc), channel)
        NoticeDigest.objects.filter(pk=digest.pk).update(state=NoticeDigest.State.FAILED, attempts=attempts,
                                                         last_error=error[:2000])
        log.warning("每日汇总发送失败：digest=%s channel=%s %s", digest.pk, channel.pk, error)
        summary.failed += 1
        return
    now = clock.now()
    NoticeDigest.objects.filter(pk=digest.pk).update(state=NoticeDigest.State.SENT, attempts=attempts, sent_at=now,
                                                     last_error="")
    digest.deliveries.update(state=NoticeDelivery.State.SENT, sent_at=now, attempts=F("attempts") + 1)
    summary.sent += 1


def send_digests(now: dt.datetime | None = None, *, timeout: float = channels.TIMEOUT) -> DigestSummary:
    now = now or clock.now()
    summary = DigestSummary()
    cutoff = digest_cutoff(now)
    if now < cutoff:
        summary.waiting_until = cutoff
        return summary
    day = timezone.localtime(now).date()

    held = (NoticeDelivery.objects.filter(state=Held, digest__isnull=True, notice__created_at__lte=cutoff,
                                          channel__active=True)
            .select_related("channel__person").order_by("channel_id", "id"))
    to_send = []
    for channel_id, group in groupby(held, key=lambda d: d.channel_id):
        group = list(group)
        channel = group[0].channel
        user_id = channel.person.user_id if channel.person else None
        if user_id is None:  # the account was removed: nobody can have chosen a digest, send as usual
            NoticeDelivery.objects.filter(pk__in=[d.pk for d in group], state=Held).update(state=NoticeDelivery.State.PENDING)
            continue
        digest = _open_digest(channel, user_id, day, [d.pk for d in group])
        if digest is not None:
            to_send.append(digest)
    # earlier failures of today's digests, each claimed by a conditional UPDATE so one worker retries it
    for digest in NoticeDigest.objects.filter(day=day, state=NoticeDigest.State.FAILED,
                                              attempts__lt=channels.MAX_ATTEMPTS).exclude(channel_kind=NoticeChannel.INAPP):
        if NoticeDigest.objects.filter(pk=digest.pk, state=digest.state, attempts=digest.attempts).update(
                state=NoticeDigest.State.SENDING) == 1:
            to_send.append(digest)
    for digest in to_send:
        _send(digest, summary, timeout)

    # in-app: the digest row is when the bell starts counting the day's notices for those who chose it
    users = NotificationPreference.objects.filter(channel=NoticeChannel.INAPP, mode=NoticeMode.DIGEST).values_list("user_id", flat=True)
    rows = [NoticeDigest(user_id=u, channel_kind=NoticeChannel.INAPP, day=day, state=NoticeDigest.State.SENT, sent_at=now,
                         dedupe_key=f"digest:inapp:{u}:{day.isoformat()}") for u in users]
    existing = set(NoticeDigest.objects.filter(dedupe_key__in=[r.dedupe_key for r in rows]).values_list("dedupe_key", flat=True))
    rows = [r for r in rows if r.dedupe_key not in existing]
    NoticeDigest.objects.bulk_create(rows, ignore_conflicts=True)
    summary.inapp = len(rows)
    return summary
