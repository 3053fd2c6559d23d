"""Database dump and load for backups: pg_dump/pg_restore (custom format) on PostgreSQL, SQLite's online backup API
on SQLite. Row counts per table are taken from the same snapshot as the dump, so a restore can be checked exactly."""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection

# Tables that migrate fills by itself or that hold nothing worth refusing a restore over.
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission", "django_session",
                      "ops_joblease", "ops_jobrun"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why in Chinese."""


def vendor() -> str:
    return connection.vendor  # "postgresql" or "sqlite"


def _tables(cursor_introspection=None) -> list[str]:
    with connection.cursor() as cursor:
        return sorted(t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_"))


def table_counts() -> dict[str, int]:
    qn = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT COUNT(*) FROM {qn(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def is_empty() -> tuple[bool, list[str]]:
    """(True, []) for a fresh installation (migrated or not); else the tables that hold rows."""
    full = [t for t, n in table_counts().items() if n and t not in BOOKKEEPING_TABLES]
    return not full, full


# --- PostgreSQL -------------------------------------------------------------------------------------------------

def _pg_env() -> dict[str, str]:
    s = connection.settings_dict
    env = dict(os.environ)
    env.update({"PGHOST": s.get("HOST") or "", "PGPORT": str(s.get("PORT") or ""), "PGUSER": s.get("USER") or "",
                "PGDATABASE": s["NAME"]})
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]  # environment, never the command line (visible in ps)
    return {k: v for k, v in env.items() if v != ""}


def _client_major(tool: str) -> int:
    path = shutil.which(tool)
    if not path:
        raise BackupError(f"找不到 {tool}：请安装与数据库服务器版本一致的 postgresql-client（Debian：apt-get install postgresql-client）")
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    if not match:
        raise BackupError(f"无法识别 {tool} 的版本：{out.strip()}")
    return int(match[1])


def check_pg_client(tool: str) -> None:
    """pg_dump refuses servers newer than itself, and an older pg_restore cannot read a newer dump format."""
    connection.ensure_connection()
    server = connection.pg_version // 10000
    client = _client_major(tool)
    if client < server:
        raise BackupError(f"{tool} 版本 {client} 低于数据库服务器版本 {server}：请安装 postgresql-client-{server}")


def _run(argv: list[str], what: str) -> None:
    result = subprocess.run(argv, env=_pg_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what}失败：{result.stderr.strip()[-2000:]}")


def dump(dest: Path) -> dict[str, int]:
    """Write the database to ``dest``; returns row counts per table as of the dump."""
    if vendor() == "sqlite":
        return _sqlite_dump(dest)
    if vendor() != "postgresql":
        raise BackupError(f"不支持的数据库类型：{vendor()}")
    check_pg_client("pg_dump")
    # One exported snapshot for both the counts and pg_dump: they describe exactly the same data.
    with connection.cursor() as cursor:
        was_autocommit = connection.get_autocommit()
        connection.set_autocommit(False)
        try:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = table_counts()
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  f"--file={dest}"], "pg_dump 导出数据库")
        finally:
            connection.rollback()
            connection.set_autocommit(was_autocommit)
    return counts


def _sqlite_dump(dest: Path) -> dict[str, int]:
    # A connection of its own: it reads one committed snapshot (WAL) while other writers go on; Django's connection
    # may be inside a transaction, from which the backup API would wait on itself.
    with contextlib.closing(sqlite3.connect(connection.settings_dict["NAME"], timeout=60)) as source, \
            contextlib.closing(sqlite3.connect(dest)) as target:
        source.backup(target)
    return sqlite_counts(dest)


def sqlite_counts(path: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in sorted(names)}


def check_dump(path: Path, db_vendor: str) -> str:
    """Is the dump readable? Returns a one-line description; raises BackupError if not."""
    if db_vendor == "sqlite":
        try:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
                status = db.execute("PRAGMA integrity_check").fetchone()[0]
                tables = db.execute("SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"数据库备份无法读取：{exc}") from exc
        if status != "ok":
            raise BackupError(f"数据库备份完整性检查未通过：{status}")
        return f"SQLite 数据库可读，{tables} 张表，完整性检查通过"
    tool = shutil.which("pg_restore")
    if not tool:
        raise BackupError("找不到 pg_restore：请安装 postgresql-client")
    result = subprocess.run([tool, "--list", str(path)], capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"数据库备份无法读取：{result.stderr.strip()[-500:]}")
    entries = sum(1 for line in result.stdout.splitlines() if line and not line.startswith(";"))
    return f"PostgreSQL 备份可读（pg_restore --list：{entries} 个对象）"


def load(path: Path, db_vendor: str) -> None:
    """Replace the current database's content with the dump's."""
    if db_vendor != vendor():
        raise BackupError(f"备份来自 {db_vendor} 数据库，当前安装使用 {vendor()}：请在同类数据库上恢复")
    if db_vendor == "sqlite":
        connection.close()
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source, \
                contextlib.closing(sqlite3.connect(connection.settings_dict["NAME"], timeout=60)) as target:
            source.backup(target)  # page-level copy into the live database file, under its write lock
        return
    check_pg_client("pg_restore")
    # The archive brings its own schema. Tables of the (empty, or --force) target go first, so a newer release's
    # tables that the dump does not know cannot clash with `iccity upgrade` migrating the restored data later.
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if tables:
            cursor.execute("DROP TABLE IF EXISTS " + ", ".join(qn(t) for t in tables) + " CASCADE")
    connection.close()  # no open transaction of ours may hold a lock during pg_restore
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", f"--dbname={connection.settings_dict['NAME']}", str(path)], "pg_restore 恢复数据库")
