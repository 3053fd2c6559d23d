"""Link the audit rows written before the hash chain existed, in the order they were written (id), and create the
chain head. Demo rows stay outside the chain (see core.audit_chain)."""
from django.db import migrations

from iccity.core.audit_chain import GENESIS, HASHED_FIELDS, row_hash


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    seq, prev, last_id, batch = 0, GENESIS, None, []
    for event in AuditEvent.objects.filter(is_demo=False, seq__isnull=True).order_by("id").iterator(chunk_size=2000):
        seq += 1
        event.seq, event.prev_hash = seq, prev
        event.row_hash = prev = row_hash({name: getattr(event, name) for name in HASHED_FIELDS})
        last_id = event.pk
        batch.append(event)
        if len(batch) >= 2000:
            AuditEvent.objects.bulk_update(batch, ["seq", "prev_hash", "row_hash"])
            batch = []
    if batch:
        AuditEvent.objects.bulk_update(batch, ["seq", "prev_hash", "row_hash"])
    AuditChainHead.objects.update_or_create(pk=1, defaults={"seq": seq, "row_hash": prev, "event_id": last_id})


def unchain(apps, schema_editor):
    apps.get_model("core", "AuditEvent").objects.update(seq=None, prev_hash="", row_hash="")
    apps.get_model("core", "AuditChainHead").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_hash_chain")]
    operations = [migrations.RunPython(chain_existing, unchain)]
