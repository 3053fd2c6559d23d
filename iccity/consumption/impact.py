"""Event impact: how much more was spent in the treated 商圈 during an event window than it would have been without
the event, against several transparent baselines, each with an interval calibrated by placebo back-tests.

Methods (uplift = actual / baseline − 1 over the window):
- ``weekday_median``: each day's baseline is the median of the same weekday in the 8 weeks before the window
  (public holidays and other event windows left out).
- ``lunar_prev_year``: the same lunar dates one lunar year earlier (正月初一 against 正月初一), scaled by the
  growth of the 28 days before the window against the 28 days before last year's window and corrected for the
  weekday each lunar date fell on (weekday profile of the 8 weeks before the window). If last year had the
  same event this measures the change against last year's event, not the event itself (said on the page).
- ``did``: difference in differences against comparison 商圈 not affected: (T_event/T_pre) / (C_event/C_pre) − 1.
- ``synthetic``: synthetic control: non-negative weights summing to 1 over comparison 商圈 fitted on the 56 days
  before the window (each series scaled by its pre-period mean), then the weighted comparison as baseline.

Uncertainty: every method is run on placebo windows of the same length before the event, where nothing happened
(no public holiday, no excluded window). Their estimates are the method's error distribution: the interval is the
estimate less the placebos' mean error ± a t-based 95 % prediction half-width from their spread, and the share of
placebo windows a method would itself call an effect (leave-one-out) is reported, so a method that finds effects
everywhere shows it.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

METHODS = {
    "weekday_median": "同星期中位数（前8周）",
    "lunar_prev_year": "上年同农历日期",
    "did": "对照商圈双重差分",
    "synthetic": "合成对照",
}
PRE_DAYS = 28
FIT_DAYS = 56
WEEKS = 8
MAX_PLACEBOS = 52
LEVEL = 0.95


class ImpactError(ValueError):
    """A request that cannot be estimated; Chinese message."""


@dataclass
class MethodResult:
    key: str
    label: str
    estimate: float | None = None
    low: float | None = None
    high: float | None = None
    actual_fen: int = 0
    baseline_fen: float = 0.0
    baseline: dict = field(default_factory=dict)      # date → baseline spend (分) for the chart
    placebo: list = field(default_factory=list)       # estimates on placebo windows
    placebo_flagged: float | None = None              # share of placebo windows the method itself calls an effect
    note: str = ""

    @property
    def significant(self) -> bool:
        return self.low is not None and (self.low > 0 or self.high < 0)


@dataclass
class ImpactResult:
    start: dt.date
    end: dt.date
    districts: list[str]
    comparison: list[str]
    actual: dict                                      # date → treated spend (分)
    methods: list[MethodResult]
    placebo_windows: list[tuple[dt.date, dt.date]]


# ---- the estimators on a daily panel ------------------------------------------------------------------------------

class Panel:
    """Daily spend per 商圈 (index: every date in range, 0 where nothing was sold) and the calendar."""

    def __init__(self, daily: pd.DataFrame, calendar: pd.DataFrame, treated: list[str], comparison: list[str]):
        wide = daily.pivot_table(index="date", columns="district", values="spend_fen", aggfunc="sum")
        cal = calendar.set_index(pd.to_datetime(calendar["date"]).dt.date).sort_index()
        days = pd.Index(cal.index, name="date")
        wide = wide.reindex(days).fillna(0.0)
        for d in treated + comparison:
            if d not in wide.columns:
                wide[d] = 0.0
        self.cal = cal
        self.treated = wide[treated].sum(axis=1)
        self.comp = wide[comparison] if comparison else pd.DataFrame(index=days)
        self.pos = {d: i for i, d in enumerate(days)}
        self.T = self.treated.to_numpy(dtype=float)
        self.C = self.comp.to_numpy(dtype=float)
        keys = zip(cal.lunar_year.astype(int), cal.lunar_month.astype(int), cal.lunar_day.astype(int),
                   cal.is_leap_month.astype(bool))
        self.lunar_of = dict(zip(cal.index, keys))
        self.lunar = {k: d for d, k in self.lunar_of.items()}
        self.holiday = dict(zip(cal.index, cal.is_holiday.astype(bool)))
        self.t = dict(zip(self.treated.index, self.treated.to_numpy(dtype=float)))   # fast scalar access
        self.has_data = {d: v > 0 for d, v in self.t.items()}
        self.first = days[0]

    def span(self, start, end):
        return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]

    def covered(self, days) -> bool:
        return all(self.has_data.get(d, False) for d in days)


def _weekday_median(p: Panel, start, end, excluded: set):
    base = {}
    for d in p.span(start, end):
        past = [d - dt.timedelta(days=7 * ((d - start).days // 7 + 1))]   # latest same weekday before the window
        while len(past) < WEEKS * 3 and past[-1] - dt.timedelta(days=7) >= p.first:
            past.append(past[-1] - dt.timedelta(days=7))
        vals = [p.t[x] for x in past if x not in excluded and p.has_data.get(x, False)][:WEEKS]
        if len(vals) < WEEKS // 2:
            return None
        base[d] = float(np.median(vals))
    return base


def _lunar_prev_year(p: Panel, start, end, excluded: set):
    def aligned(d):
        y, m, day, leap = p.lunar_of[d]
        return p.lunar.get((y - 1, m, day, leap))

    prev_start = aligned(start)
    if prev_start is None:
        return None
    pre_now = p.span(start - dt.timedelta(days=PRE_DAYS), start - dt.timedelta(days=1))
    pre_then = p.span(prev_start - dt.timedelta(days=PRE_DAYS), prev_start - dt.timedelta(days=1))
    if not (p.covered(pre_now) and p.covered(pre_then)):
        return None
    trend = sum(p.t[d] for d in pre_now) / max(sum(p.t[d] for d in pre_then), 1e-9)
    # Lunar alignment moves weekdays (正月初一 fell on a Sunday, then a Saturday): correct each day by the weekday
    # profile of the 8 weeks before the window, else a Saturday-for-Sunday swap reads as an effect.
    fit = _pre(p, start, FIT_DAYS)
    if fit is None:
        return None
    sums: dict[int, list[float]] = {}
    for d in fit:
        sums.setdefault(d.isoweekday(), []).append(p.t[d])
    profile = {k: float(np.mean(v)) for k, v in sums.items()}
    overall = float(np.mean(list(profile.values())))
    profile = {k: v / overall for k, v in profile.items()}
    base = {}
    for d in p.span(start, end):
        a = aligned(d)
        if a is not None and p.has_data.get(a, False):
            base[d] = p.t[a] * trend * profile[d.isoweekday()] / profile[a.isoweekday()]
    return base or None


def _pre(p: Panel, start, days):
    pre = p.span(start - dt.timedelta(days=days), start - dt.timedelta(days=1))
    return pre if p.covered(pre) else None


def _rows(p: Panel, start, end) -> slice:
    return slice(p.pos[start], p.pos[end] + 1)


def _did(p: Panel, start, end, excluded: set):
    pre = _pre(p, start, PRE_DAYS)
    if pre is None or p.C.shape[1] == 0:
        return None
    c = p.C.sum(axis=1)
    pre_rows = _rows(p, pre[0], pre[-1])
    scale = p.T[pre_rows].sum() / max(c[pre_rows].sum(), 1e-9)
    return {d: float(c[p.pos[d]] * scale) for d in p.span(start, end)}


def _simplex_weights(X: np.ndarray, y: np.ndarray, iters: int = 500) -> np.ndarray:
    """argmin ||Xw − y||² with w ≥ 0, Σw = 1, by exponentiated gradient (numpy only, deterministic)."""
    k = X.shape[1]
    w = np.full(k, 1.0 / k)
    step = 1.0 / max(np.linalg.norm(X, 2) ** 2, 1e-12)
    for _ in range(iters):
        w = w * np.exp(-step * (X.T @ (X @ w - y)))
        w /= w.sum()
    return w


def _synthetic(p: Panel, start, end, excluded: set):
    pre = _pre(p, start, FIT_DAYS)
    if pre is None or p.C.shape[1] < 2:
        return None
    pre_rows = _rows(p, pre[0], pre[-1])
    means = p.C[pre_rows].mean(axis=0)
    comps = np.divide(p.C, means, out=np.zeros_like(p.C), where=means > 0)
    t_mean = p.T[pre_rows].mean()
    w = _simplex_weights(comps[pre_rows], p.T[pre_rows] / t_mean)
    return {d: float(comps[p.pos[d]] @ w * t_mean) for d in p.span(start, end)}


ESTIMATORS = {"weekday_median": _weekday_median, "lunar_prev_year": _lunar_prev_year, "did": _did,
              "synthetic": _synthetic}


def _uplift(p: Panel, base: dict | None):
    if not base:
        return None
    actual = sum(p.t[d] for d in base)
    baseline = sum(base.values())
    return (actual / baseline - 1) if baseline > 0 else None


def placebo_windows(p: Panel, start, end, excluded: set, *, count: int = MAX_PLACEBOS):
    """Windows of the event's length before it, stepped back a week at a time, that hold no public holiday and no
    excluded day (known events), with data on every day."""
    length = (end - start).days + 1
    out = []
    s = start - dt.timedelta(days=7 * max(1, -(-length // 7)))
    while len(out) < count and s >= p.first:
        e = s + dt.timedelta(days=length - 1)
        days = p.span(s, e)
        if e < start and p.covered(days) and not any(d in excluded or p.holiday[d] for d in days):
            out.append((s, e))
        s -= dt.timedelta(days=7)
    return out


def estimate_panel(p: Panel, start: dt.date, end: dt.date, *, excluded: set | None = None,
                   methods=tuple(METHODS)) -> tuple[list[MethodResult], list]:
    excluded = set(excluded or ()) | set(p.span(start, end))
    windows = placebo_windows(p, start, end, excluded)
    results = []
    for key in methods:
        fn = ESTIMATORS[key]
        res = MethodResult(key, METHODS[key])
        base = fn(p, start, end, excluded)
        res.estimate = _uplift(p, base)
        if res.estimate is None:
            res.note = "数据不足（缺少前期数据、上年同期或对照商圈），无法用此方法估计"
            results.append(res)
            continue
        res.baseline = {d: round(v, 2) for d, v in sorted(base.items())}
        res.actual_fen = int(sum(p.t[d] for d in base))
        res.baseline_fen = float(sum(base.values()))
        res.placebo = [u for u in (_uplift(p, fn(p, s, e, excluded)) for s, e in windows) if u is not None]
        if len(res.placebo) >= 5:
            res.low, res.high = _interval(res.estimate, res.placebo)
            res.placebo_flagged = _loo_flag_rate(res.placebo)
        else:
            res.note = f"安慰剂窗口只有{len(res.placebo)}个（至少需要5个），不给出区间"
        results.append(res)
    return results, windows


def _t_quantile(p: float, df: int) -> float:
    """Student t quantile by the Cornish–Fisher expansion (numpy only; accurate to ~1e-3 for df ≥ 5)."""
    from statistics import NormalDist

    z = NormalDist().inv_cdf(p)
    return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2)


def _interval(estimate: float, errors: list[float]) -> tuple[float, float]:
    """Prediction interval from placebo errors: the estimate less the placebos' mean error (the method's bias),
    ± t·sd·√(1+1/k). Smoother than raw percentiles when there are few placebo windows."""
    e = np.asarray(errors, dtype=float)
    k = len(e)
    half = _t_quantile((1 + LEVEL) / 2, k - 1) * e.std(ddof=1) * np.sqrt(1 + 1 / k)
    centre = estimate - e.mean()
    return float(centre - half), float(centre + half)


def _loo_flag_rate(errors: list[float]) -> float:
    """Share of placebo windows whose own interval (built from the other placebos) excludes zero."""
    flagged = 0
    for i, u in enumerate(errors):
        low, high = _interval(u, errors[:i] + errors[i + 1:])
        flagged += low > 0 or high < 0
    return flagged / len(errors)


# ---- from the engine -----------------------------------------------------------------------------------------------

def estimate(engine, start: dt.date, end: dt.date, districts: list[str], *, comparison: list[str] | None = None,
             excluded: set | None = None, history_days: int = 800) -> ImpactResult:
    """Estimate the uplift of an event in ``districts`` between ``start`` and ``end`` (inclusive)."""
    from . import metrics

    if not districts:
        raise ImpactError("请至少选择一个受活动影响的商圈")
    if start > end:
        raise ImpactError(f"开始日期{start}晚于结束日期{end}")
    if (end - start).days > 92:
        raise ImpactError("活动窗口超过93天，请缩短")
    first = start - dt.timedelta(days=history_days)
    daily = metrics.spend(engine, by=["date", "district"], start=first, end=end)
    if daily.empty:
        raise ImpactError("所选期间没有消费数据")
    known = sorted(set(daily["district"]))
    missing = [d for d in districts if d not in known]
    if missing:
        raise ImpactError(f"没有这些商圈的数据：{'、'.join(missing)}")
    comparison = [d for d in (comparison or known) if d not in districts]
    cal_t = engine.table("calendar")
    calendar = engine.execute(cal_t.filter(cal_t.date.between(first, end)))
    covered = set(pd.to_datetime(calendar["date"]).dt.date) if not calendar.empty else set()
    if not all(start + dt.timedelta(days=i) in covered for i in range((end - start).days + 1)):
        raise ImpactError("日历表未覆盖活动期间（需要农历与节假日数据），请先生成日历")
    p = Panel(daily, calendar, list(districts), comparison)
    methods, windows = estimate_panel(p, start, end, excluded=excluded)
    actual = {d: float(p.treated[d]) for d in p.span(start, end)}
    return ImpactResult(start, end, list(districts), comparison, actual, methods, windows)


def has_data(start: dt.date, end: dt.date) -> bool:
    """Whether consumption data exists for any day from ``start`` to ``end`` (for the events app's links)."""
    from .engine import Engine

    engine = Engine.shared()
    kind = next((k for k in ("rollup_daily_district", "rollup_hourly") if engine.has(k)), "transactions")
    if not engine.has(kind):
        return False
    t = engine.table(kind)
    return bool(engine.execute(t.filter(t.date.between(start, end)).count()) > 0)


def place_districts() -> list[str]:
    """The published 商圈 of the places app (below this one), the districts people pick from on the impact page."""
    from iccity.places.models import Place, PlaceKind

    return list(Place.objects.published().filter(kind=PlaceKind.DISTRICT).order_by("name")
                .values_list("name", flat=True))


def data_districts() -> list[str]:
    """The districts the consumption data knows (empty when there is no data)."""
    from .engine import Engine

    try:
        engine = Engine.shared()
        kind = next((k for k in ("rollup_daily_district", "rollup_hourly", "transactions") if engine.has(k)), None)
        if kind is None:
            return []
        t = engine.table(kind)
        frame = engine.execute(t.select("district").distinct())
    except Exception:  # noqa: BLE001 - a broken lake must not take the form down; the estimate reports it
        log.exception("listing consumption districts failed")
        return []
    return sorted(str(d) for d in frame["district"] if d)


def district_choices() -> list[tuple[str, str]]:
    names = place_districts()
    names += [n for n in data_districts() if n not in names]
    return [(n, n) for n in names]
