"""Evidence that is an Office file (issue 12 item 2): a zip bomb is refused before anything opens it."""
from __future__ import annotations

import pytest

from iccity.core.actions import ActionRefused
from iccity.core.tests.bombs import MB, docx_bomb, peak_growth, xlsx_cells_bomb
from iccity.delivery.actions import do_attach_evidence
from iccity.delivery.models import Evidence, EvidenceFile

from .test_evidence import media, report  # noqa: F401 - the evidence tests' fixtures


@pytest.mark.parametrize("filename, make", [("总结.docx", lambda: docx_bomb(100 * MB)),
                                            ("台账.xlsx", lambda: xlsx_cells_bomb(4_000_000))])
def test_office_evidence_that_is_a_zip_bomb_is_refused_and_nothing_is_stored(cast, report, media, filename, make):  # noqa: F811
    measured = peak_growth(do_attach_evidence, report, filename, make(), scope=cast.scope("reporter"))
    assert isinstance(measured.outcome, ActionRefused), measured.outcome
    assert f"佐证材料“{filename}”" in str(measured.outcome) and "疑似压缩炸弹" in str(measured.outcome)
    assert measured.rss_growth < 40 * MB
    assert not Evidence.objects.exists() and not EvidenceFile.objects.exists()
    assert not any(media.rglob("*.part")) and not any(p.is_file() for p in media.rglob("*"))
