"""Per-endpoint upload limits enforced while streaming (issue 12 item 3), and the sweep of what killed uploads
leave behind."""
from __future__ import annotations

import os
import time

import pytest
from django.conf import settings
from django.core.management import call_command

from iccity.core import upload_handlers

from .bombs import MB, MultipartStream


@pytest.fixture
def upload_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "uploads-tmp"
    settings.MEDIA_ROOT.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    return settings.FILE_UPLOAD_TEMP_DIR


@pytest.mark.parametrize("path, size, limit", [
    ("/reports/documents/templates/upload/", 11 * MB, "上限为 10 MB"),
    ("/reports/ledger/import/", 11 * MB, "上限为 10 MB"),
    ("/indicators/import/", 6 * MB, "上限为 5 MB"),
    ("/plans/import/", 21 * MB, "上限为 20 MB"),
])
def test_each_upload_endpoint_refuses_a_file_over_its_own_limit(client, office_admin, upload_tmp, path, size, limit):
    client.force_login(office_admin)
    body = MultipartStream(size, filename="大文件.docx", fields={"kind": "urge", "name": "x"})
    response = client.request(**body.environ(path))
    assert response.status_code == 413 and limit in response.content.decode()
    assert not any(upload_tmp.iterdir())


def test_the_api_gets_the_refusal_as_json(client, office_admin, upload_tmp):
    client.force_login(office_admin)
    response = client.request(**MultipartStream(11 * MB, filename="台账.xlsx").environ("/api/reports/ledger/imports"))
    assert response.status_code == 413 and "上限为 10 MB" in response.json()["detail"]


def test_the_largest_request_cap_is_what_nginx_should_allow(db):
    assert upload_handlers.largest_request_cap() == 5 * 20 * MB + 1 * MB  # evidence: 5 files × 20 MB + form fields
    assert upload_handlers.largest_request_cap() == settings.ICCITY_MAX_REQUEST_BODY_BYTES  # what nginx is told


def test_sweep_removes_stale_partial_files_only_and_can_run_twice(upload_tmp, settings):
    media = settings.MEDIA_ROOT
    (media / "evidence" / "ab").mkdir(parents=True)
    stale_part = media / "evidence" / "ab" / "abc.pdf.1234.part"
    fresh_part = media / "evidence" / "ab" / "def.pdf.5678.part"
    stale_tmp = upload_tmp / "tmpabc.upload.pdf"
    kept = media / "evidence" / "ab" / "abc.pdf"
    for path in (stale_part, fresh_part, stale_tmp, kept):
        path.write_bytes(b"x" * 1024)
    old = time.time() - 3 * 3600
    for path in (stale_part, stale_tmp, kept):
        os.utime(path, (old, old))
    call_command("sweep_uploads")
    call_command("sweep_uploads")
    assert not stale_part.exists() and not stale_tmp.exists()
    assert fresh_part.exists() and kept.exists()  # an upload in progress and stored evidence are never touched
