"""Personal data encrypted at rest (个人信息保护法 Art. 51; GB/T 22239-2019 8.1.4.8 数据保密性).

Keys live outside the database:
- ``ICCITY_DATA_KEYS``: comma-separated Fernet keys (AES-128-CBC + HMAC-SHA256), the first encrypts, all decrypt —
  so a new key is put first, ``iccity privacy rotate-key`` re-encrypts every value with it, then the old key is
  dropped. ``ICCITY_DATA_KEY`` (one key) is accepted too.
- ``ICCITY_DATA_INDEX_KEY``: the HMAC key of the blind indexes that let handlers find a case by exact phone number
  without the phone being readable in the database.
In development and tests, both are generated once under ``var/`` (mode 600), like the secret key; production must
set them (and keep them out of backups of the database).

Stored values look like ``enc1:<fernet token>``; a value without the prefix is legacy plain text (read as it is,
encrypted on the next save or by the data migration).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "enc1:"


class DataKeyError(RuntimeError):
    pass


_MAKERS = {
    "data_keys": lambda: Fernet.generate_key().decode(),
    "data_index_key": lambda: base64.urlsafe_b64encode(os.urandom(32)).decode(),
}


def _var_file(name: str) -> str:
    from django.conf import settings

    return _read_or_create(Path(settings.VAR_DIR) / name)


@lru_cache(maxsize=8)
def _read_or_create(path: Path) -> str:
    """Read once per process (the key never changes under a running process; a new key means a restart)."""
    name, make = path.name, _MAKERS[path.name]
    for _ in range(50):
        try:
            value = path.read_text().strip()
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            value = make()
            try:  # written aside and linked into place: two processes starting at once agree on one key
                tmp = path.with_name(f".{name}.{os.getpid()}")
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "w") as handle:
                    handle.write(value)
                os.link(tmp, path)
                return value
            except FileExistsError:
                continue  # another process won: read its key
            finally:
                tmp.unlink(missing_ok=True)
        if value:
            return value
    raise DataKeyError(f"无法读取 {path}")


def data_keys() -> list[str]:
    raw = os.environ.get("ICCITY_DATA_KEYS") or os.environ.get("ICCITY_DATA_KEY")
    if not raw:
        raw = _var_file("data_keys")
    keys = [k.strip() for k in raw.replace("\n", ",").split(",") if k.strip()]
    if not keys:
        raise DataKeyError("未配置个人信息加密密钥（ICCITY_DATA_KEYS）")
    return keys


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError) as exc:
        raise DataKeyError("个人信息加密密钥格式不正确（应为 Fernet 密钥：32字节的 URL-safe Base64）") from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(data_keys()))


def index_key() -> bytes:
    raw = os.environ.get("ICCITY_DATA_INDEX_KEY") or _var_file("data_index_key")
    return raw.encode()


def is_encrypted(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def encrypt(value: str) -> str:
    """'' stays '' (an empty field says nothing); everything else becomes ``enc1:<token>``."""
    if value is None or value == "" or is_encrypted(value):
        return value
    return PREFIX + fernet().encrypt(str(value).encode()).decode()


def decrypt(value):
    if not is_encrypted(value):
        return value  # legacy plain text or empty
    try:
        return fernet().decrypt(value[len(PREFIX):].encode()).decode()
    except InvalidToken as exc:
        raise DataKeyError("无法解密个人信息：密钥不匹配（ICCITY_DATA_KEYS 是否缺少旧密钥？）") from exc


def rotate(value):
    """The value re-encrypted with the current (first) key; plain text gets encrypted."""
    if not is_encrypted(value):
        return encrypt(value)
    return PREFIX + fernet().rotate(value[len(PREFIX):].encode()).decode()


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed hash for exact search (HMAC-SHA256); '' for an empty value."""
    if not value:
        return ""
    return hmac.new(index_key(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()
