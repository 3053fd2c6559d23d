"""Progress status (Open SDG method) and trajectories, with the numbers worked out by hand in the comments."""
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from iccity.core.models import Rule
from iccity.core.rules import do_ensure_declared_rules
from iccity.indicators.models import Indicator, IndicatorTarget, Observation, Release
from iccity.indicators.progress import (
    THRESHOLDS_RULE, SeriesPoint, TargetSpec, indicator_status, meets, progress_status, required_path, series,
)
from iccity.core.periods import period_end


@dataclass
class Ind:
    name: str = "测试指标"
    unit: str = "亿元"
    direction: str = "higher"
    value_kind: str = "level"
    trajectory_method: str = "compound"
    threshold_scale: float = 1
    limitations: str = ""
    series_breaks: list = field(default_factory=list)


def pts(values: dict, growth: dict | None = None) -> list[SeriesPoint]:
    years = sorted(set(values) | set(growth or {}))
    return [SeriesPoint(str(y), dt.date(y, 12, 31), None if values.get(y) is None else Decimal(str(values[y])),
                        None if (growth or {}).get(y) is None else Decimal(str(growth[y]))) for y in years]


DOUBLE = TargetSpec(kind="relative", comparator="x", value=2, year=2027, baseline_year=2022)


# ---------------------------------------------------------------- 翻一番 from a 2022 baseline

def test_doubling_path_uses_the_required_cagr():
    # required CAGR = 2^(1/5) − 1 = 14.87%; path 100 × 2^(i/5)
    path = required_path(DOUBLE, 2022, 100, "compound")
    assert [y for y, _ in path] == [2022, 2023, 2024, 2025, 2026, 2027]
    assert [round(v, 2) for _, v in path] == [100, 114.87, 131.95, 151.57, 174.11, 200]


@pytest.mark.parametrize("value_2024, code, ratio", [
    (132, "on_track", 1.00),               # √1.32 − 1 = 14.89%; 14.89 / 14.87 = 1.00 ≥ 0.95
    (120, "acceleration_needed", 0.64),    # √1.20 − 1 = 9.54%; 9.54 / 14.87 = 0.64
    (108.5, "limited_progress", 0.28),     # √1.085 − 1 = 4.16%; 4.16 / 14.87 = 0.28
    (95, "deterioration", -0.17),          # √0.95 − 1 = −2.53%; −2.53 / 14.87 = −0.17
])
def test_doubling_status_from_observed_2024(value_2024, code, ratio):
    status = progress_status(Ind(), DOUBLE, pts({2022: 100, 2023: 104, 2024: value_2024}))
    assert status.code == code
    assert round(status.ratio, 2) == ratio
    assert round(status.required_cagr, 4) == 0.1487


def test_reason_shows_numbers_and_rule():
    status = progress_status(Ind(), DOUBLE, pts({2022: 100, 2023: 104, 2024: 108.5}))
    assert status.reason == "2022—2024年年均增长4.2%，实现目标需年均增长14.9%，比值0.28＜0.60：进展有限"
    assert status.label == "进展有限"


def test_doubling_achieved_when_level_reaches_twice_the_baseline():
    status = progress_status(Ind(), DOUBLE, pts({2022: 100, 2023: 150, 2024: 200}))
    assert status.code == "achieved" and status.label == "已实现"


# ---------------------------------------------------------------- lower is better

DAYS = Ind(name="消费投诉平均处理时长", unit="天", direction="lower")
DAYS_TARGET = TargetSpec(kind="absolute", comparator="<=", value=5, year=2025, baseline_year=2022)


@pytest.mark.parametrize("value_2024, code", [
    (7, "acceleration_needed"),   # √0.7 − 1 = −16.33%; required ∛0.5 − 1 = −20.63%; ratio 0.79
    (6, "on_track"),              # √0.6 − 1 = −22.54%; ratio 1.09
    (12, "deterioration"),        # √1.2 − 1 = +9.54%; ratio −0.46
    (5, "achieved"),              # 5 ≤ 5
])
def test_lower_is_better(value_2024, code):
    status = progress_status(DAYS, DAYS_TARGET, pts({2022: 10, 2023: 9, 2024: value_2024}))
    assert status.code == code


def test_lower_is_better_reason_says_decline():
    status = progress_status(DAYS, DAYS_TARGET, pts({2022: 10, 2023: 9, 2024: 7}))
    assert status.reason == "2022—2024年年均下降16.3%，实现目标需年均下降20.6%，比值0.79＜0.95：需加快"


# ---------------------------------------------------------------- counts: linear path (津农精品)

BRANDS = Ind(name="津农精品品牌数", unit="个", value_kind="count", trajectory_method="linear")
BRANDS_TARGET = TargetSpec(kind="absolute", comparator=">=", value=25, year=2027, baseline_year=2023)


def test_count_target_linear_path():
    # (25 − 10) / 4 = 3.75 a year
    assert required_path(BRANDS_TARGET, 2023, 10, "linear") == [
        (2023, 10), (2024, 13.75), (2025, 17.5), (2026, 21.25), (2027, 25)]


def test_zero_baseline_falls_back_to_linear():
    # CAGR from 0 is undefined: 0, 6.25, 12.5, 18.75, 25
    assert required_path(BRANDS_TARGET, 2023, 0, "compound")[1] == (2024, 6.25)


def test_count_status_compares_average_annual_change():
    # (17 − 10) / 2 = 3.5 a year against 3.75 needed: 0.93 < 0.95
    status = progress_status(BRANDS, BRANDS_TARGET, pts({2023: 10, 2024: 13, 2025: 17}))
    assert status.code == "acceleration_needed"
    assert status.reason == "2023—2025年年均增加3.5个，实现目标需年均增加3.75个，比值0.93＜0.95：需加快"
    # (18 − 10) / 2 = 4 a year: 1.07
    assert progress_status(BRANDS, BRANDS_TARGET, pts({2023: 10, 2024: 13, 2025: 18})).code == "on_track"
    # from 0: (12 − 0) / 2 = 6 against 25 / 4 = 6.25: 0.96
    assert progress_status(BRANDS, BRANDS_TARGET, pts({2023: 0, 2024: 5, 2025: 12})).code == "on_track"


def test_count_achieved():
    assert progress_status(BRANDS, BRANDS_TARGET, pts({2023: 10, 2024: 20, 2025: 25})).code == "achieved"


# ---------------------------------------------------------------- insufficient data

def test_two_years_are_insufficient_and_the_span_is_a_parameter():
    points = pts({2023: 10, 2024: 13})
    status = progress_status(BRANDS, BRANDS_TARGET, points)
    assert status.code == "insufficient_data" and status.label == "数据不足"
    # with a span of 1 year allowed: 3 a year against 3.75 → 0.80
    assert progress_status(BRANDS, BRANDS_TARGET, points, insufficient_span_years=1).code == "acceleration_needed"


def test_no_points_is_insufficient():
    assert progress_status(Ind(), DOUBLE, []).code == "insufficient_data"


def test_relative_target_without_baseline_is_insufficient():
    status = progress_status(Ind(), DOUBLE, pts({2023: 100, 2024: 110, 2025: 120}))
    assert status.code == "insufficient_data" and "基期" in status.reason


def test_series_break_is_not_joined():
    # population: 86.64万 (2019) → 118.62万 (2022) is the 2020 census, not growth
    points = pts({2018: 86.34, 2019: 86.64, 2022: 118.62, 2023: 119.47})
    assert progress_status(Ind(unit="万人"), None, points).code == "on_track"   # what a naive join would say
    broken = Ind(unit="万人", series_breaks=[2020])
    status = progress_status(broken, None, points)
    assert status.code == "insufficient_data" and "2020年序列断点之后" in status.reason


# ---------------------------------------------------------------- no target: 1.5%·C / 0.5%·C

@pytest.mark.parametrize("value_2024, scale, code", [
    (106.1208, 1, "on_track"),              # 1.02³: 2.0% ≥ 1.5%
    (103.0301, 1, "acceleration_needed"),   # 1.01³: 1.0% between 0.5% and 1.5%
    (100.9027, 1, "limited_progress"),      # 1.003³: 0.3% < 0.5%
    (97.0299, 1, "deterioration"),          # 0.99³: −1.0%
    (103.0301, 0.5, "on_track"),            # C = 0.5: 1.0% ≥ 0.75%
])
def test_no_target_thresholds_scale_with_c(value_2024, scale, code):
    status = progress_status(Ind(threshold_scale=scale), None, pts({2021: 100, 2022: 101, 2024: value_2024}))
    assert status.code == code


def test_no_target_lower_is_better_flips_the_sign():
    # 0.98³ = 0.941192: falling 2% a year is good for a lower-is-better indicator
    status = progress_status(DAYS, None, pts({2021: 100, 2022: 98, 2024: 94.1192}))
    assert status.code == "on_track" and "越低越好" in status.reason


# ---------------------------------------------------------------- sync target: 社零增速 vs GDP增速

RATE = Ind(name="社会消费品零售总额增速", unit="%", value_kind="rate_only")
SYNC = TargetSpec(kind="sync", comparator=">=", value=None, year=2027)


@pytest.mark.parametrize("retail, gdp, code", [
    (5.0, 4.7, "on_track"),
    (4.7, 4.7, "on_track"),                # equal growth is in step
    (3.5, 5.0, "acceleration_needed"),     # 3.5 / 5.0 = 0.70
    (2.0, 5.0, "limited_progress"),        # 0.40
    (-1.0, 5.0, "deterioration"),
])
def test_sync_target_compares_growth_with_the_reference_series(retail, gdp, code):
    status = progress_status(RATE, SYNC, pts({}, {2023: 6, 2024: retail}), reference_points=pts({}, {2024: gdp}))
    assert status.code == code
    change = f"增长{retail:.1f}%" if retail >= 0 else f"下降{-retail:.1f}%"
    assert f"2024年社会消费品零售总额{change}，参照序列增长{gdp:.1f}%" in status.reason


def test_sync_without_reference_for_that_year_is_insufficient():
    status = progress_status(RATE, SYNC, pts({}, {2024: 5}), reference_points=pts({}, {2023: 4.3}))
    assert status.code == "insufficient_data"


# ---------------------------------------------------------------- threshold 突破: strict

def test_breakthrough_is_strict():
    assert meets(5000, ">", 5000) is False
    assert meets(5000, ">=", 5000) is True
    target = TargetSpec(kind="threshold", comparator=">", value=5000, year=2025)
    equal = progress_status(Ind(), target, pts({2022: 4000, 2023: 4500, 2024: 5000}))
    assert equal.code != "achieved"
    # (5000/4000)^(1/2) − 1 = 11.8% against (5000/4000)^(1/3) − 1 = 7.7%: 1.53
    assert equal.code == "on_track"
    above = progress_status(Ind(), target, pts({2022: 4000, 2023: 4500, 2024: 5000.01}))
    assert above.code == "achieved"


# ---------------------------------------------------------------- rate-only indicators (服务零售额)

SERVICE = Ind(name="服务零售额增速", unit="%", value_kind="rate_only")
GROWTH_6 = TargetSpec(kind="growth", comparator=">=", value=6, year=2024)


def test_rate_only_judges_published_growth():
    assert progress_status(SERVICE, GROWTH_6, pts({}, {2024: 6.5})).code == "achieved"
    assert progress_status(SERVICE, GROWTH_6, pts({}, {2023: 6.5})).code == "on_track"
    slow = progress_status(SERVICE, GROWTH_6, pts({}, {2024: 4.5}))   # 4.5 / 6 = 0.75
    assert slow.code == "acceleration_needed" and round(slow.ratio, 2) == 0.75


def test_rate_only_cannot_take_a_level_target():
    level = TargetSpec(kind="absolute", comparator=">=", value=100, year=2025)
    assert progress_status(SERVICE, level, pts({}, {2024: 6.5})).code == "not_applicable"
    assert progress_status(SERVICE, None, pts({}, {2024: 6.5})).code == "not_applicable"


# ---------------------------------------------------------------- ORM: vintages, thresholds by date

@pytest.fixture
def indicator(db):
    return Indicator.objects.create(code="retail_test", name="社会消费品零售总额", definition="测试", unit="亿元",
                                    source_org="测试")


def _release(title, day):
    return Release.objects.create(title=title, publisher="区统计局", published_on=day)


def _obs(indicator, release, period, value):
    year = int(period[:4])
    return Observation.objects.create(indicator=indicator, release=release, period=period,
                                      period_end=dt.date(year, 12, 31), value=Decimal(value))


def test_vintages_latest_first_and_as_of(indicator):
    first = _release("2023年统计公报", dt.date(2024, 3, 20))
    revised = _release("2024年统计公报", dt.date(2025, 3, 20))
    _obs(indicator, first, "2023", 100)
    _obs(indicator, revised, "2023", 102)    # revision of 2023
    _obs(indicator, revised, "2024", 110)
    latest = series(indicator, as_of=dt.date(2025, 12, 31))
    assert [(p.period, p.value, p.release_title) for p in latest] == [
        ("2023", Decimal(102), "2024年统计公报"), ("2024", Decimal(110), "2024年统计公报")]
    firsts = series(indicator, vintage="first", as_of=dt.date(2025, 12, 31))
    assert [(p.period, p.value) for p in firsts] == [("2023", Decimal(100)), ("2024", Decimal(110))]
    before = series(indicator, as_of=dt.date(2024, 12, 31))
    assert [(p.period, p.value) for p in before] == [("2023", Decimal(100))]


def test_series_is_one_query_whatever_the_length(indicator, django_assert_num_queries):
    for year in range(2010, 2025):
        for n in range(3):
            _obs(indicator, _release(f"{year}版{n}", dt.date(year + 1, 1 + n, 1)), str(year), 100 + year + n)
    with django_assert_num_queries(1):
        points = series(indicator, as_of=dt.date(2030, 1, 1))
    assert len(points) == 15 and points[-1].value == Decimal(100 + 2024 + 2)


def test_threshold_rule_change_applies_by_date(indicator):
    do_ensure_declared_rules(prefix="indicators.")
    # v2 from 2025: on track from 0.60 (a policy change)
    Rule.objects.create(key=THRESHOLDS_RULE, version=2, title="指标进展判定阈值", effective_from=dt.date(2025, 1, 1),
                        value={"on_track": 0.60, "acceleration_needed": 0.30, "limited_progress": 0.0,
                               "no_target_on_track": 1.5, "no_target_acceleration": 0.5}, source="测试：会议纪要")
    release = _release("公报", dt.date(2024, 6, 1))
    for year, value in ((2020, 100), (2021, 105), (2022, 110), (2023, 115)):
        _obs(indicator, release, str(year), value)
    target = IndicatorTarget.objects.create(indicator=indicator, kind="absolute", comparator=">=", value=Decimal(150),
                                            year=2027, baseline_year=2020, source_document="测试", status="adopted")
    # (115/100)^(1/3) − 1 = 4.77%; (150/100)^(1/7) − 1 = 5.96%; ratio 0.80
    old = indicator_status(indicator, as_of=dt.date(2024, 12, 31))
    new = indicator_status(indicator, as_of=dt.date(2025, 6, 30))
    assert (old.code, new.code) == ("acceleration_needed", "on_track")
    assert "比值0.80≥0.60" in new.reason and target.source_document in new.reason


def test_defaults_apply_only_when_no_rule_row_exists(indicator):
    release = _release("公报", dt.date(2024, 6, 1))
    for year, value in ((2020, 100), (2021, 105), (2022, 110), (2023, 115)):
        _obs(indicator, release, str(year), value)
    assert indicator_status(indicator, as_of=dt.date(2024, 12, 31)).code == "on_track"   # no target: 4.8% ≥ 1.5%
    Rule.objects.create(key=THRESHOLDS_RULE, version=1, title="阈值", value={}, source="测试",
                        effective_from=dt.date(2026, 1, 1))
    with pytest.raises(Rule.DoesNotExist):   # a rule exists but not yet in force: do not silently use defaults
        indicator_status(indicator, as_of=dt.date(2024, 12, 31))


def test_indicator_status_uses_adopted_target_and_baseline_vintage(indicator):
    first = _release("2022年公报", dt.date(2023, 3, 1))
    base = _obs(indicator, first, "2022", 100)
    later = _release("2024年公报", dt.date(2025, 3, 1))
    _obs(indicator, later, "2022", 90)          # revision of the base year
    _obs(indicator, later, "2023", 110)
    _obs(indicator, later, "2024", 132)
    IndicatorTarget.objects.create(indicator=indicator, kind="relative", comparator="x", value=2, year=2027,
                                   baseline_year=2022, baseline_observation=base, source_document="测试方案",
                                   status="adopted")
    IndicatorTarget.objects.create(indicator=indicator, kind="absolute", comparator=">=", value=1, year=2026,
                                   source_document="草拟", status="draft")   # drafts are not judged
    status = indicator_status(indicator, as_of=dt.date(2025, 6, 1))
    # base 100 as named by the target (not the revised 90): √1.32 − 1 = 14.89% vs 14.87% → on track
    assert status.code == "on_track" and "测试方案" in status.reason


@pytest.mark.django_db
def test_an_indicator_published_only_as_year_to_date_totals_shows_single_months_by_difference():
    # 1—1月 100, 1—2月 210, 1—4月 450 (1—3月 missing): January 100, February 110; April cannot be derived
    ind = Indicator.objects.create(code="ytd", name="累计发布指标", definition="测试", unit="亿元",
                                   frequency="monthly", publication="cumulative", source_org="测试")
    release = Release.objects.create(title="月度统计", publisher="统计局", published_on=dt.date(2026, 5, 20))
    for key, value in (("2026-01", 100), ("2026-02", 210), ("2026-04", 450)):
        Observation.objects.create(indicator=ind, release=release, period=key, period_end=period_end(key),
                                   value=Decimal(value), is_cumulative=True)
    points = series(ind, as_of=dt.date(2026, 6, 1))
    assert [(p.period, p.value) for p in points] == [("2026-01", Decimal(100)), ("2026-02", Decimal(110))]
    assert points[1].release_title == "月度统计（由累计值推算）"
    assert [p.period for p in series(ind, as_of=dt.date(2026, 6, 1), cumulative=True)] == ["2026-01", "2026-02", "2026-04"]
    from iccity.indicators.progress import indicator_statuses

    latest, _status = indicator_statuses([ind], as_of=dt.date(2026, 6, 1))[ind.pk]
    assert (latest.period, latest.value) == ("2026-02", Decimal(110))  # the catalogue agrees with the page
