"""Creating notices. Actions call ``create_notice`` inside their transaction; the ``send-notices`` job delivers
them through the configured channels afterwards, so a slow webhook never holds a transaction open."""
from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q

from iccity.orgs.models import Role

from .models import Channel, Notice, NoticeDelivery, NoticeMode
from .preferences import mode_of, modes_for


DEFAULT_ISSUER = "领导小组办公室"


def issuer_name() -> str:
    """Who signs notices and documents: the leading group's office."""
    from iccity.orgs.models import LeadingGroup

    group = LeadingGroup.objects.order_by("id").first()
    if group is None:
        return DEFAULT_ISSUER
    return group.office_name or f"{group.name}办公室"


UNIT_ROLES = (Role.UNIT_HEAD, Role.LIAISON)


def channels_for(unit_id: int, kind: str) -> list[Channel]:
    """Shared channels: the unit's own and the global ones (not personal ones)."""
    channels = Channel.objects.filter(Q(unit_id=unit_id) | Q(unit__isnull=True), person__isnull=True, active=True)
    return [c for c in channels if not c.kinds or kind in c.kinds]


def personal_deliveries(notice: Notice) -> list[NoticeDelivery]:
    """Deliveries to the personal channels of the unit's heads and liaisons, as each person chose for that channel:
    immediate → pending (the send job), daily digest → held for the digest job, off → none. Two queries."""
    channels = list(Channel.objects.filter(person__roles__unit_id=notice.unit_id, person__roles__role__in=UNIT_ROLES,
                                           active=True).select_related("person").distinct())
    channels = [c for c in channels if not c.kinds or notice.kind in c.kinds]
    if not channels:
        return []
    modes = modes_for({c.person.user_id for c in channels if c.person.user_id})
    deliveries = []
    for channel in channels:
        mode = mode_of(modes, channel.person.user_id, channel.kind, notice.kind)
        if mode == NoticeMode.OFF:
            continue
        state = NoticeDelivery.State.DIGEST if mode == NoticeMode.DIGEST else NoticeDelivery.State.PENDING
        deliveries.append(NoticeDelivery(notice=notice, channel=channel, state=state))
    return deliveries


def create_notice(*, kind: str, unit, title: str, body: str, dedupe_key: str, **links) -> Notice | None:
    """Create a notice once: a second call with the same ``dedupe_key`` (a re-run, or a parallel worker) returns None.

    The savepoint keeps the caller's transaction usable when the insert loses a race on the unique key.
    """
    if Notice.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            notice = Notice.objects.create(kind=kind, unit=unit, title=title, body=body, dedupe_key=dedupe_key, **links)
    except IntegrityError:
        return None
    shared = [NoticeDelivery(notice=notice, channel=c) for c in channels_for(notice.unit_id, kind)]
    NoticeDelivery.objects.bulk_create(shared + personal_deliveries(notice))
    return notice
