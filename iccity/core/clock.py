"""The platform's notion of "now". Everything that judges time (deadlines, cycles, reminders) asks here, so tests
and the demo generator can move the clock (``travel``) without patching Django or the system time."""
from __future__ import annotations

import contextlib
import datetime as dt

from django.utils import timezone

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    return _frozen if _frozen is not None else timezone.now()


def today() -> dt.date:
    return timezone.localtime(now(), timezone.get_default_timezone()).date()


@contextlib.contextmanager
def travel(moment: dt.datetime | dt.date):
    """Run the block as if it were ``moment`` (a date means 09:00 local time that day)."""
    global _frozen
    if isinstance(moment, dt.date) and not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(9, 0))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    previous, _frozen = _frozen, moment
    try:
        yield moment
    finally:
        _frozen = previous
