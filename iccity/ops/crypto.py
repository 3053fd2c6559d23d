"""Streaming encryption of backup archives: AES-256-GCM in 1 MiB chunks, key derived from a passphrase by scrypt.

Layout: ``MAGIC | salt(16) | nonce_prefix(4)`` then per chunk ``len(4, big-endian) | ciphertext+tag``. Each chunk's
nonce is the prefix + its 8-byte counter, and its associated data is the header + counter + a final-chunk flag, so
reordered, dropped or truncated chunks fail to decrypt (a truncated file has no final chunk). Memory stays at one
chunk whatever the archive size.
"""
from __future__ import annotations

import hashlib
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"ICCITY-BACKUP-AESGCM-1\n"
CHUNK = 1024 * 1024
KEY_ENV = "ICCITY_BACKUP_KEY"


class DecryptionError(Exception):
    pass


def derive_key(passphrase: str, salt: bytes) -> bytes:
    # scrypt at n=2**15: ~0.1 s and 32 MiB once per archive; slows guessing of a weak passphrase
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=2 ** 15, r=8, p=1, maxmem=64 * 1024 * 1024, dklen=32)


def key_from_env() -> str | None:
    return os.environ.get(KEY_ENV) or None


def is_encrypted(path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def _aad(header: bytes, counter: int, final: bool) -> bytes:
    return header + struct.pack(">QB", counter, 1 if final else 0)


def encrypt_stream(src: BinaryIO, dst: BinaryIO, passphrase: str) -> None:
    salt, prefix = os.urandom(16), os.urandom(4)
    header = MAGIC + salt + prefix
    aead = AESGCM(derive_key(passphrase, salt))
    dst.write(header)
    counter = 0
    chunk = src.read(CHUNK)
    while True:
        following = src.read(CHUNK)
        final = not following
        nonce = prefix + struct.pack(">Q", counter)
        sealed = aead.encrypt(nonce, chunk, _aad(header, counter, final))
        dst.write(struct.pack(">I", len(sealed)) + sealed)
        if final:
            return
        chunk, counter = following, counter + 1


def decrypt_stream(src: BinaryIO, dst: BinaryIO, passphrase: str) -> None:
    header = src.read(len(MAGIC) + 20)
    if not header.startswith(MAGIC) or len(header) != len(MAGIC) + 20:
        raise DecryptionError("不是 iccity 加密备份文件")
    salt, prefix = header[len(MAGIC):len(MAGIC) + 16], header[len(MAGIC) + 16:]
    aead = AESGCM(derive_key(passphrase, salt))
    counter = 0
    while True:
        size_bytes = src.read(4)
        if len(size_bytes) < 4:
            raise DecryptionError("加密备份文件不完整（缺少结尾数据块），可能被截断")
        (size,) = struct.unpack(">I", size_bytes)
        if size > CHUNK + 16:
            raise DecryptionError("加密备份文件已损坏（数据块长度异常）")
        sealed = src.read(size)
        nonce = prefix + struct.pack(">Q", counter)
        plain = None
        for final in (False, True):
            try:
                plain = aead.decrypt(nonce, sealed, _aad(header, counter, final))
                break
            except InvalidTag:
                continue
        if plain is None:
            raise DecryptionError("无法解密：密钥错误或备份文件已损坏")
        dst.write(plain)
        if final:
            if src.read(1):
                raise DecryptionError("加密备份文件在结尾数据块之后还有多余数据")
            return
        counter += 1
