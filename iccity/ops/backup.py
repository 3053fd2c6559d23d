"""``iccity backup``: one archive with everything needed to get the platform back after a disk dies.

Archive (a tar; ``.tar.enc`` when ``ICCITY_BACKUP_KEY`` is set, see ``crypto``)::

    db/database.pgdump | db/database.sqlite3     pg_dump custom format, or SQLite's online backup
    media/...                                    MEDIA_ROOT: evidence (content-addressed), Word templates, generated documents
    consumption/...                              ICCITY_CONSUMPTION_DIR: the Parquet lake and its manifest
    manifest.json                                (last) format, time, database vendor, row counts per table,
                                                 SHA-256 and size of every other member

Files are stored by their path relative to MEDIA_ROOT / the lake, and the database holds only relative names, so
the archive restores into an installation at another path. The database is dumped first: every file a dumped row
refers to was written before that row was committed, so it is on disk when the file copy starts.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import io
import json
import os
import re
import tarfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from iccity.core import clock, policy

from . import crypto, database

FORMAT = 1
NAME_RE = re.compile(r"^iccity-backup-\d{8}T\d{6}Z(?:-\d+)?\.tar(?:\.enc)?$")
SKIP_DIRS = {"consumption": {"staging"}}  # a running ingestion's work area: never visible to readers
SKIP_NAMES = {".lock"}
DB_MEMBER = {"postgresql": "db/database.pgdump", "sqlite": "db/database.sqlite3"}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("iccity")
    except PackageNotFoundError:
        return ""


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def consumption_dir() -> Path:
    return Path(settings.ICCITY_CONSUMPTION_DIR)


def backup_dir() -> Path:
    return Path(getattr(settings, "ICCITY_BACKUP_DIR", Path(settings.VAR_DIR) / "backups"))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


class _HashingReader:
    """Wraps a file so tarfile's read also feeds the SHA-256: each byte is read once."""

    def __init__(self, handle):
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _walk(root: Path, area: str):
    """(archive name, path) of the regular files under root, sorted, symlinks never followed."""
    if not root.exists():
        return
    skip = SKIP_DIRS.get(area, set())
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        dirnames[:] = sorted(d for d in dirnames if not (rel_dir == Path(".") and d in skip))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name in SKIP_NAMES or name.endswith(".part") or path.is_symlink() or not path.is_file():
                continue
            yield f"{area}/{(rel_dir / name).as_posix()}", path


def _add(tar: tarfile.TarFile, arcname: str, path: Path, files: dict) -> None:
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        return  # removed between listing and reading (a retired lake file past its grace period): not needed
    with handle:
        info = tar.gettarinfo(fileobj=handle, arcname=arcname)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mode = 0o640
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
        files[arcname] = {"sha256": reader.digest.hexdigest(), "size": info.size}


@contextlib.contextmanager
def _lake_snapshot():
    """Hold the consumption lake's writer lock (the same flock its writers take), so no ingestion publishes while
    its files are copied."""
    root = consumption_dir()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class BackupResult:
    path: Path
    files: int
    size: int
    encrypted: bool
    removed: list[Path]


def _archive_name(directory: Path, encrypted: bool) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = ".tar.enc" if encrypted else ".tar"
    path, n = directory / f"iccity-backup-{stamp}{suffix}", 1
    while path.exists():
        path, n = directory / f"iccity-backup-{stamp}-{n}{suffix}", n + 1
    return path


def create_backup(directory: Path | None = None, *, keep: int | None = None, passphrase: str | None = None,
                  actor=None) -> BackupResult:
    policy.check_actor(actor, "ops.run_maintenance")
    directory = Path(directory or backup_dir())
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    keep = settings.ICCITY_BACKUP_KEEP if keep is None else keep
    db_vendor = database.vendor()
    work = directory / f".partial-{uuid.uuid4().hex}"
    work.mkdir(mode=0o700)
    try:
        dump_path = work / Path(DB_MEMBER[db_vendor]).name
        counts = database.dump(dump_path)
        tar_path = work / "archive.tar"
        files: dict[str, dict] = {}
        with tarfile.open(tar_path, "w", format=tarfile.PAX_FORMAT) as tar:
            _add(tar, DB_MEMBER[db_vendor], dump_path, files)
            dump_path.unlink()
            for arcname, path in _walk(media_root(), "media"):
                _add(tar, arcname, path, files)
            with _lake_snapshot():
                for arcname, path in _walk(consumption_dir(), "consumption"):
                    _add(tar, arcname, path, files)
            manifest = {
                "format": FORMAT, "created_at": timezone.localtime(clock.now()).isoformat(),
                "iccity_version": _version(), "database": db_vendor,
                "database_member": DB_MEMBER[db_vendor], "row_counts": counts, "files": files,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mode, info.mtime = len(data), 0o640, int(clock.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
        final = _archive_name(directory, bool(passphrase))
        if passphrase:
            enc = work / "archive.tar.enc"
            with open(tar_path, "rb") as src, open(enc, "wb") as dst:
                crypto.encrypt_stream(src, dst, passphrase)
            tar_path.unlink()
            tar_path = enc
        os.chmod(tar_path, 0o600)
        os.replace(tar_path, final)
    finally:
        for leftover in work.glob("*"):
            leftover.unlink()
        work.rmdir()
    removed = apply_retention(directory, keep)
    from .actions import do_record_backup

    do_record_backup(final, len(files), sum(f["size"] for f in files.values()), bool(passphrase), removed, actor=actor)
    return BackupResult(final, len(files), final.stat().st_size, bool(passphrase), removed)


def archives(directory: Path | None = None) -> list[Path]:
    """This installation's archives in the directory, oldest first (names sort by time)."""
    directory = Path(directory or backup_dir())
    if not directory.exists():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and NAME_RE.match(p.name))


def apply_retention(directory: Path, keep: int) -> list[Path]:
    """Delete the oldest archives so that ``keep`` remain (keep ≤ 0 keeps everything)."""
    if keep <= 0:
        return []
    old = archives(directory)[:-keep]
    for path in old:
        path.unlink(missing_ok=True)
    return old
