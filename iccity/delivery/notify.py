"""Creating notices. Actions call ``create_notice`` inside their transaction; the ``send-notices`` job delivers
them through the configured channels afterwards, so a slow webhook never holds a transaction open."""
from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q

from .models import Channel, Notice, NoticeDelivery


DEFAULT_ISSUER = "领导小组办公室"


def issuer_name() -> str:
    """Who signs notices and documents: the leading group's office."""
    from iccity.orgs.models import LeadingGroup

    group = LeadingGroup.objects.order_by("id").first()
    if group is None:
        return DEFAULT_ISSUER
    return group.office_name or f"{group.name}办公室"


def channels_for(unit_id: int, kind: str) -> list[Channel]:
    channels = Channel.objects.filter(Q(unit_id=unit_id) | Q(unit__isnull=True), active=True)
    return [c for c in channels if not c.kinds or kind in c.kinds]


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
    NoticeDelivery.objects.bulk_create([NoticeDelivery(notice=notice, channel=c) for c in channels_for(notice.unit_id, kind)])
    return notice
