"""``iccity upgrade`` on a database created and used by the previous release (fixture built from commit 4650c70 by
fixtures/make_previous_release.py): the schema catches up, and every row that existed is still there, unchanged."""
from __future__ import annotations

import contextlib
import gzip
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "previous-release.sqlite3.gz"
REPO = Path(__file__).resolve().parents[3]
# Tables the upgrade may add to: new rule versions (and their audit rows), migrations, content types, permissions.
MAY_GROW = {"core_rule", "core_auditevent", "places_placesource",  # + sourced coordinates new in this release
             "django_migrations", "django_content_type", "auth_permission"}


def counts(db: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(db)) as con:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {name: con.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def rows(db: Path, sql: str) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(db)) as con:
        return con.execute(sql).fetchall()


def upgrade(db: Path, var: Path, *extra: str) -> str:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "ICCITY_VAR_DIR": str(var), "ICCITY_DEBUG": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run([sys.executable, "-m", "iccity", "upgrade", *extra], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_upgrade_brings_a_previous_release_database_up_to_date_and_keeps_its_data(tmp_path):
    if not FIXTURE.exists():
        pytest.fail(f"缺少 {FIXTURE}：请运行 python {FIXTURE.parent / 'make_previous_release.py'}")
    db = tmp_path / "previous.sqlite3"
    with gzip.open(FIXTURE) as packed, open(db, "wb") as raw:
        shutil.copyfileobj(packed, raw)
    with contextlib.closing(sqlite3.connect(db)) as con:  # the office edited a rule in the old release
        con.execute("UPDATE core_rule SET title = title || '（办公室修订）', notes = '本地制度' WHERE id = (SELECT MIN(id) FROM core_rule)")
        con.commit()
    before = counts(db)
    assert "ops_jobrun" not in before and before["delivery_report"] > 0  # a real previous-release database
    key_sql = {
        "plan": "SELECT title, number FROM plans_planversion ORDER BY id",
        "rules": "SELECT key, version, title, notes, value, effective_from FROM core_rule ORDER BY id",
        "users": "SELECT username, password, is_superuser FROM auth_user ORDER BY id",
        "reports": "SELECT id, state, lock_version FROM delivery_report ORDER BY id",
        "audit": "SELECT id, action, object_id, after FROM core_auditevent ORDER BY id",
    }
    kept = {name: rows(db, sql) for name, sql in key_sql.items()}
    assert kept["rules"][0][2].endswith("（办公室修订）")

    out = upgrade(db, tmp_path / "var")
    assert "升级完成" in out
    after = counts(db)
    assert "ops_jobrun" in after and "ops_joblease" in after  # this release's tables arrived
    for table, n in before.items():
        if table in MAY_GROW:
            assert after[table] >= n, table
        else:
            assert after[table] == n, f"{table}: {n} → {after[table]}"
    for name, sql in key_sql.items():
        now = rows(db, sql)
        assert now[:len(kept[name])] == kept[name], f"{name} changed"  # existing rows unchanged, new ones after
    assert any((tmp_path / "var" / "static").iterdir())  # collectstatic ran into this installation's STATIC_ROOT

    again = upgrade(db, tmp_path / "var", "--skip-static")  # safe to re-run: nothing more to add
    assert "No migrations to apply" in again
    assert counts(db) == after
