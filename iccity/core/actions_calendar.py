"""Changes to holiday data (overrides and confirmed years), each in one transaction with an audit record."""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from . import policy
from .actions import record_audit
from .models_calendar import HolidayOverride, HolidayYear


def _override_values(row: HolidayOverride) -> dict:
    return {"date": row.date.isoformat(), "kind": row.kind, "name": row.name, "source": row.source, "note": row.note}


def do_set_holiday_override(
    *, date: dt.date, kind: str, source: str, name: str = "", note: str = "", actor=None
) -> HolidayOverride:
    """Create or replace the override for ``date`` (one row per date). Raises ValidationError for bad input."""
    policy.check_actor(actor, "core.edit_calendar")
    with transaction.atomic():
        row = HolidayOverride.objects.select_for_update().filter(date=date).first()
        before = _override_values(row) if row else None
        row = row or HolidayOverride(date=date)
        row.kind, row.name, row.source, row.note = kind, name, source, note
        row.full_clean()
        row.save()
        record_audit(actor, "core.holidayoverride.created" if before is None else "core.holidayoverride.updated", row,
                     before=before, after=_override_values(row), note="节假日调整")
    return row


def do_delete_holiday_override(row: HolidayOverride, *, actor=None) -> None:
    policy.check_actor(actor, "core.edit_calendar", row)
    with transaction.atomic():
        record_audit(actor, "core.holidayoverride.deleted", row, before=_override_values(row), note="节假日调整")
        row.delete()


def do_confirm_holiday_year(*, year: int, source: str, note: str = "", actor=None) -> HolidayYear:
    """Mark ``year``'s 放假调休安排 as completely entered, so the calendar computes dates in it."""
    policy.check_actor(actor, "core.edit_calendar")
    with transaction.atomic():
        row = HolidayYear.objects.select_for_update().filter(year=year).first()
        before = {"year": row.year, "source": row.source, "note": row.note} if row else None
        row = row or HolidayYear(year=year)
        row.source, row.note = source, note
        row.full_clean()
        row.save()
        record_audit(actor, "core.holidayyear.confirmed", row, before=before,
                     after={"year": row.year, "source": row.source, "note": row.note}, note="节假日数据年份")
    return row


def do_unconfirm_holiday_year(row: HolidayYear, *, actor=None) -> None:
    """Withdraw a confirmation: the calendar refuses the year again (unless the package covers it)."""
    policy.check_actor(actor, "core.edit_calendar", row)
    with transaction.atomic():
        record_audit(actor, "core.holidayyear.unconfirmed", row,
                     before={"year": row.year, "source": row.source, "note": row.note}, note="节假日数据年份")
        row.delete()
