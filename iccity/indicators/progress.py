"""Progress status and trajectories (Open SDG method, domain-indicators.md §5), plus thin ORM readers.

The judging functions (``required_path``, ``progress_status``) are pure: they take an indicator-like object, a
target-like object and a list of ``SeriesPoint``. ``series`` and ``indicator_status`` read the database.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from decimal import Decimal

from iccity.core import clock, periods

THRESHOLDS_RULE = "indicators.progress_thresholds"
THRESHOLDS_SOURCE = ("Open SDG progress methodology（open-sdg/open-sdg docs/progress-methodology.md，"
                     "ONS/加拿大统计局方法）：有目标时比值阈值0.95/0.60/0，无目标时1.5%·C/0.5%·C")
DEFAULT_THRESHOLDS = {
    "on_track": 0.95,            # ratio of observed to required growth
    "acceleration_needed": 0.60,
    "limited_progress": 0.0,
    "no_target_on_track": 1.5,   # % per year, × C
    "no_target_acceleration": 0.5,
}
DEFAULT_EFFECTIVE_FROM = dt.date(2023, 12, 29)  # the Xiqing plan's date

LABELS = {
    "achieved": "已实现",
    "on_track": "正常推进",
    "acceleration_needed": "需加快",
    "limited_progress": "进展有限",
    "deterioration": "退步",
    "insufficient_data": "数据不足",
    "not_applicable": "不适用",
}


@dataclass(frozen=True)
class SeriesPoint:
    period: str
    period_end: dt.date
    value: Decimal | None
    growth_rate: Decimal | None = None
    release_id: int | None = None
    release_title: str = ""
    published_on: dt.date | None = None

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def is_annual(self) -> bool:
        return len(self.period) == 4


@dataclass
class ProgressStatus:
    code: str
    reason: str
    ratio: float | None = None
    observed_cagr: float | None = None
    required_cagr: float | None = None
    path: list[tuple[int, float]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return LABELS[self.code]


@dataclass(frozen=True)
class TargetSpec:
    """A target as the pure functions need it; ``IndicatorTarget`` rows have the same attributes."""
    kind: str
    comparator: str
    value: Decimal | float | None
    year: int
    baseline_year: int | None = None
    upper: Decimal | float | None = None
    unit: str = ""


# ---------------------------------------------------------------- formatting helpers

def _f(x) -> float | None:
    return None if x is None else float(x)


def _num(x: float, unit: str = "") -> str:
    text = f"{x:,.2f}".rstrip("0").rstrip(".") if abs(x) < 1e6 else f"{x:,.0f}"
    return f"{text}{unit}"


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _growth_phrase(g: float) -> str:
    return f"增长{g:.1f}%" if g >= 0 else f"下降{-g:.1f}%"


def _rate_text(rate: float, linear: bool, unit: str) -> str:
    if linear:
        return f"年均{'增加' if rate >= 0 else '减少'}{_num(abs(rate), unit)}"
    return f"年均{'增长' if rate >= 0 else '下降'}{_pct(abs(rate))}"


# ---------------------------------------------------------------- trajectories

def target_level(target, baseline_value: float | None) -> float | None:
    """The level a target asks for: 翻一番 (comparator ``x``) is value × baseline."""
    if target.value is None:
        return None
    if target.comparator == "x" or target.kind == "relative":
        return None if baseline_value is None else float(target.value) * float(baseline_value)
    return float(target.value)


def required_path(target, baseline_year: int, baseline_value, method: str = "compound") -> list[tuple[int, float]]:
    """Expected value each year from the baseline to the target year: compound (constant CAGR) or linear.

    Compound needs positive levels; a zero or negative baseline falls back to linear (CAGR is undefined there).
    Works the same for falling targets (lower is better): the path simply goes down.
    """
    b = float(baseline_value)
    level = target_level(target, b)
    span = target.year - baseline_year
    if level is None or span <= 0:
        return []
    if method == "compound" and b > 0 and level > 0:
        return [(baseline_year + i, b * (level / b) ** (i / span)) for i in range(span + 1)]
    return [(baseline_year + i, b + (level - b) * i / span) for i in range(span + 1)]


def meets(value: float, comparator: str, level: float, upper: float | None = None) -> bool:
    """Whether a value satisfies a target. ``>`` (突破/超过) is strict: exactly equal is not achieved."""
    if comparator in (">=", "x", "="):   # "=" targets (达到N个) are met once reached
        return value >= level
    if comparator == ">":
        return value > level
    if comparator == "<=":
        return value <= level
    if comparator == "<":
        return value < level
    if comparator == "between":
        return level <= value <= (upper if upper is not None else math.inf)
    raise ValueError(f"未知比较符 {comparator}")


# ---------------------------------------------------------------- classification

def _classify_ratio(ratio: float, t: dict) -> tuple[str, str]:
    on, acc, lim = t["on_track"], t["acceleration_needed"], t["limited_progress"]
    if ratio >= on:
        return "on_track", f"比值{ratio:.2f}≥{on:.2f}"
    if ratio >= acc:
        return "acceleration_needed", f"比值{ratio:.2f}＜{on:.2f}"
    if ratio >= lim:
        return "limited_progress", f"比值{ratio:.2f}＜{acc:.2f}"
    return "deterioration", f"比值{ratio:.2f}＜{lim:g}"


def _done(code: str, reason: str, **kw) -> ProgressStatus:
    return ProgressStatus(code=code, reason=f"{reason}：{LABELS[code]}", **kw)


def _annual(points) -> list[SeriesPoint]:
    return sorted((p for p in points if p.is_annual), key=lambda p: p.year)


def _growth_of(points: list[SeriesPoint], i: int) -> float | None:
    """Published growth first (official figures use revised bases); otherwise computed from consecutive levels."""
    p = points[i]
    if p.growth_rate is not None:
        return float(p.growth_rate)
    if i > 0 and p.value is not None and points[i - 1].value not in (None, 0) and points[i - 1].year == p.year - 1:
        return (float(p.value) / float(points[i - 1].value) - 1) * 100
    return None


def _latest_growth(points) -> tuple[SeriesPoint, float] | None:
    annual = _annual(points)
    for i in range(len(annual) - 1, -1, -1):
        g = _growth_of(annual, i)
        if g is not None:
            return annual[i], g
    return None


def _sync_status(indicator, points, reference_points, t) -> ProgressStatus:
    own = _latest_growth(points)
    if own is None:
        return _done("insufficient_data", "尚无公布增速")
    ref_annual = _annual(reference_points or [])
    ref = {ref_annual[i].year: _growth_of(ref_annual, i) for i in range(len(ref_annual))}
    point, g = own
    subject = indicator.name.removesuffix("增速")
    if ref.get(point.year) is None:
        return _done("insufficient_data", f"{point.year}年{subject}{_growth_phrase(g)}，但参照序列缺少{point.year}年增速")
    r = ref[point.year]
    head = f"{point.year}年{subject}{_growth_phrase(g)}，参照序列{_growth_phrase(r)}"
    if g >= r:
        return _done("on_track", f"{head}，不低于参照增速（同步目标）", ratio=(g / r if r > 0 else None))
    if r <= 0:
        return _done("deterioration", f"{head}，低于参照增速")
    code, rule = _classify_ratio(g / r, t)
    return _done(code, f"{head}，低于参照增速，{rule}", ratio=g / r)


def _growth_target_status(indicator, target, points, t) -> ProgressStatus:
    """A growth target (年均增长6%) or a rate-only indicator: the published growth is compared with the target."""
    latest = _latest_growth(points)
    if latest is None:
        return _done("insufficient_data", "尚无公布增速")
    point, g = latest
    goal = float(target.value)
    head = f"{point.year}年{_growth_phrase(g)}，目标增长{goal:g}%"
    if meets(g, target.comparator if target.comparator != "=" else ">=", goal):
        return _done("achieved" if point.year >= target.year else "on_track", f"{head}，已达到目标增速")
    if goal <= 0:
        return _done("deterioration", f"{head}，未达目标")
    code, rule = _classify_ratio(g / goal, t)
    return _done(code, f"{head}，{rule}", ratio=g / goal)


def series_breaks(indicator) -> list[int]:
    """Years where the series breaks (e.g. population at the 2020 census): growth is never computed across them."""
    return sorted(int(y) for y in (getattr(indicator, "series_breaks", None) or []))


def progress_status(indicator, target, points, *, thresholds: dict | None = None, reference_points=None,
                    insufficient_span_years: int = 2, base_year: int | None = None) -> ProgressStatus:
    """Classify progress (§5). ``points`` come from ``series``; only annual points enter growth calculations.

    With a target: ratio R = observed / required growth (CAGR, or average annual change for linear indicators),
    thresholds 0.95/0.60/0. Without: observed CAGR (sign flipped for lower-is-better) against 1.5%·C / 0.5%·C.
    A series covering ≤ ``insufficient_span_years`` years (inclusive) is insufficient data.
    """
    t = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    kind = getattr(target, "kind", None)
    if kind == "sync":
        return _sync_status(indicator, points, reference_points, t)
    if kind == "growth" or (indicator.value_kind == "rate_only" and target is not None):
        if kind != "growth":
            return _done("not_applicable", "该指标只发布增速，不能按水平目标判断")
        return _growth_target_status(indicator, target, points, t)
    if indicator.value_kind == "rate_only":
        return _done("not_applicable", "该指标只发布增速，且未设增速目标")

    annual = [p for p in _annual(points) if p.value is not None]
    breaks = series_breaks(indicator)
    cut = max((y for y in breaks if annual and y <= annual[-1].year), default=None)
    if cut is not None:   # never join across a break: only the segment after the last break counts
        annual = [p for p in annual if p.year >= cut]
    if not annual:
        return _done("insufficient_data", "尚无年度数据")
    linear = indicator.trajectory_method == "linear"
    unit = indicator.unit if linear else ""
    lower = indicator.direction == "lower"
    start_year = getattr(target, "baseline_year", None) or base_year
    base = next((p for p in annual if p.year == start_year), None) if start_year else None
    if base is None:
        base = next((p for p in annual if start_year is None or p.year >= start_year), annual[0])
    latest = annual[-1]
    b, y = float(base.value), float(latest.value)

    if target is not None:
        relative = target.comparator == "x" or target.kind == "relative"
        level = None if relative and base.year != target.baseline_year else target_level(target, b)
        if level is None:
            return _done("insufficient_data", f"缺少{target.baseline_year or ''}年基期值，无法计算相对目标")
        upper = _f(getattr(target, "upper", None))
        if meets(y, target.comparator, level, upper):
            return _done("achieved", f"{latest.year}年为{_num(y, indicator.unit)}，目标{_num(level, indicator.unit)}"
                         f"（{target.comparator}）已达到")
    span = latest.year - base.year
    if span + 1 <= insufficient_span_years:
        covered = f"{base.year}年" if span == 0 else f"{base.year}—{latest.year}年（{span + 1}年）"
        after_break = f"（{cut}年序列断点之后）" if cut is not None else ""
        return _done("insufficient_data", f"只有{covered}的数据{after_break}，至少需要{insufficient_span_years + 1}年")

    if target is None:
        if b <= 0 or y <= 0:
            return _done("not_applicable", "基期值为0或负数，年均增速无定义")
        cagr = (y / b) ** (1 / span) - 1
        c = float(getattr(indicator, "threshold_scale", 1) or 1)
        signed = -cagr if lower else cagr
        on, acc = t["no_target_on_track"] * c / 100, t["no_target_acceleration"] * c / 100
        head = f"{base.year}—{latest.year}年{_rate_text(cagr, False, '')}（无目标，{'越低越好，' if lower else ''}C={c:g}）"
        if signed >= on:
            code, rule = "on_track", f"≥{_pct(on)}"
        elif signed >= acc:
            code, rule = "acceleration_needed", f"介于{_pct(acc)}与{_pct(on)}之间"
        elif signed >= 0:
            code, rule = "limited_progress", f"低于{_pct(acc)}"
        else:
            code, rule = "deterioration", "方向不利"
        return _done(code, f"{head}，{rule}", observed_cagr=cagr)

    target_span = target.year - base.year
    if target_span <= 0:
        return _done("deterioration", f"目标年份{target.year}年已过，{latest.year}年为{_num(y, indicator.unit)}，"
                     f"未达到目标{_num(level, indicator.unit)}")
    method = "linear" if linear or b <= 0 or level <= 0 else "compound"
    if method == "linear":
        observed, required = (y - b) / span, (level - b) / target_span
    else:
        observed, required = (y / b) ** (1 / span) - 1, (level / b) ** (1 / target_span) - 1
    path = required_path(target, base.year, b, method)
    head = (f"{base.year}—{latest.year}年{_rate_text(observed, method == 'linear', unit)}，"
            f"实现目标需{_rate_text(required, method == 'linear', unit)}")
    extras = dict(observed_cagr=None if method == "linear" else observed,
                  required_cagr=None if method == "linear" else required, path=path)
    if required == 0:
        return _done("deterioration" if (y < b) != lower else "limited_progress", f"{head}，目标与基期持平", **extras)
    ratio = observed / required  # both negative for a falling target: the sign already carries the direction
    code, rule = _classify_ratio(ratio, t)
    return _done(code, f"{head}，{rule}", ratio=ratio, **extras)


# ---------------------------------------------------------------- ORM readers

def thresholds_in_force(on: dt.date | None = None) -> dict:
    """Thresholds from the rule table on a date (core.clock's today by default), completed by the defaults."""
    from iccity.core.rules import rule_value

    return rule_value(THRESHOLDS_RULE, on)


def series(indicator, *, area: str = "西青区", vintage: str = "latest", breakdown: tuple[str, str] = ("", ""),
           as_of: dt.date | None = None, cumulative: bool = False) -> list[SeriesPoint]:
    """One value per period from the releases published on or before ``as_of`` (today by default).

    ``latest`` takes the most recent release of each period, ``first`` the first one (the vintage as first
    published). One query, whatever the number of periods or releases.
    """
    from .models import Observation

    if vintage not in ("latest", "first"):
        raise ValueError("vintage 应为 latest 或 first")
    as_of = as_of or clock.today()
    rows = (Observation.objects.filter(indicator=indicator, area=area, breakdown_kind=breakdown[0],
                                       breakdown_value=breakdown[1], is_cumulative=cumulative,
                                       release__published_on__lte=as_of)
            .select_related("release").order_by("period_end", "period", "release__published_on", "release_id"))
    chosen: dict[str, object] = {}
    for obs in rows:
        if vintage == "latest" or obs.period not in chosen:
            chosen[obs.period] = obs
    points = [SeriesPoint(period=o.period, period_end=o.period_end, value=o.value, growth_rate=o.growth_rate,
                          release_id=o.release_id, release_title=o.release.title, published_on=o.release.published_on)
              for o in chosen.values() if o.value is not None or o.growth_rate is not None]
    if not points and not cumulative and getattr(indicator, "publication", "") == "cumulative":
        # Published only as 1—N月 totals (社零 and most monthly statistics): derive single periods by differences.
        ytd = series(indicator, area=area, vintage=vintage, breakdown=breakdown, as_of=as_of, cumulative=True)
        return periods_from_cumulative(ytd)
    return points


def periods_from_cumulative(points: list[SeriesPoint]) -> list[SeriesPoint]:
    """Single-period values from year-to-date points, each derived from its own total minus the previous one
    (``periods.cumulative_to_periods``); a period whose previous total is missing is left out, never guessed."""
    from iccity.core.periods import PeriodError, cumulative_to_periods, parse_period

    by_key = {p.period: p for p in points if p.value is not None}
    out = []
    for key, point in by_key.items():
        index = parse_period(key).index
        earlier = [k for k in by_key if k[:4] == key[:4] and parse_period(k).index == index - 1]
        try:
            derived = cumulative_to_periods({key: point.value, **{k: by_key[k].value for k in earlier}})
        except PeriodError:
            continue
        out.append(replace(point, value=derived[key], growth_rate=None,
                           release_title=f"{point.release_title}（由累计值推算）"))
    return sorted(out, key=lambda p: p.period_end)


def adopted_target(indicator, *, area: str = "西青区", as_of: dt.date | None = None):
    """The adopted target with the nearest target year not yet past; else the most recent past one."""
    from .models import IndicatorTarget, TargetStatus

    year = (as_of or clock.today()).year
    targets = list(IndicatorTarget.objects.filter(indicator=indicator, area=area, status=TargetStatus.ADOPTED)
                   .select_related("reference_indicator", "baseline_observation").order_by("year", "id"))
    future = [t for t in targets if t.year >= year]
    return future[0] if future else (targets[-1] if targets else None)


def _chosen_points(observations) -> dict[int, list[SeriesPoint]]:
    """Latest vintage of each period per indicator (rows ordered as in ``series``; the last one wins).

    ``observations`` are the tuples of ``_latest_series_rows``: (indicator_id, period, period_end, value, growth_rate,
    release_id, release title, release published_on)."""
    chosen: dict[int, dict] = {}
    for row in observations:
        chosen.setdefault(row[0], {})[row[1]] = row
    return {pk: [SeriesPoint(*row[1:]) for row in by_period.values() if row[3] is not None or row[4] is not None]
            for pk, by_period in chosen.items()}


def _latest_series_rows(indicator_ids, area, as_of, cumulative=False):
    from .models import Observation

    return (Observation.objects.filter(indicator_id__in=indicator_ids, area=area, breakdown_kind="",
                                       breakdown_value="", is_cumulative=cumulative, release__published_on__lte=as_of)
            # tuples of only what _chosen_points reads: building model rows (even with .only) was most of the
            # command screen's time with five years of observations (bench-web)
            .values_list("indicator_id", "period", "period_end", "value", "growth_rate", "release_id",
                         "release__title", "release__published_on")
            .order_by("indicator_id", "period_end", "period", "release__published_on", "release_id"))


def indicator_statuses(indicators, *, area: str = "西青区", as_of: dt.date | None = None
                       ) -> dict[int, tuple[SeriesPoint | None, ProgressStatus]]:
    """(latest point, status) per indicator id: adopted target, latest vintage, thresholds in force on ``as_of``.
    A fixed number of queries whatever the number of indicators (catalogue pages judge them all at once)."""
    from .models import IndicatorTarget, TargetStatus

    as_of = as_of or clock.today()
    ids = [i.pk for i in indicators]
    points = _chosen_points(_latest_series_rows(ids, area, as_of))
    # as ``series`` does: indicators published only as 1—N月 totals are judged on single months by difference
    ytd_ids = [i.pk for i in indicators if i.publication == "cumulative" and not points.get(i.pk)]
    if ytd_ids:
        for pk, ytd in _chosen_points(_latest_series_rows(ytd_ids, area, as_of, cumulative=True)).items():
            points[pk] = periods_from_cumulative(ytd)
    targets: dict[int, list] = {}
    for t in (IndicatorTarget.objects.filter(indicator_id__in=ids, area=area, status=TargetStatus.ADOPTED)
              .select_related("reference_indicator", "baseline_observation").order_by("year", "id")):
        targets.setdefault(t.indicator_id, []).append(t)
    # the adopted target with the nearest target year not yet past; else the most recent past one
    chosen = {pk: next((t for t in items if t.year >= as_of.year), items[-1]) for pk, items in targets.items()}
    reference_ids = {t.reference_indicator_id for t in chosen.values() if t.reference_indicator_id}
    references = _chosen_points(_latest_series_rows(reference_ids, area, as_of)) if reference_ids else {}
    thresholds = thresholds_in_force(as_of)
    result = {}
    for indicator in indicators:
        series_points = points.get(indicator.pk, [])
        target = chosen.get(indicator.pk)
        judged, reference = series_points, None
        if target is not None and target.reference_indicator_id:
            reference = references.get(target.reference_indicator_id, [])
        if target is not None and target.baseline_observation_id and target.baseline_year:
            # a relative target names the vintage of its base value: use it, not whatever the latest release says
            base = target.baseline_observation
            judged = [p for p in series_points if p.period != str(target.baseline_year)] + [
                SeriesPoint(base.period, base.period_end, base.value, base.growth_rate, base.release_id)]
        status = progress_status(indicator, target, judged, thresholds=thresholds, reference_points=reference)
        if target is not None:
            status.reason = f"{status.reason}（目标：{target.year}年，{target.source_document}）"
        result[indicator.pk] = (series_points[-1] if series_points else None, status)
    return result


def indicator_status(indicator, *, area: str = "西青区", as_of: dt.date | None = None) -> ProgressStatus:
    """Status of one indicator for one area (see ``indicator_statuses``)."""
    return indicator_statuses([indicator], area=area, as_of=as_of)[indicator.pk][1]


def describe_period(key: str) -> str:
    return periods.period_label(key)
