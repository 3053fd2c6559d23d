"""Creating notices. Actions call ``create_notice`` inside their transaction; the ``send-notices`` job delivers
them through the configured channels afterwards, so a slow webhook never holds a transaction open."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q

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


@dataclass
class NoticeSpec:
    kind: str
    unit: object
    title: str
    body: str
    dedupe_key: str
    links: dict = field(default_factory=dict)   # task, cycle, report, work_item… the notice is about


def create_notice(*, kind: str, unit, title: str, body: str, dedupe_key: str, **links) -> Notice | None:
    """Create a notice once: a second call with the same ``dedupe_key`` (a re-run, or a parallel worker) returns
    None."""
    made = create_notices([NoticeSpec(kind, unit, title, body, dedupe_key, links)])
    return made[0] if made else None


def create_notices(specs: list[NoticeSpec]) -> list[Notice]:
    """Create the notices whose ``dedupe_key`` is not used yet, with their deliveries, in a fixed number of queries
    however many there are (dispatch tells fifty units at once): the unit's and the global shared channels for the
    notice's kind, and the personal channels of the unit's heads and liaisons as each person chose (immediate →
    pending for the send job, daily digest → held for the digest job, off → none)."""
    used = set(Notice.objects.filter(dedupe_key__in=[s.dedupe_key for s in specs]).values_list("dedupe_key", flat=True))
    fresh, seen = [], set()
    for spec in specs:
        if spec.dedupe_key not in used and spec.dedupe_key not in seen:
            seen.add(spec.dedupe_key)
            fresh.append(spec)
    notices = _insert(fresh)
    if not notices:
        return []
    unit_ids = {n.unit_id for n in notices}
    shared = list(Channel.objects.filter(Q(unit_id__in=unit_ids) | Q(unit__isnull=True), person__isnull=True,
                                         active=True).order_by("pk"))
    NoticeDelivery.objects.bulk_create(_deliveries_for(notices, shared=shared, personal=_personal_channels(unit_ids)))
    return notices


def _insert(specs: list[NoticeSpec]) -> list[Notice]:
    """One insert for a batch. A parallel worker may win a key between the check and the insert (unique
    ``dedupe_key``): then one at a time, each in a savepoint that keeps the caller's transaction usable, and each
    loser is skipped."""
    def build(s: NoticeSpec) -> Notice:
        return Notice(kind=s.kind, unit=s.unit, title=s.title, body=s.body, dedupe_key=s.dedupe_key, **s.links)

    if len(specs) > 1 and connection.features.can_return_rows_from_bulk_insert:
        try:
            with transaction.atomic():
                return Notice.objects.bulk_create([build(s) for s in specs])
        except IntegrityError:
            pass
    made = []
    for spec in specs:
        try:
            with transaction.atomic():
                notice = build(spec)
                notice.save()
        except IntegrityError:
            continue
        made.append(notice)
    return made


def _personal_channels(unit_ids: set) -> dict[int, list[Channel]]:
    """unit id → the active personal channels of its heads and liaisons (one query)."""
    by_unit: dict[int, list[Channel]] = {}
    rows = (Channel.objects.filter(person__roles__unit_id__in=unit_ids, person__roles__role__in=UNIT_ROLES, active=True)
            .annotate(for_unit=F("person__roles__unit_id")).select_related("person").order_by("pk"))
    for channel in rows:
        listed = by_unit.setdefault(channel.for_unit, [])
        if all(c.pk != channel.pk for c in listed):  # head and liaison of one unit: one delivery
            listed.append(channel)
    return by_unit


def _deliveries_for(notices: list[Notice], *, shared: list[Channel],
                    personal: dict[int, list[Channel]]) -> list[NoticeDelivery]:
    """``shared``: unit and global channels (each notice takes its unit's and the global ones for its kind)."""
    wanted = [c for channels in personal.values() for c in channels]
    modes = modes_for({c.person.user_id for c in wanted if c.person.user_id}) if wanted else {}
    deliveries = []
    for notice in notices:
        deliveries += [NoticeDelivery(notice=notice, channel=c) for c in shared
                       if c.unit_id in (None, notice.unit_id) and (not c.kinds or notice.kind in c.kinds)]
        for channel in personal.get(notice.unit_id, []):
            if channel.kinds and notice.kind not in channel.kinds:
                continue
            mode = mode_of(modes, channel.person.user_id, channel.kind, notice.kind)
            if mode == NoticeMode.OFF:
                continue
            state = NoticeDelivery.State.DIGEST if mode == NoticeMode.DIGEST else NoticeDelivery.State.PENDING
            deliveries.append(NoticeDelivery(notice=notice, channel=channel, state=state))
    return deliveries
