"""Every metric on the hand-made fixture (values worked out by hand from fixtures_analysis.TRANSACTIONS), and the
same metric answered from the rollups equals the raw scan."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from iccity.consumption import metrics
from iccity.consumption.engine import Engine

from .fixtures_analysis import A, B, TOWN_A, hand_dataset

D = dt.date


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    files = hand_dataset(tmp_path_factory.mktemp("hand"))
    eng = Engine(files=files, file_source=lambda kind: [])
    yield eng
    eng.close()


def rows(df: pd.DataFrame, *cols) -> list[tuple]:
    return [tuple(r) for r in df[list(cols)].itertuples(index=False)]


@pytest.mark.parametrize("source", ["raw", "rollup"])
def test_spend_transactions_and_average_ticket_by_district(engine, source):
    df = metrics.spend(engine, by=["district"], source=source)
    # A: 10000+20000+5000+3000+1000+5000+19000 over 7 txns; B: 8000+4000+6000 over 3
    assert rows(df, "district", "spend_fen", "txn_count") == sorted([(A, 63000, 7), (B, 18000, 3)])
    assert dict(zip(df.district, df.avg_ticket_fen)) == {A: 9000.0, B: 6000.0}


@pytest.mark.parametrize("source", ["raw", "rollup"])
def test_spend_by_category_town_hour_and_date_filter(engine, source):
    kw = {"start": D(2024, 2, 10), "end": D(2024, 2, 11), "source": source}
    assert rows(metrics.spend(engine, by=["category"], **kw), "category", "spend_fen") == [("零售", 8000),
                                                                                           ("餐饮", 42000)]
    by_hour = metrics.spend(engine, by=["hour"], districts=[A], **kw)
    assert rows(by_hour, "hour", "spend_fen") == [(2, 3000), (10, 10000), (19, 20000), (23, 5000)]
    by_town_day = metrics.spend(engine, by=["town", "date"], towns=[TOWN_A], **kw)
    assert rows(by_town_day, "town", "date", "spend_fen") == [(TOWN_A, D(2024, 2, 10), 35000),
                                                             (TOWN_A, D(2024, 2, 11), 3000)]


@pytest.mark.parametrize("source", ["raw", "rollup"])
def test_weekday_and_holiday_come_from_the_calendar_table(engine, source):
    df = metrics.spend(engine, by=["date", "weekday", "is_holiday"], start=D(2024, 2, 10), end=D(2024, 2, 10),
                       source=source)
    # 2024-02-10: Saturday, first day of the Spring Festival holiday
    assert rows(df, "date", "weekday", "is_holiday", "spend_fen") == [(D(2024, 2, 10), 6, True, 35000)]


@pytest.mark.parametrize("source", ["raw", "rollup"])
def test_night_share_gives_after_midnight_spend_to_the_previous_evening(engine, source):
    df = metrics.night_share(engine, start=D(2024, 2, 9), end=D(2024, 2, 11), source=source)
    # 02-10 business day: 10000 (day) + 20000 + 5000 + 3000 (02:15 next morning); 02-11: 8000 + 4000 (night).
    # The 05:59 sale on 02-09 belongs to the evening of 02-08, outside the range.
    assert rows(df, "date", "spend_fen", "night_fen") == [(D(2024, 2, 10), 38000, 28000), (D(2024, 2, 11), 12000, 4000)]
    assert df.night_share.tolist() == [28000 / 38000, 4000 / 12000]


@pytest.mark.parametrize("source", ["raw", "rollup"])
def test_night_window_is_a_parameter(engine, source):
    # Shanghai's 19:00–06:00: the 10:00 sale stays day, 19:30 and later are night; same business days.
    df = metrics.night_share(engine, freq=None, start=D(2024, 2, 10), end=D(2024, 2, 10), window=(19, 6),
                             source=source)
    assert rows(df, "spend_fen", "night_fen") == [(38000, 28000)]
    # A window that does not wrap midnight (20–23): days are calendar days (02:15 + 12:00 + 20:00 on 02-11) and
    # only the 20:00 sale is night.
    df = metrics.night_share(engine, freq=None, start=D(2024, 2, 11), end=D(2024, 2, 11), window=(20, 23),
                             source=source)
    assert rows(df, "spend_fen", "night_fen") == [(15000, 4000)]


@pytest.mark.parametrize("source", ["raw", "rollup"])
def test_night_share_by_month_and_district(engine, source):
    df = metrics.night_share(engine, freq="month", by=["district"], start=D(2024, 2, 1), end=D(2024, 2, 29),
                             source=source)
    # A in Feb 2024: 02-10 business day (38000, night 28000) + the 05:59 sale of 02-09 = evening of 02-08 (night)
    assert rows(df, "district", "month", "spend_fen", "night_fen") == sorted([(A, "2024-02", 39000, 29000),
                                                                              (B, "2024-02", 12000, 4000)])


@pytest.mark.parametrize("source", ["raw", "rollup"])
def test_non_local_and_foreign_card_shares(engine, source):
    df = metrics.origin_share(engine, start=D(2024, 2, 1), end=D(2024, 2, 29), source=source)
    # Feb 2024: 51000 in all; non-local 20000 + 4000; foreign 5000
    assert rows(df, "spend_fen", "local_fen", "nonlocal_fen", "foreign_fen") == [(51000, 22000, 24000, 5000)]
    assert df.nonlocal_share[0] == 24000 / 51000
    assert df.foreign_share[0] == 5000 / 51000
    assert df.external_share[0] == 29000 / 51000


@pytest.mark.parametrize("source", ["raw", "rollup"])
def test_month_on_month_and_year_on_year_growth(engine, source):
    df = metrics.growth(engine, source=source)
    assert df.month.tolist() == ["2023-01", "2023-02", "2024-01", "2024-02"]
    assert df.spend_fen.tolist() == [19000, 5000, 6000, 51000]
    g = df.set_index("month")
    assert g.loc["2024-02", "mom"] == pytest.approx(51000 / 6000 - 1)
    assert g.loc["2024-02", "yoy"] == pytest.approx(51000 / 5000 - 1)
    assert g.loc["2024-01", "yoy"] == pytest.approx(6000 / 19000 - 1)
    assert pd.isna(g.loc["2024-01", "mom"])          # no December 2023 data: no growth, not -100 %
    assert g.loc["2023-02", "mom"] == pytest.approx(5000 / 19000 - 1)
    later = metrics.growth(engine, start=D(2024, 2, 1), source=source)
    assert later.month.tolist() == ["2024-02"] and later.yoy[0] == pytest.approx(9.2)


@pytest.mark.parametrize("source", ["raw", "rollup"])
def test_festival_compared_by_lunar_date_not_solar_date(engine, source):
    out = metrics.lunar_yoy(engine, lunar_year=2024, first=(1, 1), last=(1, 2), source=source)
    daily = out["daily"]
    # 正月初一: 2024-02-10 (35000 + the 02:15 sale is on 02-11's calendar day) vs 2023-01-22 (19000)
    assert rows(daily, "lunar_day", "date", "prev_date") == [(1, D(2024, 2, 10), D(2023, 1, 22)),
                                                            (2, D(2024, 2, 11), D(2023, 1, 23))]
    assert daily.spend_fen.tolist() == [35000, 15000]
    assert daily.prev_spend_fen.fillna(0).tolist() == [19000, 0]
    assert daily.yoy[0] == pytest.approx(35000 / 19000 - 1)
    assert out["prev_spend_fen"] == 19000


@pytest.mark.parametrize("source", ["raw", "rollup"])
def test_footfall_and_spend_per_visitor(engine, source):
    df = metrics.footfall(engine, by=["district"], start=D(2024, 2, 10), end=D(2024, 2, 11), source=source)
    # A: 150 visitors, spend 35000 + 3000; B: 40 visitors, spend 12000
    assert rows(df, "district", "visitors", "spend_fen") == sorted([(A, 150, 38000), (B, 40, 12000)])
    assert dict(zip(df.district, df.spend_per_visitor_fen)) == {A: 38000 / 150, B: 300.0}
    hourly = metrics.footfall(engine, by=["hour"], districts=[A], start=D(2024, 2, 10), end=D(2024, 2, 10),
                              source=source)
    assert rows(hourly, "hour", "visitors", "spend_fen") == [(10, 50, 10000), (19, 100, 20000)]


@pytest.mark.parametrize("source", ["raw", "rollup"])
def test_first_store_and_time_honoured_contribution(engine, source):
    df = metrics.merchant_contribution(engine, source=source)
    # 首店 M1: 10000+20000+1000+5000+19000; 老字号 M2: 5000+3000; all: 81000
    assert rows(df, "spend_fen", "first_store_fen", "time_honoured_fen") == [(81000, 55000, 8000)]
    assert df.first_store_share[0] == 55000 / 81000
    by_tier = metrics.merchant_contribution(engine, by=["first_store_tier"], source=source)
    assert rows(by_tier, "first_store_tier", "spend_fen") == [("", 26000), ("天津首店", 55000)]


def test_merchant_contribution_by_category_needs_the_raw_scan(engine):
    with pytest.raises(metrics.MetricError, match="汇总表不含“category”"):
        metrics.merchant_contribution(engine, by=["category"], source="rollup")
    df = metrics.merchant_contribution(engine, by=["category"])   # auto → raw
    assert rows(df, "category", "first_store_fen") == [("零售", 0), ("餐饮", 55000)]


def test_bad_requests_get_a_chinese_error(engine):
    with pytest.raises(metrics.MetricError, match="不支持按“colour”分组"):
        metrics.spend(engine, by=["colour"])
    with pytest.raises(metrics.MetricError, match="晚于结束日期"):
        metrics.spend(engine, start=D(2024, 3, 1), end=D(2024, 2, 1))
    with pytest.raises(metrics.MetricError, match="汇总表不含"):
        metrics.spend(engine, by=["channel"], source="rollup")


def test_suite_from_rollups_equals_suite_from_raw_scan(engine):
    raw = metrics.suite(engine, source="raw")
    rolled = metrics.suite(engine, source="auto")
    assert raw.keys() == rolled.keys()
    for name in raw:
        pd.testing.assert_frame_equal(raw[name], rolled[name], check_exact=True, obj=name)
    assert raw["spend_by_district"].spend_fen.sum() == 81000


def test_empty_data_gives_empty_results_not_errors(tmp_path):
    eng = Engine(files={}, file_source=lambda kind: [])
    try:
        assert metrics.spend(eng, by=["district"]).empty
        assert metrics.night_share(eng).empty
    finally:
        eng.close()


def test_metrics_pick_the_smallest_rollup_that_holds_the_breakdown(engine):
    pick = metrics.rollup_for
    assert pick(engine, ["district"]) == "rollup_daily_district"
    assert pick(engine, ["date", "origin_class", "is_holiday"]) == "rollup_daily_district"
    assert pick(engine, ["date", "category", "origin_class", "weekday"]) == "rollup_daily"
    assert pick(engine, ["hour", "district"]) == "rollup_hour_district"
    assert pick(engine, ["hour", "category"]) == "rollup_hourly"
    assert pick(engine, ["channel"]) == "transactions"
    assert pick(engine, ["district"], source="raw") == "transactions"
    with pytest.raises(metrics.MetricError, match="汇总表不含“hour”"):
        metrics.spend(engine, by=["hour"], source="rollup_daily")
    with pytest.raises(metrics.MetricError, match="汇总表不含“category”"):
        metrics.night_share(engine, by=["category"], source="rollup_hour_district")


CASES = [(metrics.spend, {"by": by}) for by in (["district"], ["date"], ["hour"], ["category", "month"],
                                                 ["town", "origin_class"], ["weekday", "is_holiday"],
                                                 ["hour", "category"])]
CASES += [(metrics.night_share, {"freq": "date"}), (metrics.night_share, {"freq": "month", "by": ["district"]}),
          (metrics.night_share, {"freq": None, "by": ["category"], "window": (19, 6)}),
          (metrics.origin_share, {"by": ["district"]}), (metrics.origin_share, {"by": ["hour"]}),
          (metrics.growth, {"by": ["district"]}), (metrics.footfall, {"by": ["hour"]}),
          (metrics.footfall, {"by": ["district"]})]


@pytest.mark.parametrize("kind", list(metrics.SPEND_ROLLUPS))
def test_every_spend_rollup_answers_exactly_like_the_raw_scan(engine, kind):
    answered = 0
    for fn, kw in CASES:
        kw = {**kw, "start": D(2024, 1, 1), "end": D(2024, 2, 29)}
        try:
            rolled = fn(engine, source=kind, **kw)
        except metrics.MetricError as exc:
            assert "汇总表不含" in str(exc)
            continue
        answered += 1
        pd.testing.assert_frame_equal(fn(engine, source="raw", **kw), rolled, check_exact=True,
                                      obj=f"{fn.__name__}{kw}")
    assert answered >= 7   # daily_district: 7 of the 15, daily: 8, hour_district: 12, hourly: all
    # lunar dates answered from this rollup as well
    lunar = [metrics.lunar_aligned(engine, lunar_year=2024, source=s) for s in ("raw", kind)]
    pd.testing.assert_frame_equal(*lunar, check_exact=True)


def test_rollups_are_held_in_memory_and_answer_like_parquet(tmp_path):
    files = hand_dataset(tmp_path)
    on_disk = Engine(files=files, file_source=lambda kind: [], in_memory=False)
    try:
        a = metrics.suite(on_disk)
    finally:
        on_disk.close()
    eng = Engine(files=files, file_source=lambda kind: [])
    try:
        b = metrics.suite(eng)
        tables = {r[0] for r in eng.con.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert {"consumption_rollup_daily_mem", "consumption_calendar_mem"} <= tables
    finally:
        eng.close()
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)


def test_cached_compiled_queries_follow_every_argument(engine):
    feb = metrics.spend(engine, by=["district"], start=D(2024, 2, 1), end=D(2024, 2, 29))
    jan = metrics.spend(engine, by=["district"], start=D(2024, 1, 1), end=D(2024, 1, 31))
    only_a = metrics.spend(engine, by=["district"], start=D(2024, 2, 1), end=D(2024, 2, 29), districts=[A])
    assert feb.spend_fen.sum() == 51000 and jan.spend_fen.sum() == 6000 and only_a.district.tolist() == [A]
    again = metrics.spend(engine, by=["district"], start=D(2024, 2, 1), end=D(2024, 2, 29))
    pd.testing.assert_frame_equal(feb, again, check_exact=True)
