"""台账 through the pages, the API and the CLI: the same actions, the same Chinese refusals."""
from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from iccity.core import clock
from iccity.reports.models import LedgerImport, LedgerImportState

from .test_ledger import TODAY, col, find_row, open_book, save, world  # noqa: F401  (world is a fixture)
from .test_ledger import SHEET


def test_pages_export_upload_preview_and_apply(world, client):
    client.force_login(world.office)
    with clock.travel(TODAY):
        assert "导出 Excel" in client.get(reverse("reports:ledger")).content.decode()
        response = client.post(reverse("reports:ledger_export"))
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        wb = open_book(response.content)
        ws = wb[SHEET]
        ws.cell(find_row(ws, "事项编号", f"W{world.items[0].pk}"), col("完成日期")).value = "2026-03-01"
        upload = SimpleUploadedFile("台账.xlsx", save(wb))
        response = client.post(reverse("reports:ledger_upload"), {"file": upload})
        imp = LedgerImport.objects.get()
        assert response.url == reverse("reports:ledger_preview", args=[imp.pk])
        page = client.get(response.url).content.decode()
        assert "办结事项，完成日期 2026-03-01" in page and "没有冲突" in page
        client.post(reverse("reports:ledger_apply", args=[imp.pk]))
        imp.refresh_from_db()
        assert imp.state == LedgerImportState.APPLIED
        page = client.get(reverse("reports:ledger_preview", args=[imp.pk]), follow=True).content.decode()
        assert "已导入" in page
        again = client.post(reverse("reports:ledger_apply", args=[imp.pk]), follow=True).content.decode()
        assert "不能重复导入" in again


def test_a_unit_sees_its_own_export_only_and_a_bad_upload_gets_a_chinese_message(world, client):
    client.force_login(world.other_reporter)
    page = client.get(reverse("reports:ledger")).content.decode()
    assert "全部单位" not in page.split("导出 Excel")[0].split("ledger-unit")[1]
    response = client.post(reverse("reports:ledger_upload"), {"file": SimpleUploadedFile("x.xlsx", b"junk")}, follow=True)
    assert "文件无法读取" in response.content.decode()


def test_api_preview_and_apply_refuses_the_second_apply(world, client):
    client.force_login(world.office)
    with clock.travel(TODAY):
        data = client.post("/api/reports/ledger/exports").content
        response = client.post("/api/reports/ledger/imports", {"file": SimpleUploadedFile("l.xlsx", data)})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["summary"]["changes"] == body["summary"]["conflicts"] == body["summary"]["errors"] == 0
        assert client.post(f"/api/reports/ledger/imports/{body['id']}/apply").status_code == 200
        second = client.post(f"/api/reports/ledger/imports/{body['id']}/apply")
    assert second.status_code == 409 and "不能重复导入" in second.json()["detail"]


def test_cli_exports_and_previews_as_a_user(world, tmp_path):
    out = tmp_path / "ledger.xlsx"
    stdout = io.StringIO()
    with clock.travel(TODAY):
        call_command("reports", "ledger-export", "--out", str(out), "--as", "reporter", stdout=stdout)
        call_command("reports", "ledger-import", str(out), "--as", "reporter", "--apply", stdout=stdout)
    text = stdout.getvalue()
    assert "变更 0，冲突 0，错误 0" in text and "没有需要导入的变更" in text
