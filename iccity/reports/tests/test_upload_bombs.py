"""Office-file bombs at the reports entry points (issue 12 item 2): the 台账 import and the Word template upload
refuse them in Chinese before a parser inflates anything, and the process's memory stays bounded (measured)."""
from __future__ import annotations

import io

import pytest

from iccity.core.actions import ActionRefused
from iccity.core.tests.bombs import MB, docx_bomb, peak_growth, xlsx_cells_bomb, xlsx_sparse_claim
from iccity.reports.actions.documents import do_upload_template
from iccity.reports.actions.ledger import do_preview_ledger_import
from iccity.reports.models import DocumentTemplate, LedgerImport

from .test_ledger import world  # noqa: F401 - the ledger tests' fixture


def test_ledger_import_refuses_a_small_xlsx_with_four_million_cells_in_bounded_memory(world):  # noqa: F811
    bomb = xlsx_cells_bomb(4_000_000)
    assert len(bomb) < 400 * 1024  # the review's file was 165 KB
    measured = peak_growth(do_preview_ledger_import, bomb, "台账.xlsx", world.reporter)
    assert isinstance(measured.outcome, ActionRefused), measured.outcome
    assert "疑似压缩炸弹" in str(measured.outcome)
    assert measured.rss_growth < 40 * MB, f"RSS grew {measured.rss_growth / MB:.0f} MB"  # was 1.6 GB before
    assert not LedgerImport.objects.exists()


def test_ledger_import_stops_reading_a_sheet_that_claims_a_million_rows(world):  # noqa: F811
    from iccity.reports.ledger import COLUMNS

    tiny = xlsx_sparse_claim(1_000_000, header=[c.header for c in COLUMNS])
    assert len(tiny) < 10 * 1024
    measured = peak_growth(do_preview_ledger_import, tiny, "台账.xlsx", world.reporter)
    assert isinstance(measured.outcome, ActionRefused), measured.outcome
    assert "超过 50000 行的上限" in str(measured.outcome)
    assert measured.rss_growth < 60 * MB, f"RSS grew {measured.rss_growth / MB:.0f} MB"
    assert not LedgerImport.objects.exists()


def test_template_upload_refuses_a_docx_whose_xml_expands_past_the_limit_in_bounded_memory(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bomb = docx_bomb(100 * MB)
    assert len(bomb) < 1 * MB
    measured = peak_growth(do_upload_template, "urge", "炸弹", io.BytesIO(bomb))
    assert isinstance(measured.outcome, ActionRefused), measured.outcome
    assert "模板" in str(measured.outcome) and "疑似压缩炸弹" in str(measured.outcome)
    assert measured.rss_growth < 40 * MB, f"RSS grew {measured.rss_growth / MB:.0f} MB"  # was 3.3 GB before
    assert not DocumentTemplate.objects.exists()


@pytest.mark.parametrize("limit_key, limit", [("max_total_bytes", 50 * 1024), ("max_entries", 5)])
def test_template_upload_obeys_the_configured_zip_limits(db, settings, tmp_path, limit_key, limit):
    from iccity.reports.documents import templates_builtin

    settings.MEDIA_ROOT = tmp_path
    settings.ICCITY_ZIP_LIMITS = {limit_key: limit}
    with pytest.raises(ActionRefused, match="超过上限"):
        do_upload_template("urge", "内置", io.BytesIO(templates_builtin.builtin_bytes("urge")))
