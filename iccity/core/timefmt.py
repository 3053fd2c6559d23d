"""How times are written. Two helpers, one per audience, and both in the platform's zone (Asia/Shanghai), so a
document, a page and a file name never disagree about the day or the hour:

- documents (公文, notices, Word and Excel titles): Chinese, Arabic numerals without zero padding, as GB/T 9704-2012
  §7.3.5.4 asks for dates of issue: "2026年11月6日", "2026年11月6日 14:05";
- screens (tables, API-facing text): compact and sortable: "2026-11-06", "2026-11-06 14:05";
- file names: "20261106-1405", also local time.
"""
from __future__ import annotations

import datetime as dt

from django.utils import timezone


def local(moment: dt.datetime) -> dt.datetime:
    """An aware moment in the platform's zone; a naive one is taken to be local already."""
    if timezone.is_naive(moment):
        return moment
    return timezone.localtime(moment, timezone.get_default_timezone())


def _day(value: dt.date | dt.datetime) -> dt.date:
    return local(value).date() if isinstance(value, dt.datetime) else value


def doc_date(value: dt.date | dt.datetime) -> str:
    """2026年11月6日: for documents (no zero padding; GB/T 9704-2012 §7.3.5.4)."""
    day = _day(value)
    return f"{day.year}年{day.month}月{day.day}日"


def doc_datetime(moment: dt.datetime) -> str:
    """2026年11月6日 14:05 (local time)."""
    m = local(moment)
    return f"{doc_date(m.date())} {m:%H:%M}"


def doc_month(value: dt.date) -> str:
    """2026年11月."""
    return f"{value.year}年{value.month}月"


def screen_date(value: dt.date | dt.datetime) -> str:
    """2026-11-06: for pages and tables."""
    return f"{_day(value):%Y-%m-%d}"


def screen_datetime(moment: dt.datetime) -> str:
    """2026-11-06 14:05 (local time)."""
    return f"{local(moment):%Y-%m-%d %H:%M}"


def file_stamp(moment: dt.datetime) -> str:
    """20261106-1405 (local time), for file names."""
    return f"{local(moment):%Y%m%d-%H%M}"
