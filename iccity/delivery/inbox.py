"""A person's notices: which ones are theirs, which they have read, and the counts shown in the bell, the home page
and the notification centre. Notices are addressed to units; a person's notices are those of the units they serve as
head or liaison. Read state is per person (``Notice.read_by``): one liaison reading a notice leaves it unread for the
unit head. Every count here is one SQL query over all the person's notices, never a count of a page.
"""
from __future__ import annotations

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When

from iccity.orgs.models import RoleAssignment

from .models import Notice, NoticeChannel, NoticeDigest, NoticeKind, NoticeMode, NotificationPreference
from .notify import UNIT_ROLES
from .preferences import ALWAYS_INAPP

# most urgent first: the order of kind groups in the notification centre and on the home page
KIND_ORDER = [NoticeKind.RED, NoticeKind.SUPERVISE, NoticeKind.URGE, NoticeKind.RETURNED, NoticeKind.DUE_SOON,
              NoticeKind.ACK_DUE, NoticeKind.INFO]
KIND_LABELS = dict(NoticeKind.choices)


def unit_ids_of(user):
    """The units whose notices are the person's, as a subquery (so a count needs no separate role query)."""
    return RoleAssignment.objects.filter(person__user=user, role__in=UNIT_ROLES, unit__isnull=False).values("unit_id")


def notices_of(user, unit_ids=None) -> QuerySet:
    """The person's notices with ``is_read`` (for this person) and ``kind_rank`` annotated."""
    units = unit_ids_of(user) if unit_ids is None else list(unit_ids)
    read = Notice.read_by.through.objects.filter(notice_id=OuterRef("pk"), user_id=user.pk)
    rank = Case(*[When(kind=k, then=Value(i)) for i, k in enumerate(KIND_ORDER)], default=Value(len(KIND_ORDER)),
                output_field=IntegerField())
    return Notice.objects.filter(unit_id__in=units).annotate(is_read=Exists(read), kind_rank=rank)


def unread_of(user, unit_ids=None) -> QuerySet:
    return notices_of(user, unit_ids).filter(is_read=False)


def unread_by_kind(user, unit_ids=None) -> list[dict]:
    """[{kind, label, n}] for the kinds with unread notices, most urgent first (one query)."""
    rows = dict(unread_of(user, unit_ids).order_by().values_list("kind").annotate(n=Count("id")))
    return [{"kind": k.value, "label": k.label, "n": rows[k.value]} for k in KIND_ORDER if rows.get(k.value)]


def bell_count(user) -> int:
    """Unread notices the bell announces, in one query. With the default (immediate) in-app preference that is every
    unread notice of the person's units; with the in-app digest only those up to the latest daily digest; with in-app
    off none; 红色督办 always."""
    inapp = NotificationPreference.objects.filter(user_id=user.pk, channel=NoticeChannel.INAPP)
    last_digest = (NoticeDigest.objects.filter(user_id=user.pk, channel_kind=NoticeChannel.INAPP)
                   .order_by("-sent_at").values("sent_at")[:1])
    announced = (Q(kind__in=ALWAYS_INAPP)
                 | ~Exists(inapp.filter(mode__in=[NoticeMode.DIGEST, NoticeMode.OFF]))
                 | (Exists(inapp.filter(mode=NoticeMode.DIGEST)) & Q(created_at__lte=Subquery(last_digest))))
    read = Notice.read_by.through.objects.filter(notice_id=OuterRef("pk"), user_id=user.pk)
    return Notice.objects.filter(Q(unit_id__in=unit_ids_of(user)), ~Exists(read), announced).count()
