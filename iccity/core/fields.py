"""Model fields for personal data at rest: ``EncryptedTextField`` (transparent encryption, see ``core.crypto``) and
``BlindIndexField`` (a keyed hash of another field, filled on every save, for exact search)."""
from __future__ import annotations

from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Text encrypted with the current data key on the way in, decrypted on the way out. Not searchable or orderable
    in SQL (the ciphertext is random): search through a ``BlindIndexField``."""

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt(value)

    def to_python(self, value):
        return crypto.decrypt(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return crypto.encrypt(value) if isinstance(value, str) else value


class BlindIndexField(models.CharField):
    """HMAC of ``normalise(instance.<source>)``, computed at save (also in bulk_create)."""

    def __init__(self, *args, source: str = "", purpose: str = "", normaliser: str = "", **kwargs):
        self.source, self.purpose, self.normaliser = source, purpose, normaliser
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, purpose=self.purpose, normaliser=self.normaliser)
        return name, path, args, kwargs

    def normalise(self, value: str) -> str:
        if self.normaliser == "digits":
            return "".join(ch for ch in (value or "") if ch.isdigit())
        return (value or "").strip()

    def index_for(self, value: str) -> str:
        return crypto.blind_index(self.normalise(value), purpose=self.purpose or self.source)

    def pre_save(self, model_instance, add):
        value = self.index_for(getattr(model_instance, self.source, "") or "")
        setattr(model_instance, self.attname, value)
        return value
