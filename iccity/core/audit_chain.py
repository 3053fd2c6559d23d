"""Tamper evidence for the audit trail (等保 8.1.4.3 c/d: 审计记录应受到保护，避免受到未预期的删除、修改或覆盖).

Every audit row outside demo data carries its position in one chain (``seq``), the hash of the row before it
(``prev_hash``) and ``row_hash`` = SHA-256 over a canonical JSON of its own fields plus ``prev_hash``. Editing a row
breaks its own hash, deleting one leaves a gap in ``seq`` and a ``prev_hash`` that points nowhere, and cutting the
tail leaves the chain head (``AuditChainHead``) ahead of the last row. Appends are serialised on the head row
(``select_for_update`` on PostgreSQL; SQLite's IMMEDIATE transactions already hold the write lock), so two
concurrent actions can never link to the same predecessor.

Demo rows (``is_demo``) stay outside the chain: ``iccity demo --remove`` deletes them by design. Flipping a real row
to demo is still detected (``is_demo`` is hashed and its ``seq`` leaves a gap).

The actor foreign key is not hashed, because deleting a user account sets it to NULL by design; ``actor_label``
(name and username at the time) is hashed instead.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction

GENESIS = "0" * 64
HASHED_FIELDS = ("seq", "created_at", "actor_label", "action", "content_type_id", "object_id", "object_repr",
                 "before", "after", "note", "is_demo", "prev_hash")


def _plain(value):
    """JSON values as a database gives them back: tuples become lists, integral floats ints (PostgreSQL's jsonb
    returns 1e20 as an integer), keys strings."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def canonical(fields: dict, *, from_db: bool = False) -> bytes:
    """The bytes that are hashed: sorted keys, no spaces, UTF-8, time in UTC with microseconds. ``from_db``: the JSON
    values were just decoded from the database, so the encode/decode round trip can be skipped (verify's hot loop)."""
    data = {name: fields.get(name) for name in HASHED_FIELDS}
    created = data["created_at"]
    if isinstance(created, dt.datetime):
        data["created_at"] = created.astimezone(dt.UTC).isoformat(timespec="microseconds")
    for name in ("before", "after"):
        if data[name] is not None:
            data[name] = _plain(data[name] if from_db else json.loads(json.dumps(data[name])))
    data["content_type_id"] = int(data["content_type_id"]) if data["content_type_id"] is not None else None
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def row_hash(fields: dict, *, from_db: bool = False) -> str:
    return hashlib.sha256(canonical(fields, from_db=from_db)).hexdigest()


def append(event) -> None:
    """Link an unsaved AuditEvent to the chain and save it, in the caller's transaction."""
    append_many([event])


def _locked_head():
    from .models import AuditChainHead

    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # a flushed test database; the migration creates it everywhere else
        # Concurrent first appends: one inserts, the others' insert waits and does nothing; all then lock it.
        AuditChainHead.objects.bulk_create([AuditChainHead(pk=1)], ignore_conflicts=True)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def append_many(events) -> None:
    """Link unsaved AuditEvents to the chain in their order and save them, in the caller's transaction: the head is
    locked once and the rows go in one insert when the database returns their keys (else one by one)."""
    from django.db import connection

    from .models import AuditChainHead

    events = list(events)
    for event in events:
        if event.is_demo:
            event.save()
    chained = [e for e in events if not e.is_demo]
    if not chained:
        return
    with transaction.atomic():
        head = _locked_head()
        seq, prev = head.seq, head.row_hash
        for event in chained:
            seq += 1
            event.seq, event.prev_hash = seq, prev
            event.row_hash = prev = row_hash({name: getattr(event, name) for name in HASHED_FIELDS})
        if len(chained) > 1 and connection.features.can_return_rows_from_bulk_insert:
            type(chained[0])._base_manager.bulk_create(chained)
        else:
            for event in chained:
                event.save()
        last = chained[-1]
        AuditChainHead.objects.filter(pk=1).update(seq=last.seq, row_hash=last.row_hash, event_id=last.pk)


@dataclass
class Break:
    """The first broken link: which row, when, and what is wrong (Chinese, shown to the operator)."""

    event_id: int | None
    created_at: dt.datetime | None
    seq: int | None
    reason: str


@dataclass
class Result:
    checked: int
    head_seq: int
    head_hash: str
    broken: Break | None


def verify(chunk_size: int = 5000) -> Result:
    """Walk the chain once in ``seq`` order (read-only, safe to run any time and as often as wanted)."""
    from .models import AuditChainHead, AuditEvent

    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.row_hash) if head else (0, GENESIS)
    unchained = (AuditEvent.objects.filter(seq__isnull=True, is_demo=False).order_by("id")
                 .values_list("id", "created_at").first())
    if unchained:
        return Result(0, head_seq, head_hash,
                      Break(unchained[0], unchained[1], None, "记录不在哈希链上（绕过审计接口直接写入数据库）"))
    rows = (AuditEvent.objects.filter(seq__isnull=False).order_by("seq")
            .values_list("id", *HASHED_FIELDS, "row_hash").iterator(chunk_size=chunk_size))
    expected_seq, prev, checked = 1, GENESIS, 0
    for row in rows:
        event_id, stored = row[0], row[-1]
        fields = dict(zip(HASHED_FIELDS, row[1:-1]))
        where = (event_id, fields["created_at"], fields["seq"])
        if fields["seq"] != expected_seq:
            return Result(checked, head_seq, head_hash, Break(
                *where, f"第 {expected_seq} 至 {fields['seq'] - 1} 条记录缺失（被删除），断在此条之前"))
        if fields["prev_hash"] != prev:
            return Result(checked, head_seq, head_hash, Break(*where, "前序哈希与上一条记录不符（上一条被替换或删除）"))
        if row_hash(fields, from_db=True) != stored:
            return Result(checked, head_seq, head_hash, Break(*where, "记录内容与其哈希不符（被修改）"))
        prev, expected_seq, checked = stored, expected_seq + 1, checked + 1
    if checked != head_seq or prev != head_hash:
        return Result(checked, head_seq, head_hash, Break(
            None, None, checked + 1, f"链头记录到第 {head_seq} 条，实际只有 {checked} 条（末尾记录被删除）"))
    return Result(checked, head_seq, head_hash, None)
