"""HTTP API of the events app (mounted under /api/events/). Published events and editions only."""
from __future__ import annotations

import datetime as dt

from ninja import Router

from .feed import public_occurrences

router = Router(tags=["节庆活动"])


@router.get("/occurrences", summary="公开的活动场次（含已取消）")
def occurrences(request, start: dt.date | None = None, end: dt.date | None = None, kind: str | None = None):
    qs = public_occurrences()
    if start:
        qs = qs.filter(ends_on__gte=start)
    if end:
        qs = qs.filter(starts_on__lte=end)
    if kind:
        qs = qs.filter(event__kind=kind)
    return [{
        "uid": o.uid, "event_id": o.event_id, "name": o.event.name, "kind": o.event.kind,
        "starts_on": o.starts_on.isoformat(), "ends_on": o.ends_on.isoformat(), "edition": o.edition or None,
        "status": o.status, "sequence": o.feed_sequence, "note": o.note or None,
        "venue": o.event.venue.name if o.event.venue and o.event.venue.is_published else None,
        "task_key": o.event.task_key or None, "is_demo": o.is_demo,
    } for o in qs]
