"""State changes of the events app: each a do_* function, one transaction, with an audit record.

Every change a calendar subscriber would notice raises the occurrence's SEQUENCE (or the event's revision, which
counts for all its occurrences); a cancellation keeps the row so the feed can publish STATUS:CANCELLED.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from iccity.core import clock, policy
from iccity.core.actions import ActionRefused, record_audit

from .lunar import check_rule
from .models import DateRule, Event, EventKind, Occurrence

# Fields whose change a subscriber sees in the feed (SUMMARY, LOCATION, DESCRIPTION, dates, times).
MATERIAL_EVENT_FIELDS = ("name", "kind", "venue", "description", "start_time", "date_rule", "start_month", "start_day",
                         "start_leap", "end_month", "end_day", "end_leap", "is_published")
EVENT_FIELDS = MATERIAL_EVENT_FIELDS + ("organiser", "organiser_text", "task_key", "internal_note", "sources")


def _snapshot(obj, names) -> dict:
    out = {}
    for name in names:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        out[name] = value if isinstance(value, (int, bool, type(None))) else str(value)
    return out


def _check_event(event: Event) -> None:
    if not (event.name or "").strip():
        raise ActionRefused("活动名称不能为空。")
    if event.kind not in EventKind.values:
        raise ActionRefused(f"活动类别无效：{event.kind}")
    if event.date_rule not in DateRule.values:
        raise ActionRefused(f"日期规则无效：{event.date_rule}")
    check_rule(event.date_rule, event.start_month, event.start_day, event.end_month, event.end_day)


def do_save_event(event: Event, *, actor, created: bool, save=None, note: str = "") -> Event:
    """Create or edit an event (admin, loader). A material change raises its revision, hence the SEQUENCE of every
    occurrence in the feed."""
    policy.check_actor(actor, "events.manage_events", event)
    _check_event(event)
    with transaction.atomic():
        before = None
        if not created:
            stored = Event.objects.select_for_update().get(pk=event.pk)
            before = _snapshot(stored, EVENT_FIELDS)
            if _snapshot(stored, MATERIAL_EVENT_FIELDS) != _snapshot(event, MATERIAL_EVENT_FIELDS):
                event.revision = stored.revision + 1
        (save or event.save)()
        record_audit(actor, f"events.event.{'created' if created else 'updated'}", event, before=before,
                     after=_snapshot(event, EVENT_FIELDS), note=note)
    return event


def do_generate_occurrences(event: Event, years, *, actor=None, note: str = "") -> list[Occurrence]:
    """Turn the event's yearly rule into Occurrence rows for ``years``. Safe to run again: an existing row keeps its
    UID; its dates follow a changed rule (SEQUENCE raised) unless it was rescheduled by hand."""
    policy.check_actor(actor, "events.manage_events", event)
    if event.date_rule == DateRule.NONE:
        raise ActionRefused(f"“{event.name}”没有按年重复的日期规则，请逐次录入场次。")
    touched = []
    with transaction.atomic():
        for year in sorted(set(years)):
            if Occurrence.objects.filter(event=event, year=year, from_rule=False).exists():
                continue  # that year's edition was entered with its own dates
            for start, end in event.occurrences(year):
                occ = Occurrence.objects.select_for_update().filter(event=event, year=year, from_rule=True).first()
                if occ is None:
                    occ = Occurrence.objects.create(event=event, year=year, starts_on=start, ends_on=end,
                                                    from_rule=True)
                    record_audit(actor, "events.occurrence.created", occ,
                                 after={"starts_on": str(start), "ends_on": str(end)}, note=note or "按规则生成")
                    touched.append(occ)
                elif not occ.rescheduled and (occ.starts_on, occ.ends_on) != (start, end):
                    before = {"starts_on": str(occ.starts_on), "ends_on": str(occ.ends_on)}
                    occ.starts_on, occ.ends_on, occ.sequence = start, end, occ.sequence + 1
                    occ.save()
                    record_audit(actor, "events.occurrence.regenerated", occ, before=before,
                                 after={"starts_on": str(start), "ends_on": str(end)}, note=note or "规则变化")
                    touched.append(occ)
    return touched


def _check_dates(starts_on: dt.date, ends_on: dt.date) -> None:
    if starts_on is None or ends_on is None:
        raise ActionRefused("请填写开始和结束日期。")
    if ends_on < starts_on:
        raise ActionRefused(f"结束日期（{ends_on}）早于开始日期（{starts_on}）。")


def do_add_occurrence(event: Event, *, starts_on: dt.date, ends_on: dt.date, edition: str = "", confirmed: bool = True,
                      note: str = "", sources: str = "", internal_note: str = "", is_published: bool = True,
                      actor=None, audit_note: str = "") -> Occurrence:
    """A dated edition given by a source (an exhibition's dates, a lantern show's announced opening)."""
    policy.check_actor(actor, "events.manage_events", event)
    _check_dates(starts_on, ends_on)
    with transaction.atomic():
        occ = Occurrence.objects.create(event=event, year=starts_on.year, starts_on=starts_on, ends_on=ends_on,
                                        edition=edition, confirmed=confirmed, note=note, sources=sources,
                                        internal_note=internal_note, is_published=is_published)
        record_audit(actor, "events.occurrence.created", occ,
                     after={"starts_on": str(starts_on), "ends_on": str(ends_on), "edition": edition}, note=audit_note)
    return occ


def do_confirm_occurrence(occ: Occurrence, *, edition: str | None = None, note: str | None = None,
                          sources: str | None = None, actor=None) -> Occurrence:
    """Record that the organiser announced this edition (dates as the rule gave them)."""
    policy.check_actor(actor, "events.manage_events", occ)
    with transaction.atomic():
        occ = Occurrence.objects.select_for_update().get(pk=occ.pk)
        if occ.cancelled_at:
            raise ActionRefused("该场次已取消，不能确认。")
        before = {"confirmed": occ.confirmed, "edition": occ.edition, "note": occ.note}
        occ.confirmed = True
        occ.edition = occ.edition if edition is None else edition
        occ.note = occ.note if note is None else note
        occ.sources = occ.sources if sources is None else sources
        occ.sequence += 1
        occ.save()
        record_audit(actor, "events.occurrence.confirmed", occ, before=before,
                     after={"confirmed": True, "edition": occ.edition, "note": occ.note})
    return occ


def do_annotate_occurrence(occ: Occurrence, *, edition: str | None = None, note: str | None = None,
                           sources: str | None = None, confirmed: bool | None = None, actor=None) -> Occurrence:
    """Edit the public details of an edition (届次, note, sources, whether the dates are announced)."""
    policy.check_actor(actor, "events.manage_events", occ)
    with transaction.atomic():
        occ = Occurrence.objects.select_for_update().get(pk=occ.pk)
        before = {"edition": occ.edition, "note": occ.note, "confirmed": occ.confirmed}
        for name, value in (("edition", edition), ("note", note), ("sources", sources), ("confirmed", confirmed)):
            if value is not None:
                setattr(occ, name, value)
        after = {"edition": occ.edition, "note": occ.note, "confirmed": occ.confirmed}
        if after == before and sources is None:
            return occ
        occ.sequence += 1
        occ.save()
        record_audit(actor, "events.occurrence.updated", occ, before=before, after=after)
    return occ


def do_reschedule_occurrence(occ: Occurrence, *, starts_on: dt.date, ends_on: dt.date, reason: str,
                             actor=None) -> Occurrence:
    policy.check_actor(actor, "events.manage_events", occ)
    _check_dates(starts_on, ends_on)
    if not reason.strip():
        raise ActionRefused("请说明改期原因。")
    with transaction.atomic():
        occ = Occurrence.objects.select_for_update().get(pk=occ.pk)
        if occ.cancelled_at:
            raise ActionRefused("该场次已取消，不能改期。")
        before = {"starts_on": str(occ.starts_on), "ends_on": str(occ.ends_on)}
        occ.starts_on, occ.ends_on = starts_on, ends_on
        occ.rescheduled, occ.sequence = True, occ.sequence + 1
        occ.save()
        record_audit(actor, "events.occurrence.rescheduled", occ, before=before,
                     after={"starts_on": str(starts_on), "ends_on": str(ends_on)}, note=reason)
    return occ


def do_cancel_occurrence(occ: Occurrence, *, reason: str, actor=None) -> Occurrence:
    """Cancel one edition: it stays in the feed as STATUS:CANCELLED with a higher SEQUENCE, never deleted."""
    policy.check_actor(actor, "events.manage_events", occ)
    if not reason.strip():
        raise ActionRefused("请说明取消原因。")
    with transaction.atomic():
        occ = Occurrence.objects.select_for_update().get(pk=occ.pk)
        if occ.cancelled_at:
            raise ActionRefused("该场次已经取消。")
        occ.cancelled_at, occ.cancel_reason = clock.now(), reason.strip()[:200]
        occ.sequence += 1
        occ.save()
        record_audit(actor, "events.occurrence.cancelled", occ, before={"status": "active"},
                     after={"status": "cancelled"}, note=reason)
    return occ
