"""Reading an archive back: ``verify`` (checksums, decryption, a readable database dump) and ``restore`` into an
empty installation. Both unpack into a private work directory first, so a damaged archive changes nothing."""
from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from iccity.core import policy

from . import crypto, database
from .backup import consumption_dir, media_root
from .database import BackupError

AREAS = ("media", "consumption")


@dataclass
class Opened:
    manifest: dict
    root: Path  # the unpacked archive
    encrypted: bool
    notes: list[str] = field(default_factory=list)

    @property
    def dump_path(self) -> Path:
        return self.root / self.manifest["database_member"]


def _safe_name(name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not name.startswith("/") and ".." not in parts and (
        name == "manifest.json" or parts[0] in ("db", *AREAS))


@contextlib.contextmanager
def opened(archive: Path, passphrase: str | None = None):
    """Decrypt (if needed), unpack and check every checksum; yields ``Opened``. Raises BackupError on any problem."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"找不到备份文件：{archive}")
    work_parent = Path(settings.VAR_DIR) / "tmp"
    work_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="restore-", dir=work_parent) as tmp:
        tmp = Path(tmp)
        encrypted = crypto.is_encrypted(archive)
        tar_path = archive
        if encrypted:
            passphrase = passphrase or crypto.key_from_env()
            if not passphrase:
                raise BackupError(f"备份已加密：请设置环境变量 {crypto.KEY_ENV} 为备份时使用的密钥")
            tar_path = tmp / "archive.tar"
            try:
                with open(archive, "rb") as src, open(tar_path, "wb") as dst:
                    crypto.decrypt_stream(src, dst, passphrase)
            except crypto.DecryptionError as exc:
                raise BackupError(str(exc)) from exc
        root = tmp / "unpacked"
        root.mkdir()
        hashes: dict[str, str] = {}
        try:
            with tarfile.open(tar_path, "r:") as tar:
                for member in tar:
                    if not member.isfile() or not _safe_name(member.name):
                        raise BackupError(f"备份中有不允许的条目：{member.name}（只允许普通文件，不允许绝对路径或 ..）")
                    target = root / member.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    digest = hashlib.sha256()
                    source = tar.extractfile(member)
                    with open(target, "wb") as out:
                        for block in iter(lambda: source.read(1024 * 1024), b""):
                            digest.update(block)
                            out.write(block)
                    hashes[member.name] = digest.hexdigest()
        except (tarfile.TarError, EOFError) as exc:
            raise BackupError(f"备份文件不是完整的 tar 归档：{exc}") from exc
        if tar_path != archive:
            tar_path.unlink()
        try:
            manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError) as exc:
            raise BackupError("备份中缺少可读的 manifest.json") from exc
        expected = manifest.get("files", {})
        missing = sorted(set(expected) - set(hashes))
        extra = sorted(set(hashes) - set(expected) - {"manifest.json"})
        wrong = sorted(name for name in expected if name in hashes and hashes[name] != expected[name]["sha256"])
        if missing or extra or wrong:
            problems = [f"缺少 {len(missing)} 个文件" if missing else "", f"多出 {len(extra)} 个文件" if extra else "",
                        f"{len(wrong)} 个文件校验和不符（如 {wrong[0]}）" if wrong else ""]
            raise BackupError("备份校验未通过：" + "，".join(p for p in problems if p))
        yield Opened(manifest, root, encrypted)


@dataclass
class VerifyReport:
    files: int
    database: str
    encrypted: bool
    created_at: str


def verify(archive: Path, passphrase: str | None = None) -> VerifyReport:
    with opened(archive, passphrase) as arc:
        description = database.check_dump(arc.dump_path, arc.manifest["database"])
        if arc.manifest["database"] == "sqlite":
            counts = database.sqlite_counts(arc.dump_path)
            if counts != arc.manifest["row_counts"]:
                raise BackupError("SQLite 备份中的行数与清单不符")
        return VerifyReport(len(arc.manifest["files"]), description, arc.encrypted, arc.manifest.get("created_at", ""))


def _has_files(path: Path) -> bool:
    return path.exists() and any(p.is_file() and p.name != ".lock" for p in path.rglob("*"))


def _move_tree(source: Path, target: Path) -> int:
    count = 0
    if not source.exists():
        return 0
    for path in sorted(source.rglob("*")):
        if path.is_file():
            dest = target / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, dest)
            count += 1
    return count


@dataclass
class RestoreReport:
    tables: int
    rows: int
    files: dict[str, int]
    mismatched: dict[str, tuple[int, int]]


def restore(archive: Path, *, force: bool = False, passphrase: str | None = None, actor=None) -> RestoreReport:
    """Restore into an empty installation (database without data rows, empty media and lake); ``force`` overwrites."""
    policy.check_actor(actor, "ops.run_maintenance")
    if not force:
        empty, full = database.is_empty()
        if not empty:
            raise BackupError(f"当前数据库已有数据（如 {'、'.join(full[:5])}）：恢复只用于空的安装；确需覆盖请加 --force")
        for label, path in (("附件目录", media_root()), ("消费数据目录", consumption_dir())):
            if _has_files(path):
                raise BackupError(f"{label} {path} 不是空的：恢复只用于空的安装；确需覆盖请加 --force")
    with opened(archive, passphrase) as arc:
        if arc.manifest.get("format") != 1:
            raise BackupError(f"不支持的备份格式版本：{arc.manifest.get('format')}")
        database.check_dump(arc.dump_path, arc.manifest["database"])
        database.load(arc.dump_path, arc.manifest["database"])
        moved = {}
        for area, target in (("media", media_root()), ("consumption", consumption_dir())):
            if force and target.exists() and area == "consumption":
                # the lake's manifest names its files: a stale file set beside the restored manifest is only garbage
                shutil.rmtree(target)
            target.mkdir(parents=True, exist_ok=True)
            moved[area] = _move_tree(arc.root / area, target)
        counts = database.table_counts()
        expected = arc.manifest["row_counts"]
        mismatched = {t: (n, counts.get(t, -1)) for t, n in expected.items() if counts.get(t) != n}
    from .actions import do_record_restore

    do_record_restore(Path(archive), moved, mismatched, actor=actor)
    if mismatched:
        raise BackupError("恢复后行数与备份清单不符：" + "，".join(f"{t} {a}→{b}" for t, (a, b) in list(mismatched.items())[:5]))
    return RestoreReport(len(expected), sum(expected.values()), moved, mismatched)
