"""Per-person notice preferences (immediate / daily digest / off per channel) and the daily digest job: sending
respects them, 红色督办 always reaches the person in-app, and the digest goes out once per person, channel and day."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from iccity.core import clock
from iccity.core.actions import ActionRefused, do_create_rule_version
from iccity.core.models import AuditEvent
from iccity.delivery.actions import do_set_notice_preferences
from iccity.delivery.channels import deliver_pending
from iccity.delivery.digest import send_digests
from iccity.delivery.inbox import bell_count
from iccity.delivery.models import Channel, NoticeDelivery, NoticeDigest, NotificationPreference
from iccity.delivery.notify import create_notice
from iccity.delivery.rules import DIGEST, digest_time
from iccity.ops import registry
from iccity.orgs.models import Role

from .conftest import TODAY, make_person, scope_of

State = NoticeDelivery.State


def at(hour: int, minute: int = 0, day: dt.date = TODAY) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def people(cast, django_user_model):
    """Three people of 区商务局 with a personal mailbox each: the reporter (no choice made: immediate), the head
    (email digest) and a second liaison (email off); plus the unit's shared mailbox."""
    cast.third = make_person(django_user_model, "third", Role.LIAISON, unit=cast.lead_unit)
    for user in (cast.reporter, cast.head, cast.third):
        Channel.objects.create(kind="email", name=f"{user.username}的邮箱", address=f"{user.username}@example.cn",
                               person=user.person)
    Channel.objects.create(kind="email", name="单位邮箱", address="unit@example.cn", unit=cast.lead_unit)
    do_set_notice_preferences({"email": "digest"}, scope=scope_of(cast.head))
    do_set_notice_preferences({"email": "off"}, scope=scope_of(cast.third))
    return cast


def notify(cast, key: str, kind: str = "urge"):
    return create_notice(kind=kind, unit=cast.lead_unit, title=f"通知{key}", body="请按时报送", dedupe_key=key)


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_sending_follows_each_persons_preference(people):
    notice = notify(people, "n1")
    states = {d.channel.address: d.state for d in notice.deliveries.select_related("channel")}
    assert states == {"reporter@example.cn": State.PENDING, "head@example.cn": State.DIGEST,
                      "unit@example.cn": State.PENDING}                    # off: no delivery; the shared box as before
    deliver_pending()
    assert recipients() == ["reporter@example.cn", "unit@example.cn"]      # the digest waits for its time


def test_red_supervision_always_counts_in_app(people):
    do_set_notice_preferences({"inapp": "off"}, scope=scope_of(people.reporter))
    before = bell_count(people.reporter)
    notify(people, "u1", kind="urge")
    assert bell_count(people.reporter) == before                           # in-app off: the bell stays quiet
    notify(people, "r1", kind="red")
    assert bell_count(people.reporter) == before + 1                       # ...but not for 红色督办
    do_set_notice_preferences({"inapp": "digest"}, scope=scope_of(people.reporter))
    notify(people, "u2", kind="urge")
    quiet = bell_count(people.reporter)
    with clock.travel(at(18)):
        send_digests()
    assert bell_count(people.reporter) > quiet                             # the in-app digest releases the day's notices


def test_digest_goes_out_once_per_person_channel_and_day(people):
    for key in ("d1", "d2", "d3"):
        notify(people, key)
    time = digest_time(TODAY)
    with clock.travel(at(time.hour, time.minute) - dt.timedelta(minutes=1)):
        assert send_digests().waiting_until is not None and not mail.outbox
    with clock.travel(at(time.hour, time.minute) + dt.timedelta(minutes=5)):
        first = send_digests()
        second = send_digests()
    assert first.sent == 1 and second.sent == 0
    assert recipients() == ["head@example.cn"]
    body = mail.outbox[0].body
    assert all(f"通知{key}" in body for key in ("d1", "d2", "d3")) and "共 3 条" in mail.outbox[0].subject
    digest = NoticeDigest.objects.get(channel_kind="email")
    assert digest.state == NoticeDigest.State.SENT and digest.deliveries.filter(state=State.SENT).count() == 3
    notify(people, "late")                                                 # after the digest: tomorrow's
    with clock.travel(at(20)):
        assert send_digests().sent == 0
    with clock.travel(at(18, day=TODAY + dt.timedelta(days=1))):
        assert send_digests().sent == 1
    assert "通知late" in mail.outbox[-1].body and "通知d1" not in mail.outbox[-1].body


class DownBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise OSError("SMTP 服务器无响应")


def test_a_failed_digest_is_retried_once_and_then_not_again(people, settings):
    notify(people, "f1")
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    with clock.travel(at(18)):
        assert send_digests().failed == 1
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert send_digests().sent == 1
        assert send_digests().sent == 0
    assert recipients() == ["head@example.cn"]
    assert NoticeDigest.objects.get(channel_kind="email").attempts == 2


def test_digest_time_is_a_rule_and_the_job_is_registered(people):
    do_create_rule_version(key=DIGEST, title="每日通知汇总发送时间", value={"time": "08:30"},
                           effective_from=TODAY, source="测试：办公室改为早上汇总")
    with clock.travel(at(8)):
        notify(people, "m1")
    with clock.travel(at(8, 45)):
        assert send_digests().sent == 1
    job = registry.get("delivery.digest")
    assert list(job.argv(clock.now())) == ["delivery", "digest"]


def test_preferences_page_edits_only_ones_own_and_is_audited(client, people):
    client.force_login(people.reporter)
    html = client.get("/delivery/notices/preferences/").content.decode()
    assert "红色督办始终在站内提醒" in html and "reporter的邮箱" in html and "head的邮箱" not in html
    assert f"每天 {digest_time(TODAY):%H:%M}" in html
    response = client.post("/delivery/notices/preferences/", {"email": "digest", "wecom": "off"})
    assert response.status_code == 302
    mine = dict(NotificationPreference.objects.filter(user=people.reporter).values_list("channel", "mode"))
    assert mine == {"email": "digest", "wecom": "off"}
    assert NotificationPreference.objects.get(user=people.head, channel="email").mode == "digest"   # untouched
    event = AuditEvent.objects.filter(action="delivery.notice.preferences_changed").latest("id")
    assert event.actor == people.reporter and event.after["email"] == "digest"
    with pytest.raises(ActionRefused):
        do_set_notice_preferences({"email": "sometimes"}, scope=scope_of(people.reporter))


def _made(notices) -> set:
    return {(n.dedupe_key, n.unit_id, d.channel_id, d.state) for n in notices for d in n.deliveries.all()}


def test_many_notices_at_once_are_delivered_exactly_as_one_at_a_time(people, django_capture_on_commit_callbacks):
    """Dispatch tells every unit at once (create_notices); each notice gets the deliveries create_notice gives it."""
    from django.db import transaction

    from iccity.delivery.notify import NoticeSpec, create_notices

    Channel.objects.create(kind="email", name="协同办联络员", address="co@example.cn", person=people.co_reporter.person,
                           kinds=["red"])
    units = [people.lead_unit, people.co_unit, people.other_unit]
    Channel.objects.create(kind="email", name="全局邮箱", address="all@example.cn")
    Channel.objects.create(kind="email", name="只收红色督办", address="red@example.cn", unit=people.lead_unit,
                           kinds=["red"])
    specs = [NoticeSpec(kind=kind, unit=unit, title=f"通知{i}", body="请按时报送", dedupe_key=f"k{i}-{kind}")
             for i, unit in enumerate(units) for kind in ("urge", "red")]
    with transaction.atomic():
        one_by_one = [create_notice(kind=s.kind, unit=s.unit, title=s.title, body=s.body, dedupe_key=s.dedupe_key)
                      for s in specs]
        expected = _made(one_by_one)
        transaction.set_rollback(True)
    assert any(state == State.DIGEST for *_k, state in expected) and len({k for k, *_ in expected}) == len(specs)
    batch = create_notices(specs + specs[:1])                      # a key twice in one batch: once
    assert _made(batch) == expected
    assert create_notices(specs) == []                              # a re-run creates nothing
