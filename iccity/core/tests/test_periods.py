"""Period strings and cumulative (1—N月) ↔ per-period conversion."""
import datetime as dt
from decimal import Decimal

import pytest

from iccity.core.periods import (
    PeriodError, cumulative_to_periods, parse_period, period_label, periods_to_cumulative,
)


@pytest.mark.parametrize("text, key, end, frequency, cumulative", [
    ("2024", "2024", dt.date(2024, 12, 31), "annual", False),
    ("2024年", "2024", dt.date(2024, 12, 31), "annual", False),
    ("2024年度", "2024", dt.date(2024, 12, 31), "annual", False),
    ("2024Q1", "2024Q1", dt.date(2024, 3, 31), "quarterly", False),
    ("2024-q3", "2024Q3", dt.date(2024, 9, 30), "quarterly", False),
    ("2024-03", "2024-03", dt.date(2024, 3, 31), "monthly", False),
    ("2024-2", "2024-02", dt.date(2024, 2, 29), "monthly", False),   # leap year
    ("2024.11", "2024-11", dt.date(2024, 11, 30), "monthly", False),
    ("2024年3月", "2024-03", dt.date(2024, 3, 31), "monthly", False),
    ("2024年十二月", "2024-12", dt.date(2024, 12, 31), "monthly", False),
    ("2024年第一季度", "2024Q1", dt.date(2024, 3, 31), "quarterly", False),
    ("2024年二季度", "2024Q2", dt.date(2024, 6, 30), "quarterly", False),
    ("2024年1-3月", "2024-03", dt.date(2024, 3, 31), "monthly", True),
    ("2024年1—11月", "2024-11", dt.date(2024, 11, 30), "monthly", True),
    ("2024年1至6月累计", "2024-06", dt.date(2024, 6, 30), "monthly", True),
    ("2024年上半年", "2024Q2", dt.date(2024, 6, 30), "quarterly", True),
    ("2024年前三季度", "2024Q3", dt.date(2024, 9, 30), "quarterly", True),
])
def test_period_strings_give_key_end_and_frequency(text, key, end, frequency, cumulative):
    p = parse_period(text)
    assert (p.key, p.end, p.frequency, p.cumulative) == (key, end, frequency, cumulative)


def test_january_year_to_date_is_just_january():
    assert parse_period("2024年1-1月").cumulative is False


@pytest.mark.parametrize("text, words", [
    ("2024年4-6月", "只支持从1月起的累计"),
    ("2024年13月", "月份应为1—12"),
    ("2024Q5", "无法识别期间"),
    ("去年", "无法识别期间"),
])
def test_unreadable_periods_are_refused_in_chinese(text, words):
    with pytest.raises(PeriodError) as err:
        parse_period(text)
    assert words in err.value.message


def test_labels():
    assert period_label("2024-03") == "2024年3月"
    assert period_label("2024-03", cumulative=True) == "2024年1—3月"
    assert period_label("2024Q1") == "2024年第一季度"
    assert period_label("2024Q2", cumulative=True) == "2024年上半年"


def test_cumulative_to_monthly_by_differences():
    # 1—1月 10, 1—2月 25, 1—3月 45 → 10, 15, 20
    assert cumulative_to_periods({"2024-01": 10, "2024-02": 25, "2024年1-3月": 45}) == {
        "2024-01": Decimal(10), "2024-02": Decimal(15), "2024-03": Decimal(20)}


def test_cumulative_restarts_each_year():
    # January 2024 is not differenced against 1—2月 2023
    out = cumulative_to_periods({"2023-01": 5, "2023-02": 12, "2024-01": 9})
    assert out == {"2023-01": Decimal(5), "2023-02": Decimal(7), "2024-01": Decimal(9)}
    with pytest.raises(PeriodError):   # 2023-11 needs 1—10月
        cumulative_to_periods({"2023-11": 100})


def test_missing_month_is_refused_with_a_clear_message():
    with pytest.raises(PeriodError) as err:
        cumulative_to_periods({"2024-01": 10, "2024-03": 45})
    assert err.value.message == "缺少2024年1—2月的累计值，无法推算2024年3月的当期值"


def test_january_missing_mentions_the_combined_january_february_release():
    with pytest.raises(PeriodError) as err:
        cumulative_to_periods({"2024-02": 25})
    assert "1—2月合并发布" in err.value.message


def test_periods_to_cumulative_by_sums_and_back():
    monthly = {"2024-01": Decimal("10.5"), "2024-02": Decimal("15"), "2024-03": Decimal("20")}
    cumulative = periods_to_cumulative(monthly)
    assert cumulative == {"2024-01": Decimal("10.5"), "2024-02": Decimal("25.5"), "2024-03": Decimal("45.5")}
    assert cumulative_to_periods(cumulative) == monthly


def test_periods_to_cumulative_refuses_a_gap():
    with pytest.raises(PeriodError) as err:
        periods_to_cumulative({"2024-01": 1, "2024-03": 3})
    assert err.value.message == "缺少2024年2月的数值，无法累计到2024年1—3月"


def test_quarterly_cumulative():
    # 上半年 30, 前三季度 50 need Q1; with Q1 = 12 → Q2 18, Q3 20
    assert cumulative_to_periods({"2024Q1": 12, "2024Q2": 30, "2024Q3": 50}) == {
        "2024Q1": Decimal(12), "2024Q2": Decimal(18), "2024Q3": Decimal(20)}
    with pytest.raises(PeriodError) as err:
        cumulative_to_periods({"2024Q3": 50})
    assert "缺少2024年上半年的累计值" in err.value.message


def test_annual_values_need_no_conversion():
    with pytest.raises(PeriodError):
        cumulative_to_periods({"2024": 1})


def test_period_bounds_give_the_first_and_last_day_of_years_quarters_and_months():
    from iccity.core.periods import period_bounds

    assert period_bounds("2024") == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert period_bounds("2026Q4") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert period_bounds("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
