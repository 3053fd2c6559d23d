"""File names and times are Beijing time and keep their punctuation: the 台账 exported at 21:19 UTC on 3 December is
named …-20261204-0519.xlsx (as the page shows 12-04 05:19); the monthly report keeps the plan title's （—）; both
downloads carry an RFC 5987 ``filename*``."""
from __future__ import annotations

import datetime as dt
import io
from urllib.parse import unquote

from openpyxl import load_workbook

from iccity.core import clock
from iccity.core.timefmt import doc_date, doc_datetime, file_stamp, screen_date, screen_datetime
from iccity.reports.actions.documents import do_generate_document

LATE_EVENING_UTC = dt.datetime(2026, 12, 3, 21, 19, tzinfo=dt.UTC)  # 2026-12-04 05:19 in Beijing


def filename_star(response) -> str:
    header = response["Content-Disposition"]
    assert "filename*=utf-8''" in header, header
    return unquote(header.split("filename*=utf-8''", 1)[1])


def test_time_helpers_write_beijing_time_for_documents_screens_and_files():
    assert doc_date(LATE_EVENING_UTC) == "2026年12月4日"
    assert doc_date(dt.date(2026, 11, 6)) == "2026年11月6日"  # no zero padding
    assert doc_datetime(LATE_EVENING_UTC) == "2026年12月4日 05:19"
    assert screen_date(LATE_EVENING_UTC) == "2026-12-04"
    assert screen_datetime(LATE_EVENING_UTC) == "2026-12-04 05:19"
    assert file_stamp(LATE_EVENING_UTC) == "20261204-0519"


def test_the_ledger_is_named_and_stamped_in_beijing_time(xiqing_plan, office_admin, client):
    client.force_login(office_admin)
    with clock.travel(LATE_EVENING_UTC):
        page = client.post("/reports/ledger/export/")
        api = client.post("/api/reports/ledger/exports")
    for response in (page, api):
        assert response.status_code == 200
        assert filename_star(response) == "台账-全部单位-20261204-0519.xlsx"
    sheet = load_workbook(io.BytesIO(page.content))["台账"]
    assert "导出时间：2026年12月4日 05:19" in sheet["A2"].value


def test_the_monthly_report_name_keeps_the_plan_title_punctuation(activity, fixed_evaluation, office_admin, client):
    document = do_generate_document("monthly", {"period": "2026-05"}, actor=office_admin)
    client.force_login(office_admin)
    for url in (f"/reports/documents/{document.pk}/download/", f"/api/reports/documents/{document.pk}/file"):
        response = client.get(url)
        assert response.status_code == 200, url
        name = filename_star(response)
        assert name.startswith("西青区加快建设国际消费中心城市行动方案（2023—2027年）2026年5月推进情况报告"), name
        assert name.endswith("-2026-05.docx") and "/" not in name
