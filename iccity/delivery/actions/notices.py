"""Inbox state and notice preferences.

Marking notices read is the reader's own state (per person, ``Notice.read_by``): it goes through actions like
everything else but is not audited, since it changes nothing anyone else relies on. Preferences decide whether 督办
notices reach a person outside the platform, so changing them is audited.
"""
from __future__ import annotations

from django.db import transaction

from iccity.core import clock, policy
from iccity.core.actions import ActionRefused, record_audit

from ..inbox import unread_of
from ..models import Notice, NoticeChannel, NoticeKind, NoticeMode, NotificationPreference
from ..permissions import Scope
from ..preferences import preferences_of


def do_mark_notice_read(notice: Notice, *, scope: Scope) -> None:
    policy.check(scope, "delivery.read_notice", notice)
    notice.read_by.add(scope.user)


@transaction.atomic
def do_mark_notices_read(*, scope: Scope, kind: str | None = None, task_id: int | None = None,
                         no_task: bool = False) -> int:
    """Mark all the person's unread notices read, or those of one kind or one task (a group in the centre).
    Returns how many changed."""
    policy.check(scope, "delivery.read_notice")
    if kind and kind not in NoticeKind.values:
        raise ActionRefused("未知的通知类型")
    unread = unread_of(scope.user, scope.actor.units)
    if kind:
        unread = unread.filter(kind=kind)
    if task_id:
        unread = unread.filter(task_id=task_id)
    elif no_task:
        unread = unread.filter(task__isnull=True)
    ids = list(unread.order_by().values_list("pk", flat=True))
    through = Notice.read_by.through
    through.objects.bulk_create([through(notice_id=pk, user_id=scope.user.pk) for pk in ids], ignore_conflicts=True)
    return len(ids)


@transaction.atomic
def do_set_notice_preferences(choices: dict[str, str], *, scope: Scope) -> dict[str, str]:
    """Set the person's own mode per channel (``{"email": "digest", ...}``); channels not named keep their mode."""
    policy.check(scope, "delivery.set_notice_preferences")
    user = scope.user
    unknown = [c for c in choices if c not in NoticeChannel.values]
    bad = [m for m in choices.values() if m not in NoticeMode.values]
    if unknown or bad:
        raise ActionRefused("通知偏好的渠道或方式无效")
    before = preferences_of(user)
    now = clock.now()
    for channel, mode in choices.items():
        NotificationPreference.objects.update_or_create(user=user, channel=channel,
                                                        defaults={"mode": mode, "updated_at": now})
    after = preferences_of(user)
    if after != before:
        record_audit(user, "delivery.notice.preferences_changed", user, before=before, after=after,
                     note=f"{user.get_username()} 修改通知偏好")
    return after
