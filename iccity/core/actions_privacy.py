"""Re-encrypting personal data with the current data key (``iccity privacy rotate-key``)."""
from __future__ import annotations

from django.apps import apps
from django.db import transaction

from .actions import record_audit
from .fields import EncryptedTextField


def encrypted_fields() -> dict:
    """{model: [field names]} for every model with an encrypted field."""
    out = {}
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            out[model] = names
    return out


def do_rotate_data_key(*, actor=None, batch: int = 500) -> dict[str, int]:
    """Decrypt every encrypted value with any configured key and write it back with the first key, so the old keys
    can then be removed from ``ICCITY_DATA_KEYS``. Safe to run twice (the second run re-encrypts with the same key).
    Returns {model label: rows rewritten}."""
    # Only the system runs this (``iccity privacy rotate-key`` on the server); no person's right to check.
    counts = {}
    for model, names in encrypted_fields().items():
        n = 0
        rows = model._default_manager.only("pk", *names).order_by("pk")
        last = None
        while True:
            chunk = list((rows.filter(pk__gt=last) if last is not None else rows)[:batch])
            if not chunk:
                break
            with transaction.atomic():
                for obj in chunk:
                    # update() sends each value through get_prep_value: encrypted with the current key
                    model._default_manager.filter(pk=obj.pk).update(**{f: getattr(obj, f) for f in names})
            n += len(chunk)
            last = chunk[-1].pk
        counts[model._meta.label] = n
    with transaction.atomic():
        record_audit(actor, "core.privacy.data_key_rotated", None, after=counts, note="个人信息加密密钥轮换")
    return counts
