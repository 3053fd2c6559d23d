"""The office's pages, API and CLI for Word outputs."""
from __future__ import annotations

import io

from django.core.management import call_command

from iccity.reports.models import DocumentTemplate, GeneratedDocument


def test_office_generates_a_monthly_report_and_downloads_it(activity, fixed_evaluation, client, office_admin):
    client.force_login(office_admin)
    page = client.get("/reports/documents/")
    assert page.status_code == 200 and "月度进展报告" in page.content.decode()
    response = client.post("/reports/documents/generate/", {"kind": "monthly", "period": "2026-05"})
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302 and response.url == f"/reports/documents/{document.pk}/download/"
    download = client.get(response.url)
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    assert document.created_by == office_admin


def test_generate_page_shows_chinese_refusal_and_saves_nothing(activity, fixed_evaluation, client, office_admin):
    client.force_login(office_admin)
    response = client.post("/reports/documents/generate/", {"kind": "stocktake"})
    assert response.status_code == 400 and "调度会材料须指定专班" in response.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_template_download_and_upload_from_the_page(media, client, office_admin):
    client.force_login(office_admin)
    template = client.get("/reports/documents/templates/urge/download/")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    upload = io.BytesIO(template.content)
    upload.name = "催办.docx"
    response = client.post("/reports/documents/templates/upload/", {"kind": "urge", "name": "办公室红头", "file": upload})
    assert response.status_code == 302 and DocumentTemplate.objects.get().name == "办公室红头"
    bad = io.BytesIO(b"plain text")
    bad.name = "x.docx"
    response = client.post("/reports/documents/templates/upload/", {"kind": "urge", "name": "坏", "file": bad})
    assert response.status_code == 400 and "不是 Word（.docx）文件" in response.content.decode()
    client.post("/reports/documents/templates/urge/restore/")
    assert not DocumentTemplate.objects.filter(is_active=True).exists()


def test_documents_pages_are_for_the_office_only(media, client, django_user_model):
    user = django_user_model.objects.create_user("someone", password="pass-123456")
    client.force_login(user)
    assert client.get("/reports/documents/").status_code == 403
    assert client.post("/api/reports/documents", {"kind": "monthly"}, content_type="application/json").status_code == 403


def test_api_generates_and_lists_documents(activity, fixed_evaluation, client, office_admin):
    client.force_login(office_admin)
    response = client.post("/api/reports/documents", {"kind": "urge", "notice": activity["notice"].pk},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"].startswith("催办单") and body["is_demo"]
    assert client.get(body["download_url"]).status_code == 200
    assert [d["id"] for d in client.get("/api/reports/documents").json()] == [body["id"]]
    bad = client.post("/api/reports/documents", {"kind": "special", "task": "T99"}, content_type="application/json")
    assert bad.status_code == 400 and "T99" in bad.json()["detail"]


def test_cli_generates_a_document_and_writes_a_copy(activity, fixed_evaluation, tmp_path):
    out = io.StringIO()
    target = tmp_path / "月报.docx"
    call_command("reports", "generate", "monthly", "--period", "2026-05", "--out", str(target), stdout=out)
    assert "已生成《" in out.getvalue() and target.read_bytes()[:2] == b"PK"
