"""Indicator workbooks (issue 12 item 2): a zip bomb or a sheet past the row cap is a file problem in Chinese,
found before openpyxl inflates the sheet, with the process's memory bounded (measured)."""
from __future__ import annotations

from iccity.core.tests.bombs import MB, peak_growth, xlsx_cells_bomb, xlsx_sparse_claim
from iccity.indicators.importing import read_table


def test_a_small_workbook_with_four_million_cells_is_a_zip_bomb_problem_in_bounded_memory():
    measured = peak_growth(read_table, xlsx_cells_bomb(4_000_000, sheet="数据"), "指标.xlsx")
    table = measured.outcome
    assert [p.code for p in table.problems] == ["zip_bomb"]
    assert "指标工作簿" in table.problems[0].message and "疑似压缩炸弹" in table.problems[0].message
    assert measured.rss_growth < 40 * MB, f"RSS grew {measured.rss_growth / MB:.0f} MB"


def test_a_sheet_claiming_a_million_rows_stops_at_the_row_cap(settings):
    settings.ICCITY_SHEET_LIMITS = {"max_rows": 5000}
    measured = peak_growth(read_table, xlsx_sparse_claim(1_000_000, sheet="数据", header=["指标代码", "期间", "数值"]),
                           "指标.xlsx")
    table = measured.outcome
    assert [p.code for p in table.problems] == ["too_many_cells"]
    assert "超过 5000 行的上限" in table.problems[0].message
    assert measured.rss_growth < 60 * MB, f"RSS grew {measured.rss_growth / MB:.0f} MB"
