"""Writing the calendar dimension into the data lake (a derived table: rebuilt whenever asked, audited when it
changes). Holiday corrections are made in the core admin (节假日调整), then ``iccity consumption calendar`` or the
next ingestion refreshes this table."""
from __future__ import annotations

import datetime as dt
import uuid

import pyarrow.parquet as pq
from django.db import transaction

from iccity.core import policy
from iccity.core.actions import record_audit

from .. import storage
from ..calendar_dim import calendar_table
from ..ingest_merchants import write_table


def do_ensure_calendar(start: dt.date, end: dt.date, *, actor=None) -> bool:
    """Cover start…end (plus whatever range is covered already). Returns True when the visible file changed."""
    policy.check_actor(actor, "consumption.manage_data")
    with storage.writer_lock():
        current = storage.visible_files("calendar")
        old = pq.read_table(current[0]) if current else None
        if old is not None and old.num_rows:
            dates = old.column("date").to_pylist()
            start, end = min(start, dates[0]), max(end, dates[-1])
        table = calendar_table(start, end)
        if old is not None and old.cast(table.schema).equals(table):
            return False
        target = storage.data_dir() / "calendar" / f"calendar-{uuid.uuid4().hex[:12]}.parquet"
        write_table(table, target, is_demo=False)
        unknown = sum(1 for s in table.column("data_status").to_pylist() if s == "unknown")
        with transaction.atomic():
            record_audit(actor, "consumption.calendar.refreshed", None,
                         after={"start": start.isoformat(), "end": end.isoformat(), "unknown_days": unknown},
                         note="刷新消费分析日历表")
            storage.publish(lambda m: m["files"].__setitem__("calendar", [storage.relative(target)]))
    return True
