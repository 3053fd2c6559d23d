"""Backup → wipe → restore gives back the same installation, on SQLite and PostgreSQL alike (the suite runs on
both): rows per table, audit rows, every evidence file byte for byte (downloaded through the app, at a new media
path), and the consumption metrics."""
from __future__ import annotations

import hashlib
import io
import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from iccity.core import clock
from iccity.core.models import AuditEvent
from iccity.delivery.actions import do_attach_evidence, do_dispatch_plan, do_open_cycle, do_save_draft
from iccity.delivery.models import Evidence, Report
from iccity.delivery.tests.conftest import TODAY, Cast
from iccity.ops import crypto, database
from iccity.ops.backup import apply_retention, archives, create_backup
from iccity.ops.database import BackupError
from iccity.ops.restore import restore, verify

KEY = "测试用备份密钥-correct horse battery staple"
FILES = {
    "规划.pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    "现场.png": b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17),
    "进展.txt": "南站商圈招商进展：签约3个项目。".encode(),
}


@pytest.fixture
def place(settings, tmp_path):
    """Point the installation's directories at ``tmp_path/<name>``; returns the switcher."""
    def switch(name: str) -> Path:
        root = tmp_path / name
        settings.MEDIA_ROOT = root / "media"
        settings.ICCITY_CONSUMPTION_DIR = root / "consumption"
        settings.ICCITY_BACKUP_DIR = tmp_path / "backups"
        return root

    switch("first")
    return switch


def _activity(django_user_model, tmp_path):
    """The Xiqing plan, people, a reporting cycle, evidence on two reports, and a small consumption feed."""
    from iccity.consumption.actions.ingest import do_ingest
    from iccity.consumption.generate import generate
    from iccity.orgs.actions import do_load_registry
    from iccity.plans.actions import XIQING_PLAN_FILE, XIQING_PLAN_SLUG, do_import_plan

    with clock.travel(TODAY):
        do_load_registry()
        version = do_import_plan(XIQING_PLAN_FILE.read_bytes(), XIQING_PLAN_FILE.name, plan_slug=XIQING_PLAN_SLUG).version
        cast = Cast(django_user_model, version)
        do_dispatch_plan(version, scope=cast.scope("office"), on=TODAY)
        cycle, _ = do_open_cycle(version.plan, TODAY, scope=cast.scope("office"))
        for unit, who in ((cast.lead_unit, "reporter"), (cast.co_unit, "co_reporter")):
            report = Report.objects.get(cycle=cycle, task=cast.task, unit=unit)
            do_save_draft(report, {"narrative": "推进南站商圈建设"}, scope=cast.scope(who))
            for name, data in FILES.items():
                do_attach_evidence(report, name, data, scope=cast.scope(who))
    feed = generate(tmp_path / "feed", 3_000, 7, TODAY.replace(month=1, day=1), TODAY.replace(month=2, day=28),
                    chunk_rows=3_000)
    for kind in ("merchants", "footfall", "transactions"):
        do_ingest(feed[kind], kind)


def _downloads(client) -> dict:
    """SHA-256 of every evidence download, each by its unit's liaison (signing in writes audit rows: call it after
    the state that is compared has been taken)."""
    downloads = {}
    for evidence in Evidence.objects.select_related("revision__report__unit").order_by("pk"):
        client.force_login(evidence.revision.report.unit.people.get(roles__role="liaison").user)
        response = client.get(reverse("delivery:evidence", args=[evidence.pk]))
        assert response.status_code == 200, f"{evidence.original_name}: {response.status_code}"
        downloads[evidence.pk] = hashlib.sha256(b"".join(response.streaming_content)).hexdigest()
    return downloads


def _state() -> dict:
    from iccity.consumption import metrics
    from iccity.consumption.engine import Engine

    engine = Engine()
    try:
        spend = metrics.spend(engine, by=["district", "category"]).to_dict("records")
        footfall = metrics.footfall(engine, by=["district"]).to_dict("records")
    finally:
        engine.close()
    audit = list(AuditEvent.objects.order_by("pk").values_list(
        "pk", "created_at", "actor_id", "actor_label", "action", "object_id", "object_repr", "before", "after", "note"))
    return {"counts": database.table_counts(), "spend": spend, "footfall": footfall, "audit": audit}


def test_backup_wipe_restore_on_another_path_gives_identical_files_rows_and_metrics(
        transactional_db, django_user_model, client, place, tmp_path):
    _activity(django_user_model, tmp_path)
    before = _state()
    assert before["spend"]
    result = create_backup(passphrase=KEY)
    assert result.encrypted and result.path.name.endswith(".tar.enc")
    assert verify(result.path, KEY).files == result.files
    downloads_before = _downloads(client)
    assert len(downloads_before) == 2 * len(FILES)

    # The disk dies: database emptied, files gone; the new server keeps its data at another path.
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(tmp_path / "first")
    place("second")

    report = restore(result.path, passphrase=KEY)
    assert report.mismatched == {} and report.files["media"] == len(FILES)  # content-addressed: same bytes, one file

    after = _state()
    restored = after["audit"].pop()
    assert restored[4] == "ops.backup.restored"  # the restore itself is the one new audit row
    assert after["audit"] == before["audit"]
    after["counts"][AuditEvent._meta.db_table] -= 1
    assert after["counts"] == before["counts"]
    assert _downloads(client) == downloads_before
    assert after["spend"] == before["spend"] and after["footfall"] == before["footfall"]
    # The audit chain verifies after the restore (the command exits non-zero on a broken link).
    call_command("audit", "verify", stdout=io.StringIO())


def test_restore_refuses_a_database_that_already_has_data(transactional_db, place):
    from iccity.orgs.actions import do_load_registry

    do_load_registry()
    archive = create_backup().path
    with pytest.raises(BackupError, match="已有数据"):
        restore(archive)


def test_verify_finds_a_changed_file_and_a_wrong_key(transactional_db, place, tmp_path):
    media = Path(place("first")) / "media" / "evidence"
    media.mkdir(parents=True)
    (media / "a.txt").write_bytes(b"original")
    plain = create_backup().path
    assert verify(plain).files == 2  # the database dump and the file

    tampered = tmp_path / "tampered.tar"
    with tarfile.open(plain) as src, tarfile.open(tampered, "w") as dst:
        for member in src:
            data = src.extractfile(member).read()
            if member.name == "media/evidence/a.txt":
                data = b"0riginal"
            import io

            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(BackupError, match="校验和不符"):
        verify(tampered)

    encrypted = create_backup(passphrase=KEY).path
    with pytest.raises(BackupError, match="密钥错误"):
        verify(encrypted, "wrong key")
    with pytest.raises(BackupError, match="ICCITY_BACKUP_KEY"):
        verify(encrypted)


def test_an_archive_with_a_path_outside_its_areas_is_refused(transactional_db, place, tmp_path):
    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as tar:
        info = tarfile.TarInfo("media/../../etc/passwd")
        info.size = 1
        import io

        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(BackupError, match="不允许的条目"):
        verify(evil)


def test_retention_keeps_the_newest_archives_only(tmp_path):
    names = [f"iccity-backup-2026050{d}T023000Z.tar" for d in range(1, 6)]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("not an archive")
    removed = apply_retention(tmp_path, 2)
    assert [p.name for p in removed] == names[:3]
    assert [p.name for p in archives(tmp_path)] == names[3:]
    assert (tmp_path / "notes.txt").exists()


def test_encryption_round_trips_and_detects_truncation(tmp_path):
    import io
    import os

    data = os.urandom(crypto.CHUNK * 2 + 123)
    sealed = io.BytesIO()
    crypto.encrypt_stream(io.BytesIO(data), sealed, KEY)
    out = io.BytesIO()
    crypto.decrypt_stream(io.BytesIO(sealed.getvalue()), out, KEY)
    assert out.getvalue() == data
    cut = sealed.getvalue()[:len(crypto.MAGIC) + 20 + 4 + crypto.CHUNK + 16]  # first chunk only
    with pytest.raises(crypto.DecryptionError, match="截断"):
        crypto.decrypt_stream(io.BytesIO(cut), io.BytesIO(), KEY)


def test_backup_command_writes_and_verify_command_checks(transactional_db, place, capsys):
    call_command("backup", "--keep", "3")
    [archive] = archives()
    call_command("backup", "verify", str(archive))
    assert "校验通过" in capsys.readouterr().out


def test_an_older_pg_dump_than_the_server_is_refused_with_the_package_to_install(db, monkeypatch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (runs in the PostgreSQL pass of the suite)")
    monkeypatch.setattr(database, "_client_major", lambda tool: 9)
    with pytest.raises(BackupError, match=r"pg_dump 版本 9 低于数据库服务器版本 \d+：请安装 postgresql-client-\d+"):
        database.check_pg_client("pg_dump")


def test_restore_command_refuses_a_non_empty_installation_with_a_clear_message(transactional_db, place):
    from django.core.management.base import CommandError

    from iccity.orgs.actions import do_load_registry

    do_load_registry()
    call_command("backup")
    [archive] = archives()
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(archive))
