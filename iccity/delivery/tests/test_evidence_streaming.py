"""Evidence uploads are limited while they stream (issue 12 item 3): a 100 MB file is refused with "上限为 20 MB"
after reading what the limit allows, memory stays flat (measured), and nothing is left on disk."""
from __future__ import annotations

import pytest

from iccity.core.models import AuditEvent
from iccity.core.tests.bombs import MB, MultipartStream, peak_growth
from iccity.delivery.models import Evidence, EvidenceFile, Report


@pytest.fixture
def upload_dirs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "uploads-tmp"
    settings.MEDIA_ROOT.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    return settings.MEDIA_ROOT, settings.FILE_UPLOAD_TEMP_DIR


@pytest.fixture
def report(cast, cycle) -> Report:
    return Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)


def _leftovers(*dirs) -> list:
    return [p for d in dirs for p in d.rglob("*") if p.is_file()]


def test_a_100_mb_evidence_file_is_refused_at_20_mb_with_flat_memory_and_no_leftovers(client, cast, report,
                                                                                      upload_dirs):
    client.force_login(cast.reporter)
    fields = {"action": "save", "narrative": "进展", "lock_version": str(report.lock_version)}
    # warm-up: the first request of a process imports the apps' modules (tens of MB) — not what is measured here
    warm = client.request(**MultipartStream(21 * MB, field="files", fields=fields).environ(f"/delivery/reports/{report.pk}/"))
    assert warm.status_code == 413
    body = MultipartStream(100 * MB, filename="巨大.pdf", field="files", fields=fields)
    measured = peak_growth(client.request, **body.environ(f"/delivery/reports/{report.pk}/"))
    response = measured.outcome
    assert response.status_code == 413, response
    assert "上限为 20 MB" in response.content.decode() and "巨大.pdf" in response.content.decode()
    assert measured.rss_growth < 40 * MB, f"RSS grew {measured.rss_growth / MB:.0f} MB"  # the review saw +92 MB
    assert measured.traced_peak < 10 * MB
    assert not Evidence.objects.exists() and not EvidenceFile.objects.exists()
    assert _leftovers(*upload_dirs) == []
    refused = AuditEvent.objects.filter(action="core.upload.refused").latest("id")
    assert refused.actor == cast.reporter and refused.after["limit"] == 20 * MB


def test_a_declared_length_over_the_cap_is_refused_before_the_body_is_read(client, cast, report, upload_dirs):
    client.force_login(cast.reporter)
    body = MultipartStream(500 * MB, filename="超大.pdf", field="files")
    response = client.request(**body.environ(f"/delivery/reports/{report.pk}/"))
    assert response.status_code == 413 and "上限为 20 MB" in response.content.decode()
    assert body.read_total < 1 * MB  # the 500 MB were never read
    assert _leftovers(*upload_dirs) == []


def test_an_upload_cut_off_midway_leaves_no_partial_file(client, cast, report, upload_dirs):
    client.force_login(cast.reporter)
    body = MultipartStream(10 * MB, filename="中断.pdf", field="files", fail_after=4 * MB)
    with pytest.raises(OSError):
        client.request(**body.environ(f"/delivery/reports/{report.pk}/"))
    assert body.read_total >= 4 * MB  # the server was writing the file when the client went away
    assert _leftovers(*upload_dirs) == []


def test_a_file_under_the_limit_is_still_accepted(client, cast, report, upload_dirs):
    client.force_login(cast.reporter)
    body = MultipartStream(1 * MB, filename="规划.pdf", field="files",
                           fields={"action": "save", "narrative": "进展", "lock_version": str(report.lock_version)})
    response = client.request(**body.environ(f"/delivery/reports/{report.pk}/"))
    assert response.status_code == 302, response.content.decode()[:500]
    assert Evidence.objects.get().original_name == "规划.pdf"
    assert [p.suffix for p in _leftovers(upload_dirs[1])] == []  # the temporary upload is gone after the request


def test_a_write_that_fails_midway_leaves_no_part_file_in_media(cast, report, upload_dirs, monkeypatch):
    from pathlib import Path

    from iccity.delivery.actions import do_attach_evidence, do_save_draft

    do_save_draft(report, {"narrative": "进展"}, scope=cast.scope("reporter"))

    def disk_full(self, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", disk_full)
    with pytest.raises(OSError):
        do_attach_evidence(report, "规划.pdf", b"%PDF-1.4\n" + b"x" * 4096, scope=cast.scope("reporter"))
    media = upload_dirs[0]
    assert not list(media.rglob("*.part")) and not EvidenceFile.objects.exists()
