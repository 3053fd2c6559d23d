"""How ledger cells are read: Excel dates and the ways people type dates and percentages."""
from __future__ import annotations

import datetime as dt

import pytest

from iccity.reports.ledger_columns import CellError, cjk_width, normalise, parse_date, parse_percent


@pytest.mark.parametrize("value", [
    dt.datetime(2026, 3, 5), dt.date(2026, 3, 5), "2026年3月5日", "2026 年 3 月 5 日", "2026-03-05", "2026/3/5",
    "2026.3.5", "20260305", "２０２６－０３－０５", 46086,
])
def test_dates_typed_in_any_common_way_read_as_the_same_day(value):
    assert parse_date(value) == dt.date(2026, 3, 5)


@pytest.mark.parametrize("value", ["下周", "2026-13-01", "3月5日", True, 12])
def test_what_is_not_a_full_date_is_refused(value):
    with pytest.raises(CellError):
        parse_date(value)


@pytest.mark.parametrize("value,expected", [("60%", 60), ("60", 60), (60, 60), (60.0, 60), (0.6, 60), ("６０％", 60),
                                            (None, None), ("", None), (100, 100), (0, 0)])
def test_progress_accepts_percent_signs_and_percentage_formatted_cells(value, expected):
    assert parse_percent(value) == expected


@pytest.mark.parametrize("value", ["101", -1, "一半"])
def test_progress_outside_0_to_100_or_not_a_number_is_refused(value):
    with pytest.raises(CellError):
        parse_percent(value)


def test_normalise_ignores_line_ending_and_trailing_space_differences():
    assert normalise("第一行 \r\n第二行\n") == normalise("第一行\n第二行") == "第一行\n第二行"
    assert normalise(40.0) == "40"


def test_a_chinese_character_counts_about_two_width_units():
    assert cjk_width("区商务局") == 8
    assert cjk_width("T12") < 4
