"""The consumption data directory: Parquet files plus one manifest that says which files are visible.

Layout under ``data_dir()`` (setting ``ICCITY_CONSUMPTION_DIR``, default ``VAR_DIR/consumption``):

    manifest.json                                   the only source of truth for readers
    raw/transactions/month=YYYY-MM/<run>-<n>.parquet
    raw/footfall/month=YYYY-MM/<run>-<n>.parquet
    merchants/snapshot-<run>.parquet                one current snapshot
    rollups/hourly/month=YYYY-MM/<run>.parquet      one file per month (re-merged when a run touches the month)
    rollups/merchant/month=YYYY-MM/<run>.parquet
    calendar/calendar-<run>.parquet
    staging/<run>/...                               work area of a running ingestion
    rejects/<run>-<kind>.csv                        bad rows with a reason each

Why a manifest: a run writes its files under new names, then publishes by replacing ``manifest.json`` in one
``os.replace``. Readers that list files through ``visible_files`` see either the old or the new state, never half a
run; a crash before the swap leaves the previous manifest, and the orphan files are removed by the next writer.
Files a publish replaces are "retired" and deleted only after a grace period, so a query that listed them a moment
earlier still finishes. Writers take an exclusive file lock, so two ingestions never interleave.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import threading
import time
from pathlib import Path

from django.conf import settings

from .schema import KINDS

MANIFEST = "manifest.json"
RETIRED_GRACE_SECONDS = 600
DATA_ROOTS = ("raw", "merchants", "rollups", "calendar")

_thread_lock = threading.RLock()
_lock_depth = 0


def data_dir() -> Path:
    path = getattr(settings, "ICCITY_CONSUMPTION_DIR", None) or Path(settings.VAR_DIR) / "consumption"
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _empty_manifest() -> dict:
    return {"version": 0, "files": {kind: [] for kind in KINDS}, "runs": {}, "retired": []}


def read_manifest() -> dict:
    path = data_dir() / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _empty_manifest()
    for kind in KINDS:
        manifest["files"].setdefault(kind, [])
    manifest.setdefault("runs", {})
    manifest.setdefault("retired", [])
    return manifest


def visible_files(kind: str) -> list[Path]:
    """Absolute paths of the files of completed runs for ``kind`` (see schema.KINDS); [] when nothing is ingested."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    root = data_dir()
    return [root / rel for rel in read_manifest()["files"][kind]]


@contextlib.contextmanager
def writer_lock():
    """Exclusive lock for writers (ingestion, calendar, rebuild). Re-entrant within one process."""
    global _lock_depth
    with _thread_lock:
        if _lock_depth:
            _lock_depth += 1
            try:
                yield
            finally:
                _lock_depth -= 1
            return
        with open(data_dir() / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            _lock_depth = 1
            try:
                yield
            finally:
                _lock_depth = 0
                fcntl.flock(handle, fcntl.LOCK_UN)


def publish(update) -> dict:
    """Apply ``update(manifest) -> None`` to a copy of the manifest and swap it in atomically. Call under
    ``writer_lock``. Files that leave the manifest are retired (deleted later by ``collect_garbage``)."""
    root = data_dir()
    manifest = read_manifest()
    before = {rel for files in manifest["files"].values() for rel in files}
    update(manifest)
    after = {rel for files in manifest["files"].values() for rel in files}
    now = time.time()
    manifest["retired"] = [r for r in manifest["retired"] if r["path"] not in after]
    manifest["retired"] += [{"path": rel, "at": now} for rel in sorted(before - after)]
    manifest["version"] += 1
    tmp = root / f".{MANIFEST}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, ensure_ascii=False, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, root / MANIFEST)
    _fsync_dir(root)
    return manifest


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def collect_garbage(*, keep_staging: str | None = None, grace: float = RETIRED_GRACE_SECONDS) -> int:
    """Delete files no manifest lists: crash orphans at once, retired files after ``grace`` seconds. Call under
    ``writer_lock`` (so no other writer has unpublished files). Returns the number of files removed."""
    root = data_dir()
    manifest = read_manifest()
    listed = {rel for files in manifest["files"].values() for rel in files}
    now = time.time()
    retired_young = {r["path"] for r in manifest["retired"] if now - r["at"] < grace}
    removed = 0
    for top in DATA_ROOTS:
        base = root / top
        if not base.exists():
            continue
        for path in base.rglob("*.parquet"):
            rel = path.relative_to(root).as_posix()
            if rel not in listed and rel not in retired_young:
                path.unlink(missing_ok=True)
                removed += 1
    staging = root / "staging"
    if staging.exists():
        for child in staging.iterdir():
            if child.name != keep_staging:
                shutil.rmtree(child, ignore_errors=True)
    still_retired = [r for r in manifest["retired"] if r["path"] in retired_young]
    if still_retired != manifest["retired"]:
        publish(lambda m: m.__setitem__("retired", [r for r in m["retired"] if r["path"] in retired_young]))
    return removed


def relative(path: Path) -> str:
    return Path(path).resolve().relative_to(data_dir().resolve()).as_posix()
