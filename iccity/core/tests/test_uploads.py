"""core.uploads: the one zip check every Office upload passes before a parser sees it, and capped streaming reads."""
from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from iccity.core import uploads

from .bombs import MB, docx_bomb, peak_growth, xlsx_cells_bomb, xlsx_sparse_claim


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_an_ordinary_office_file_passes():
    uploads.check_zip(_zip({"word/document.xml": "<w:document>正文</w:document>".encode() * 50}))


def test_too_many_entries_are_refused_before_the_directory_is_parsed(settings):
    settings.ICCITY_ZIP_LIMITS = {"max_entries": 10}
    with pytest.raises(uploads.UploadRefused, match="内含 11 个部件，超过上限 10 个"):
        uploads.check_zip(_zip({f"part{i}.xml": b"<x/>" for i in range(11)}), what="文件")


def test_total_uncompressed_size_over_the_limit_is_refused(settings):
    settings.ICCITY_ZIP_LIMITS = {"max_total_bytes": 1 * MB, "ratio_floor_bytes": 10 * MB}
    data = _zip({f"p{i}.xml": bytes(range(256)) * 1500 for i in range(3)})  # 3 × 384 KB: each small, together too big
    with pytest.raises(uploads.UploadRefused, match="解压后共 1.1 MB，超过上限 1 MB"):
        uploads.check_zip(data)


def test_an_entry_that_expands_far_more_than_real_documents_is_refused():
    with pytest.raises(uploads.UploadRefused, match=r"document.xml”压缩比达 \d+ 倍（上限 100 倍），疑似压缩炸弹"):
        uploads.check_zip(docx_bomb(8 * MB), what="模板")


def test_something_that_is_not_a_zip_is_refused_in_chinese():
    with pytest.raises(uploads.UploadRefused, match="不是有效的 Office 文件"):
        uploads.check_zip(b"PK\x03\x04 not really a zip")


def test_the_check_leaves_an_uploaded_file_object_rewound():
    data = _zip({"a.xml": b"<a/>"})
    fh = io.BytesIO(data)
    uploads.check_zip(fh)
    assert fh.tell() == 0 and fh.read() == data


def test_checking_a_gigantic_claimed_expansion_costs_almost_no_memory():
    bomb = xlsx_cells_bomb(4_000_000)
    assert len(bomb) < 1 * MB
    measured = peak_growth(uploads.check_zip, bomb, what="台账")
    assert isinstance(measured.outcome, uploads.UploadRefused) and "疑似压缩炸弹" in str(measured.outcome)
    assert measured.rss_growth < 20 * MB and measured.traced_peak < 5 * MB


def test_streaming_rows_stop_at_the_row_cap_even_when_the_sheet_claims_a_million(settings):
    settings.ICCITY_SHEET_LIMITS = {"max_rows": 1000}
    wb = load_workbook(io.BytesIO(xlsx_sparse_claim(1_000_000)), read_only=True, data_only=True)
    measured = peak_growth(lambda: sum(1 for _ in uploads.sheet_rows(wb["台账"], what="台账")))
    wb.close()
    assert isinstance(measured.outcome, uploads.UploadRefused) and "超过 1000 行的上限" in str(measured.outcome)
    assert measured.rss_growth < 30 * MB


def test_streaming_rows_stop_at_the_cell_cap(settings):
    settings.ICCITY_SHEET_LIMITS = {"max_cells": 5000, "max_columns": 200}
    wb = load_workbook(io.BytesIO(xlsx_sparse_claim(100)), read_only=True, data_only=True)
    with pytest.raises(uploads.UploadRefused, match="超过 5000 个单元格的上限"):
        list(uploads.sheet_rows(wb["台账"]))  # the claimed XFD width is capped at 200 columns: 25 rows pass
    wb.close()
