"""The public iCalendar feed (RFC 5545), built with the icalendar package.

icalendar writes CRLF line ends, escapes text and folds lines at 75 octets without splitting a UTF-8 character
(tests parse the raw bytes to prove it). All-day editions use VALUE=DATE with an exclusive DTEND; an edition with a
start time (亮灯 18:00) starts at that moment in UTC and ends at the end of its last day.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event as VEvent, vGeo

from iccity.core import clock

from .models import Occurrence

PRODID = "-//iccity//西青区节庆活动日历//ZH"
LOCAL_TZ = ZoneInfo(getattr(settings, "TIME_ZONE", "Asia/Shanghai") or "Asia/Shanghai")


def public_occurrences():
    return (Occurrence.objects.public().select_related("event", "event__venue")
            .order_by("starts_on", "event__name", "pk"))


def _description(occ: Occurrence) -> str:
    parts = [p for p in (occ.edition, occ.event.description, occ.note) if p]
    if occ.event.start_time:
        parts.append(f"开始时刻：{occ.event.start_time:%H:%M}")
    parts.append(f"日期：{occ.status_label}")
    if occ.cancelled_at and occ.cancel_reason:
        parts.append(f"取消原因：{occ.cancel_reason}")
    return "\n".join(parts)


def vevent(occ: Occurrence, *, stamp: dt.datetime, base_url: str = "") -> VEvent:
    event = occ.event
    ve = VEvent()
    ve.add("uid", occ.uid)
    ve.add("dtstamp", stamp)
    ve.add("sequence", occ.feed_sequence)
    ve.add("summary", event.name)
    if event.start_time:
        start = dt.datetime.combine(occ.starts_on, event.start_time, LOCAL_TZ).astimezone(dt.UTC)
        end = dt.datetime.combine(occ.ends_on + dt.timedelta(days=1), dt.time(0), LOCAL_TZ).astimezone(dt.UTC)
        ve.add("dtstart", start)
        ve.add("dtend", end)
    else:
        ve.add("dtstart", occ.starts_on)
        ve.add("dtend", occ.ends_on + dt.timedelta(days=1))  # exclusive
    ve.add("status", occ.status)
    ve.add("description", _description(occ))
    ve.add("categories", [event.get_kind_display()])
    ve.add("last-modified", occ.updated_at.astimezone(dt.UTC))
    venue = event.venue
    if venue is not None and venue.is_published:
        ve.add("location", "，".join(p for p in (venue.name, venue.address) if p))
        if venue.has_coordinates:
            ve.add("geo", vGeo((float(venue.latitude), float(venue.longitude))))
    if base_url:
        ve.add("url", base_url + event.get_absolute_url())
    return ve


def build_calendar(occurrences=None, *, base_url: str = "") -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "西青区节庆活动")
    cal.add("x-wr-timezone", "Asia/Shanghai")
    stamp = clock.now().astimezone(dt.UTC).replace(microsecond=0)
    for occ in public_occurrences() if occurrences is None else occurrences:
        cal.add_component(vevent(occ, stamp=stamp, base_url=base_url))
    return cal.to_ical()
