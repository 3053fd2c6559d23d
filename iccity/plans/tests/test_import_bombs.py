"""Plan files (issue 12 item 2): a .docx bomb is refused at the import entry point, before the parser inflates it."""
from __future__ import annotations

import pytest

from iccity.core.tests.bombs import MB, docx_bomb, peak_growth
from iccity.plans.actions import do_import_plan
from iccity.plans.models import PlanVersion
from iccity.plans.parsing import PlanReadError


@pytest.mark.django_db
def test_a_docx_whose_xml_expands_to_100_mb_is_refused_in_chinese_in_bounded_memory():
    measured = peak_growth(do_import_plan, docx_bomb(100 * MB), "行动方案.docx")
    assert isinstance(measured.outcome, PlanReadError), measured.outcome
    assert "方案文件" in str(measured.outcome) and "疑似压缩炸弹" in str(measured.outcome)
    assert measured.rss_growth < 40 * MB, f"RSS grew {measured.rss_growth / MB:.0f} MB"
    assert not PlanVersion.objects.exists()
