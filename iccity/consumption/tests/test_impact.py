"""Event impact finds a planted +10 % effect with every baseline, finds nothing in windows without an event, and a
method that reports effects everywhere is not believed (its placebo back-tests give it away)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from iccity.consumption import impact
from iccity.consumption.engine import Engine

from .fixtures_analysis import calendar_frame, write

D = dt.date
TREATED, OTHERS = "杨柳青大运河国家文化公园文旅商圈", ["大学城商圈", "中北商圈", "精武商圈"]
EVENT = (D(2024, 2, 10), D(2024, 2, 25))          # 杨柳青灯会: 正月初一–十六 of 2024
START, END = D(2022, 1, 1), D(2024, 3, 31)


def synthetic_daily(effect: float = 0.10, seed: int = 7) -> pd.DataFrame:
    """Four 商圈 with a weekday pattern, growth, a shared seasonal wave, 3 % daily noise; +effect in the event."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(START, END, freq="D")
    t = np.arange(len(days))
    weekday = np.array([0.9, 0.88, 0.9, 0.95, 1.05, 1.25, 1.15])[days.day_of_week]
    season = 1 + 0.03 * np.sin(2 * np.pi * t / 365.25)
    rows = []
    for i, district in enumerate([TREATED, *OTHERS]):
        level = 2_000_000 * (1 + 0.3 * i)
        growth = (1 + 0.05 + 0.01 * i) ** (t / 365.25)
        noise = rng.lognormal(0, 0.03, len(days))
        spend = level * weekday * season * growth * noise
        if district == TREATED:
            in_event = (days.date >= EVENT[0]) & (days.date <= EVENT[1])
            spend = spend * np.where(in_event, 1 + effect, 1.0)
        rows.append(pd.DataFrame({"date": days.date, "district": district, "spend_fen": spend.round()}))
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def calendar():
    return calendar_frame(START, END)


@pytest.fixture(scope="module")
def panel(calendar):
    return impact.Panel(synthetic_daily(), calendar, [TREATED], OTHERS)


def test_every_baseline_finds_the_planted_ten_percent_uplift(panel):
    methods, windows = impact.estimate_panel(panel, *EVENT)
    assert len(windows) >= 20
    assert {m.key for m in methods} == set(impact.METHODS)
    for m in methods:
        assert m.estimate == pytest.approx(0.10, abs=0.03), m.key
        assert m.significant, (m.key, m.low, m.high)
        assert m.low < 0.10 < m.high, (m.key, m.low, m.high)
        assert m.placebo_flagged is not None and m.placebo_flagged <= 0.25


def test_no_event_windows_show_no_effect_beyond_the_stated_error_rate(panel):
    # 12 windows of 16 days in 2023 without any event (public holidays avoided), one every 3 weeks from May.
    starts = [D(2023, 5, 8) + dt.timedelta(weeks=3 * i) for i in range(12)]
    windows = [(s, s + dt.timedelta(days=15)) for s in starts]
    windows = [w for w in windows if not panel.cal.loc[w[0]:w[1]].is_holiday.any()]
    assert len(windows) >= 9
    flagged = {key: 0 for key in impact.METHODS}
    for window in windows:
        for m in impact.estimate_panel(panel, *window)[0]:
            assert abs(m.estimate) < 0.04, (m.key, window, m.estimate)
            flagged[m.key] += m.significant
    # 95 % intervals: about one window in twenty may be flagged by chance; two in ~10 is the most we accept.
    assert all(n <= 2 for n in flagged.values()), flagged


def test_a_method_that_finds_effects_everywhere_is_caught_by_its_placebos(panel, monkeypatch):
    # A "baseline" 20 % below reality claims +25 % on every window; calibrated on placebos it proves nothing.
    def always_effect(p, start, end, excluded):
        return {d: float(p.treated[d]) / 1.25 for d in p.span(start, end)}

    monkeypatch.setitem(impact.ESTIMATORS, "always", always_effect)
    monkeypatch.setitem(impact.METHODS, "always", "永远有效果")
    methods, _ = impact.estimate_panel(panel, D(2023, 9, 4), D(2023, 9, 19), methods=("always",))
    (m,) = methods
    assert m.estimate == pytest.approx(0.25)
    assert np.allclose(m.placebo, 0.25)
    assert not m.significant


def test_estimate_from_the_engine_uses_rollups_and_the_calendar(tmp_path, calendar):
    daily = synthetic_daily()
    hourly = daily.assign(hour=12, town="杨柳青镇", category="餐饮", origin_class="local",
                          spend_fen=daily.spend_fen.astype("int64"), txn_count=1)
    files = {"rollup_hourly": write(tmp_path, "rollup_hourly", hourly), "calendar": write(tmp_path, "calendar", calendar)}
    engine = Engine(files=files, file_source=lambda kind: [])
    try:
        result = impact.estimate(engine, *EVENT, [TREATED])
        assert result.comparison == sorted(OTHERS)
        assert sum(result.actual.values()) == pytest.approx(
            daily[(daily.district == TREATED) & daily.date.between(*EVENT)].spend_fen.sum(), rel=1e-9)
        for m in result.methods:
            assert m.estimate == pytest.approx(0.10, abs=0.03), m.key
        with pytest.raises(impact.ImpactError, match="没有这些商圈的数据：不存在商圈"):
            impact.estimate(engine, *EVENT, ["不存在商圈"])
    finally:
        engine.close()


def test_has_data_answers_from_the_published_lake(db):
    assert impact.has_data(D(2024, 2, 10), D(2024, 2, 25)) is False  # nothing ingested yet


def test_has_data_sees_an_ingestion_as_soon_as_it_is_published(lake):
    # the shared engine is keyed by the manifest version, so the new run is visible without a restart
    assert impact.has_data(D(2024, 2, 10), D(2024, 2, 25)) is True
    assert impact.has_data(D(2025, 2, 10), D(2025, 2, 25)) is False
