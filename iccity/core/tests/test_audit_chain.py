"""The audit trail is tamper-evident: raw SQL edits, deletions and unchained inserts are found and named."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from iccity.core import demo
from iccity.core.actions import record_audit
from iccity.core.audit_chain import GENESIS, verify
from iccity.core.models import AuditEvent, Rule


def _trail(n=5):
    rule = Rule.objects.create(key="t.rule", title="测试", value={"days": 3}, effective_from=dt.date(2026, 1, 1), source="测试")
    return [record_audit(None, "core.test", rule, before={"v": i}, after={"v": i + 1, "f": 1.5}, note=f"第{i}条")
            for i in range(n)]


def _verify_command():
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify")
    assert caught.value.returncode == 1
    return str(caught.value)


def test_records_are_linked_in_order_and_verify_passes(db, capsys):
    events = _trail()
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.row_hash for earlier, later in zip(events, events[1:]))
    call_command("audit", "verify")
    assert "哈希链完整：5 条" in capsys.readouterr().out


def test_raw_sql_update_of_an_audit_row_is_detected_and_named(db):
    events = _trail()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET note = %s WHERE id = %s", ["改过了", events[2].pk])
    result = verify()
    assert (result.broken.event_id, result.checked) == (events[2].pk, 2)
    assert "被修改" in result.broken.reason
    message = _verify_command()
    assert f"记录编号 {events[2].pk}" in message
    assert events[2].created_at.astimezone().strftime("%Y-%m-%d %H:%M") in message


def test_raw_sql_edit_of_the_json_diff_is_detected(db):
    events = _trail()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET after = %s WHERE id = %s", ['{"v": 99, "f": 1.5}', events[0].pk])
    assert verify().broken.event_id == events[0].pk


def test_deleting_a_row_is_detected_at_the_next_row(db):
    events = _trail()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    broken = verify().broken
    assert broken.event_id == events[2].pk and "缺失" in broken.reason
    assert f"记录编号 {events[2].pk}" in _verify_command()


def test_deleting_the_last_row_is_detected_by_the_chain_head(db):
    events = _trail()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    broken = verify().broken
    assert broken.seq == 5 and "末尾" in broken.reason


def test_a_row_inserted_around_the_chain_is_detected(db):
    _trail(2)
    forged = AuditEvent.objects.create(action="core.test", actor_label="伪造")  # bypasses record_audit
    assert verify().broken.event_id == forged.pk


def test_turning_a_real_row_into_demo_data_is_detected(db):
    events = _trail(3)
    AuditEvent.objects.filter(pk=events[1].pk).update(is_demo=True)
    assert verify().broken.event_id == events[1].pk


def test_demo_rows_stay_outside_the_chain_so_demo_removal_keeps_it_whole(db):
    _trail(2)
    with demo.marking():
        record_audit(None, "core.demo_test", note="示例")
    record_audit(None, "core.test", note="真实")
    AuditEvent.objects.filter(is_demo=True).delete()
    assert verify().broken is None and verify().checked == 3


def test_audit_rows_cannot_be_changed_through_the_orm(db):
    event = _trail(1)[0]
    event.note = "改"
    with pytest.raises(ValueError):
        event.save()


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_never_fork_the_chain():
    errors = []

    def write(n):
        try:
            for i in range(10):
                record_audit(None, "core.concurrent", note=f"{n}-{i}")
        except Exception as exc:  # pragma: no cover - shown by the assertion
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = verify()
    assert result.broken is None and result.checked == 40


def test_the_migration_chains_rows_written_before_the_chain_existed(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("iccity.core.migrations.0006_chain_existing_audit")
    old = [AuditEvent.objects.create(action="core.old", note=f"旧{i}", before={"a": [1, 2]}) for i in range(3)]
    assert verify().broken.event_id == old[0].pk  # unchained until the migration runs
    migration.chain_existing(apps, None)
    record_audit(None, "core.after_migration")
    result = verify()
    assert result.broken is None and result.checked == 4


def test_appending_many_at_once_links_the_same_chain_as_one_at_a_time(db):
    from django.db import transaction

    from iccity.core import audit_chain
    from iccity.core.models import AuditEvent

    def events():
        return [AuditEvent(actor_label="系统", action=f"core.test.{i}", note=f"第{i}条", is_demo=(i == 2),
                           created_at=dt.datetime(2026, 3, 1, 8, i, tzinfo=dt.UTC)) for i in range(5)]

    def chain():
        return list(AuditEvent.objects.filter(is_demo=False).order_by("seq")
                    .values_list("seq", "action", "prev_hash", "row_hash"))

    with transaction.atomic():
        for event in events():
            audit_chain.append(event)
        one_by_one = chain()
        transaction.set_rollback(True)
    audit_chain.append_many(events())
    assert chain() == one_by_one and len(one_by_one) == 4
    assert AuditEvent.objects.filter(is_demo=True, seq__isnull=True).count() == 1   # demo rows stay outside
    assert audit_chain.verify().broken is None and audit_chain.verify().checked == 4
