"""Consumption metrics, each defined once as Ibis expressions so the same definition runs on DuckDB and on PySpark.

Every metric takes an ``Engine`` and keyword filters and returns a pandas DataFrame sorted by its group keys.
Amounts stay in 分 (integers, exact on every backend); ratios are plain float divisions done by the engine.

``source``: "rollup" answers from the pre-aggregated tables, "raw" scans the transactions, "auto" takes the rollup
whenever the requested breakdown can be answered from it. Both give the same numbers (tested): a rollup is only
a cache, never a second definition. Among the spend rollups the smallest that holds every column a question needs
wins (``rollup_for``): ``rollup_daily_district`` (no hour, no category), ``rollup_daily`` (no hour), then ``rollup_hour_district`` (no category), then
``rollup_hourly``; a rollup kind name as ``source`` forces that table (tests and benchmarks).

Weekday, holiday and lunar attributes always come from the calendar table, never from engine date functions:
SQL transpilation has been seen to mistranslate day-of-week between DuckDB and Spark (see docs/consumption.md).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from collections.abc import Iterable, Sequence

import ibis
import pandas as pd

from .engine import Engine

CALENDAR_DIMS = ("weekday", "is_weekend", "is_holiday", "is_workday", "holiday_name", "festival", "festival_window")
SPEND_DIMS = ("date", "hour", "month", "district", "town", "category", "origin_class", "channel") + CALENDAR_DIMS
ROLLUP_HOURLY_DIMS = {"date", "hour", "month", "district", "town", "category", "origin_class"} | set(CALENDAR_DIMS)
# Spend rollups, smallest first (measured at 10⁷ rows over two years: 15 k, 113 k, 254 k and 1.2 M rows), with the
# columns each can group by.
SPEND_ROLLUPS = {
    "rollup_daily_district": ROLLUP_HOURLY_DIMS - {"hour", "category"},
    "rollup_daily": ROLLUP_HOURLY_DIMS - {"hour"},
    "rollup_hour_district": ROLLUP_HOURLY_DIMS - {"category"},
    "rollup_hourly": ROLLUP_HOURLY_DIMS,
}
FOOTFALL_DIMS = ("date", "hour", "month", "district", "town") + CALENDAR_DIMS
MERCHANT_DIMS = ("date", "month", "district", "town", "first_store_tier", "is_time_honoured") + CALENDAR_DIMS
ROLLUP_MERCHANT_DIMS = set(MERCHANT_DIMS)
SOURCES = ("auto", "rollup", "raw")
_MONTH = re.compile(r"month=(\d{4}-\d{2})")
DEFAULT_NIGHT = (18, 6)   # 银联商务's night-time index: 18:00 to 06:00 the next day


class MetricError(ValueError):
    """A request the metrics cannot answer; the message is Chinese and shown to users as is."""


@dataclass(frozen=True)
class Filters:
    start: dt.date | None = None
    end: dt.date | None = None
    districts: tuple[str, ...] = ()
    towns: tuple[str, ...] = ()

    @classmethod
    def of(cls, start=None, end=None, districts: Iterable[str] | None = None, towns: Iterable[str] | None = None):
        if start and end and start > end:
            raise MetricError(f"开始日期{start}晚于结束日期{end}")
        return cls(start, end, tuple(districts or ()), tuple(towns or ()))

    def apply(self, t: ibis.Table, *, date_col: str = "date", pad_end_days: int = 0) -> ibis.Table:
        preds = []
        if self.start:
            preds.append(t[date_col] >= self.start)
        if self.end:
            preds.append(t[date_col] <= self.end + dt.timedelta(days=pad_end_days))
        if self.districts and "district" in t.columns:
            preds.append(t.district.isin(self.districts))
        if self.towns and "town" in t.columns:
            preds.append(t.town.isin(self.towns))
        return t.filter(*preds) if preds else t


# ---- helpers -----------------------------------------------------------------------------------------------------

def _check_dims(by: Sequence[str], allowed: Iterable[str], what: str) -> tuple[str, ...]:
    by = tuple(by)
    unknown = [b for b in by if b not in allowed]
    if unknown:
        raise MetricError(f"{what}不支持按“{'、'.join(unknown)}”分组，可选：{'、'.join(allowed)}")
    if len(set(by)) != len(by):
        raise MetricError("分组字段重复")
    return by


def _usable(engine: Engine, kind: str) -> bool:
    """A derived spend rollup counts only if it covers every month ``rollup_hourly`` covers: a lake ingested before
    the rollup existed gets it month by month as runs touch months, until ``rebuild-rollups`` fills the rest."""
    if not engine.has(kind):
        return False
    if kind in SPEND_ROLLUPS and kind != "rollup_hourly":
        months = {m.group(1) for m in map(_MONTH.search, map(str, engine.files(kind))) if m}
        hourly = {m.group(1) for m in map(_MONTH.search, map(str, engine.files("rollup_hourly"))) if m}
        return hourly <= months
    return True


def rollup_for(engine: Engine, needs: Iterable[str], *, source: str = "auto",
               rollups: dict[str, set[str]] | None = None) -> str:
    """The table a question is answered from: "transactions" or the smallest available rollup of ``rollups``
    (default: the spend rollups) whose columns include every one of ``needs``."""
    rollups = SPEND_ROLLUPS if rollups is None else rollups
    needs = set(needs)
    if source not in SOURCES and source not in rollups:
        raise MetricError(f"未知数据来源“{source}”，可选：{'、'.join((*SOURCES, *rollups))}")
    if source == "raw":
        return "transactions"
    fitting = [kind for kind, dims in rollups.items() if needs <= dims]
    if source in rollups and source not in fitting or source == "rollup" and not fitting:
        dims = rollups[source] if source in rollups else set().union(*rollups.values())
        raise MetricError(f"汇总表不含“{'、'.join(sorted(needs - dims))}”，请改用明细（source=raw）")
    if source in rollups:
        return source
    usable = [kind for kind in fitting if _usable(engine, kind)]
    if usable:
        return usable[0]
    return fitting[0] if source == "rollup" else "transactions"


def _with_dims(engine: Engine, t: ibis.Table, by: Sequence[str], *, date_col: str = "date") -> ibis.Table:
    """Add the derived grouping columns a metric asks for: month (YYYYMM) and calendar attributes by join."""
    if "month" in by:
        t = t.mutate(month=t[date_col].year() * 100 + t[date_col].month())
    cal_cols = [c for c in by if c in CALENDAR_DIMS]
    if cal_cols:
        cal = engine.table("calendar").select("date", *cal_cols).rename(_cal_date="date")
        t = t.left_join(cal, t[date_col] == cal._cal_date).drop("_cal_date")
    return t


def _finish(df: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Same dtypes and order from every backend: dates as datetime.date, months as 'YYYY-MM', ints as int64."""
    df = df.copy()
    for col in df.columns:
        if col in ("date", "prev_date", "evening"):
            df[col] = pd.to_datetime(df[col]).dt.date
        elif col == "month":
            df[col] = df[col].astype("int64").map(lambda m: f"{m // 100:04d}-{m % 100:02d}")
        elif col in ("hour", "weekday", "lunar_month", "lunar_day"):
            df[col] = df[col].astype("int64")
        elif col.endswith("_fen") and not col.startswith("avg") and not col.endswith("per_visitor_fen") \
                or col.endswith("_count") or col == "visitors" or col.endswith("_days"):
            df[col] = df[col].fillna(0).astype("int64")
        elif col.endswith(("share", "yoy", "mom")) or col.startswith("avg") or col.endswith("per_visitor_fen"):
            df[col] = df[col].astype("float64")
    keys = [k for k in keys if k in df.columns]
    if keys:
        df = df.sort_values(keys, kind="mergesort")
    return df.reset_index(drop=True)


def _key(name: str, kwargs: dict) -> tuple:
    """Cache key of a metric call for ``Engine.run``: every argument, by value (repr is exact for dates, str,
    numbers and sequences of them; a list and a tuple only miss each other)."""
    return name, repr(sorted(kwargs.items()))


def _ratio(num, den):
    return num.cast("float64") / den.nullif(0).cast("float64")


def _spend_facts(engine: Engine, kind: str, flt: Filters, *, pad_end_days: int = 0):
    """(table, spend expression, count expression) for the chosen table (see ``rollup_for``), filtered."""
    if kind != "transactions":
        t = flt.apply(engine.table(kind), pad_end_days=pad_end_days)
        return t, t.spend_fen, lambda tt: tt.txn_count.sum()
    t = flt.apply(engine.table("transactions"), pad_end_days=pad_end_days)
    return t, t.amount_fen, lambda tt: tt.count()


# ---- spend, transactions, average ticket -------------------------------------------------------------------------

def spend_expr(engine: Engine, *, by: Sequence[str] = (), start=None, end=None, districts=None, towns=None,
               source: str = "auto") -> ibis.Table:
    by = _check_dims(by, SPEND_DIMS, "消费额")
    src = rollup_for(engine, by, source=source)
    flt = Filters.of(start, end, districts, towns)
    if src != "transactions":
        t = _with_dims(engine, flt.apply(engine.table(src)), by)
        aggs = {"spend_fen": t.spend_fen.sum(), "txn_count": t.txn_count.sum()}
    else:
        t = _with_dims(engine, flt.apply(engine.table("transactions")), by)
        aggs = {"spend_fen": t.amount_fen.sum(), "txn_count": t.count()}
    g = t.group_by(list(by)).aggregate(**aggs) if by else t.aggregate(**aggs)
    return g.mutate(avg_ticket_fen=_ratio(g.spend_fen, g.txn_count))


def spend(engine: Engine, *, by: Sequence[str] = (), start=None, end=None, districts=None, towns=None,
          source: str = "auto") -> pd.DataFrame:
    """Spend (分), transactions and average ticket (分) by any of ``SPEND_DIMS``."""
    kw = dict(by=by, start=start, end=end, districts=districts, towns=towns, source=source)
    return _finish(engine.run(_key("spend", kw), lambda: spend_expr(engine, **kw)), by)


# ---- night-time share --------------------------------------------------------------------------------------------

def _night_flags(t: ibis.Table, window: tuple[int, int]):
    """(is_night, evening date). A window that wraps midnight gives its small hours to the previous evening, so the
    business day runs from the window's end hour to the same hour next day."""
    start_h, end_h = window
    if not (0 <= start_h <= 23 and 0 <= end_h <= 24) or start_h == end_h:
        raise MetricError(f"夜间时段 {start_h}:00–{end_h}:00 无效")
    if start_h > end_h:
        is_night = (t.hour >= start_h) | (t.hour < end_h)
        evening = ibis.ifelse(t.hour < end_h, t.date - ibis.interval(days=1), t.date)
    else:
        is_night = (t.hour >= start_h) & (t.hour < end_h)
        evening = t.date
    return is_night, evening


def night_share(engine: Engine, *, freq: str | None = "date", by: Sequence[str] = (), start=None, end=None,
                districts=None, towns=None, window: tuple[int, int] = DEFAULT_NIGHT,
                source: str = "auto") -> pd.DataFrame:
    """Share of spend in the night window per business day (``freq="date"``, column ``date``), per month of those
    business days (``freq="month"``) or over the whole range (``freq=None``)."""
    kw = dict(freq=freq, by=by, start=start, end=end, districts=districts, towns=towns, window=window, source=source)
    df = engine.run(_key("night_share", kw), lambda: _night_share_expr(engine, **kw))
    return _finish(df, list(by) + ([freq] if freq in ("date", "month") else []))


def _night_share_expr(engine: Engine, *, freq: str | None = "date", by: Sequence[str] = (), start=None, end=None,
                      districts=None, towns=None, window: tuple[int, int] = DEFAULT_NIGHT,
                      source: str = "auto") -> ibis.Table:
    by = _check_dims(by, ("district", "town", "category", "origin_class"), "夜间消费占比")
    if freq not in ("date", "month", None):
        raise MetricError("夜间消费占比的频率只能是 date、month 或不分期")
    src = rollup_for(engine, {*by, "hour"}, source=source)
    flt = Filters.of(start, end, districts, towns)
    wraps = window[0] > window[1]
    t, amount, count = _spend_facts(engine, src, flt, pad_end_days=1 if wraps else 0)
    is_night, evening = _night_flags(t, window)
    t = t.mutate(_amount=amount, _night=ibis.ifelse(is_night, amount, 0), _bday=evening)
    # The small hours of the day after ``end`` belong to ``end``'s evening; those of ``start`` to the day before.
    preds = [t._bday >= flt.start] if flt.start else []
    preds += [t._bday <= flt.end] if flt.end else []
    t = t.filter(*preds) if preds else t
    keys = list(by)
    if freq == "date":
        t, keys = t.mutate(date=t._bday), keys + ["date"]
    elif freq == "month":
        t, keys = t.mutate(month=t._bday.year() * 100 + t._bday.month()), keys + ["month"]
    aggs = {"spend_fen": t._amount.sum(), "night_fen": t._night.sum()}
    g = t.group_by(keys).aggregate(**aggs) if keys else t.aggregate(**aggs)
    g = g.mutate(night_share=_ratio(g.night_fen, g.spend_fen))
    return g


# ---- origin of cards: non-local and foreign shares ---------------------------------------------------------------

def origin_share(engine: Engine, *, by: Sequence[str] = (), start=None, end=None, districts=None, towns=None,
                 source: str = "auto") -> pd.DataFrame:
    """Spend by card origin: ``nonlocal_share`` (domestic cards from outside Tianjin), ``foreign_share`` (cards
    issued abroad) and ``external_share`` (both: 外来消费)."""
    kw = dict(by=by, start=start, end=end, districts=districts, towns=towns, source=source)
    df = engine.run(_key("origin_share", kw), lambda: _origin_share_expr(engine, **kw))
    return _finish(df, list(by))


def _origin_share_expr(engine: Engine, *, by: Sequence[str] = (), start=None, end=None, districts=None, towns=None,
                       source: str = "auto") -> ibis.Table:
    by = _check_dims(by, SPEND_DIMS, "外来消费占比")
    src = rollup_for(engine, {*by, "origin_class"}, source=source)
    flt = Filters.of(start, end, districts, towns)
    t, amount, _ = _spend_facts(engine, src, flt)
    t = _with_dims(engine, t.mutate(_amount=amount), by)
    aggs = {"spend_fen": t._amount.sum(),
            "local_fen": ibis.ifelse(t.origin_class == "local", t._amount, 0).sum(),
            "nonlocal_fen": ibis.ifelse(t.origin_class == "nonlocal", t._amount, 0).sum(),
            "foreign_fen": ibis.ifelse(t.origin_class == "foreign", t._amount, 0).sum()}
    g = t.group_by(list(by)).aggregate(**aggs) if by else t.aggregate(**aggs)
    g = g.mutate(nonlocal_share=_ratio(g.nonlocal_fen, g.spend_fen), foreign_share=_ratio(g.foreign_fen, g.spend_fen),
                 external_share=_ratio(g.nonlocal_fen + g.foreign_fen, g.spend_fen))
    return g


# ---- growth: month on month, year on year, festivals by lunar date -----------------------------------------------

def growth(engine: Engine, *, by: Sequence[str] = (), start=None, end=None, districts=None, towns=None,
           source: str = "auto") -> pd.DataFrame:
    """Monthly spend with MoM and YoY growth (ratios, 0.05 = +5 %). Months without data have no growth (null)."""
    by = _check_dims(by, ("district", "town", "category", "origin_class"), "增速")
    # Reach back 12 months so the first months in range have their comparison base.
    reach = dt.date(start.year - 1, start.month, 1) if start else None
    base = spend_expr(engine, by=[*by, "month"], start=reach, end=end, districts=districts, towns=towns,
                      source=source)
    m = base.select(*by, "spend_fen", _idx=(base.month // 100) * 12 + base.month % 100, month=base.month)
    prev_m = m.select(*[m[b].name(f"_p_{b}") for b in by], _pidx=m._idx + 1, prev_month_fen=m.spend_fen)
    prev_y = m.select(*[m[b].name(f"_y_{b}") for b in by], _yidx=m._idx + 12, prev_year_fen=m.spend_fen)
    j = m.left_join(prev_m, [m._idx == prev_m._pidx, *[m[b] == prev_m[f"_p_{b}"] for b in by]])
    j = j.left_join(prev_y, [j._idx == prev_y._yidx, *[j[b] == prev_y[f"_y_{b}"] for b in by]])
    j = j.select(*by, "month", "spend_fen", "prev_month_fen", "prev_year_fen")
    j = j.mutate(mom=_ratio(j.spend_fen, j.prev_month_fen) - 1, yoy=_ratio(j.spend_fen, j.prev_year_fen) - 1)
    if start:
        j = j.filter(j.month >= start.year * 100 + start.month)
    df = engine.execute(j)
    for col in ("prev_month_fen", "prev_year_fen"):
        df[col] = df[col].astype("Int64")
    return _finish(df, [*by, "month"])


def lunar_window_dates(engine: Engine, lunar_year: int, first: tuple[int, int], last: tuple[int, int]) -> ibis.Table:
    """Calendar dates from lunar (month, day) ``first`` to ``last`` of ``lunar_year``, leap months excluded."""
    if first > last:
        raise MetricError("农历区间的起点晚于终点（跨农历年的区间请分两段）")
    cal = engine.table("calendar")
    key = cal.lunar_month.cast("int32") * 100 + cal.lunar_day.cast("int32")
    return cal.filter(cal.lunar_year == lunar_year, ~cal.is_leap_month,
                      key.between(first[0] * 100 + first[1], last[0] * 100 + last[1]))


def lunar_aligned(engine: Engine, *, lunar_year: int, first: tuple[int, int] = (1, 1),
                  last: tuple[int, int] = (1, 16), districts=None, towns=None, source: str = "auto") -> pd.DataFrame:
    """Daily spend over a festival window in ``lunar_year`` next to the same lunar dates one lunar year earlier
    (正月初一 against 正月初一, whatever the solar dates). Columns: lunar_month, lunar_day, date, spend_fen,
    prev_date, prev_spend_fen, yoy."""
    src = rollup_for(engine, ("date",), source=source)
    flt = Filters.of(None, None, districts, towns)
    frames = []
    for year, prefix in ((lunar_year, ""), (lunar_year - 1, "prev_")):
        days = lunar_window_dates(engine, year, first, last).select("date", "lunar_month", "lunar_day")
        t, amount, _ = _spend_facts(engine, src, flt)
        daily = t.group_by("date").aggregate(_s=amount.sum())
        j = days.left_join(daily, days.date == daily.date).select(
            days.lunar_month, days.lunar_day, **{f"{prefix}date": days.date, f"{prefix}spend_fen": daily._s})
        frames.append(j)
    cur, prev = frames
    j = cur.left_join(prev, [cur.lunar_month == prev.lunar_month, cur.lunar_day == prev.lunar_day]).select(
        cur.lunar_month, cur.lunar_day, cur.date, cur.spend_fen, prev.prev_date, prev.prev_spend_fen)
    j = j.mutate(yoy=_ratio(j.spend_fen, j.prev_spend_fen) - 1)
    return _finish(engine.execute(j), ["lunar_month", "lunar_day"])


def lunar_yoy(engine: Engine, **kwargs) -> dict:
    """Festival-window totals this lunar year and last, compared by lunar date; days present in both only."""
    df = lunar_aligned(engine, **kwargs)
    both = df[df["date"].notna() & df["prev_date"].notna()]
    cur, prev = int(both["spend_fen"].sum()), int(both["prev_spend_fen"].sum())
    return {"days": len(both), "spend_fen": cur, "prev_spend_fen": prev,
            "yoy": (cur / prev - 1) if prev else None, "daily": df}


# ---- footfall and spend per visitor ------------------------------------------------------------------------------

def footfall(engine: Engine, *, by: Sequence[str] = (), start=None, end=None, districts=None, towns=None,
             source: str = "auto") -> pd.DataFrame:
    """Visitors (footfall feed) and spend per visitor (分) for the same groups."""
    kw = dict(by=by, start=start, end=end, districts=districts, towns=towns, source=source)
    df = engine.run(_key("footfall", kw), lambda: _footfall_expr(engine, **kw))
    return _finish(df, list(by))


def _footfall_expr(engine: Engine, *, by: Sequence[str] = (), start=None, end=None, districts=None, towns=None,
                   source: str = "auto") -> ibis.Table:
    by = _check_dims(by, FOOTFALL_DIMS, "客流")
    flt = Filters.of(start, end, districts, towns)
    f = _with_dims(engine, flt.apply(engine.table("footfall")), by)
    v = f.group_by(list(by)).aggregate(visitors=f.visitors.sum()) if by else f.aggregate(visitors=f.visitors.sum())
    s = spend_expr(engine, by=by, start=start, end=end, districts=districts, towns=towns, source=source)
    if by:
        s = s.select(*[s[b].name(f"_s_{b}") for b in by], spend_fen=s.spend_fen)
        j = v.left_join(s, [v[b] == s[f"_s_{b}"] for b in by]).select(*by, "visitors", "spend_fen")
    else:
        j = v.cross_join(s.select("spend_fen"))
    j = j.mutate(spend_fen=j.spend_fen.fill_null(0))
    j = j.mutate(spend_per_visitor_fen=_ratio(j.spend_fen, j.visitors))
    return j


# ---- 首店 and 老字号 contribution -----------------------------------------------------------------------------------

def merchant_contribution(engine: Engine, *, by: Sequence[str] = (), start=None, end=None, districts=None,
                          towns=None, source: str = "auto") -> pd.DataFrame:
    """Spend at 首店 (any first-store tier) and 老字号 merchants and their shares of all spend in the group.
    By ``first_store_tier`` the rows split per tier ('' = not a 首店)."""
    kw = dict(by=by, start=start, end=end, districts=districts, towns=towns, source=source)
    df = engine.run(_key("merchant_contribution", kw), lambda: _merchant_contribution_expr(engine, **kw))
    return _finish(df, list(by))


def _merchant_contribution_expr(engine: Engine, *, by: Sequence[str] = (), start=None, end=None, districts=None,
                                towns=None, source: str = "auto") -> ibis.Table:
    by = _check_dims(by, MERCHANT_DIMS + ("category",), "首店/老字号贡献")
    src = rollup_for(engine, by, source=source, rollups={"rollup_merchant": ROLLUP_MERCHANT_DIMS})
    flt = Filters.of(start, end, districts, towns)
    if src != "transactions":
        t = flt.apply(engine.table("rollup_merchant"))
        t = t.mutate(_amount=t.spend_fen, _n=t.txn_count)
    else:
        tx = flt.apply(engine.table("transactions"))
        m = engine.table("merchants").select("merchant_id", "first_store_tier", "is_time_honoured")
        m = m.rename(_mid="merchant_id")
        t = tx.left_join(m, tx.merchant_id == m._mid)
        t = t.mutate(_amount=t.amount_fen, first_store_tier=t.first_store_tier.fill_null(""),
                     is_time_honoured=t.is_time_honoured.fill_null(False))
    t = _with_dims(engine, t, by)
    first = t.first_store_tier != ""
    aggs = {"spend_fen": t._amount.sum(), "txn_count": t._n.sum() if src != "transactions" else t.count(),
            "first_store_fen": ibis.ifelse(first, t._amount, 0).sum(),
            "time_honoured_fen": ibis.ifelse(t.is_time_honoured, t._amount, 0).sum()}
    g = t.group_by(list(by)).aggregate(**aggs) if by else t.aggregate(**aggs)
    g = g.mutate(first_store_share=_ratio(g.first_store_fen, g.spend_fen),
                 time_honoured_share=_ratio(g.time_honoured_fen, g.spend_fen))
    return g


# ---- the suite (benchmark, Spark parity, dashboard) --------------------------------------------------------------

def suite(engine: Engine, *, start=None, end=None, source: str = "auto") -> dict[str, pd.DataFrame]:
    """Every metric at the breakdowns the dashboard and the indicators use."""
    kw = {"start": start, "end": end, "source": source}
    out = {
        "spend_by_district": spend(engine, by=["district"], **kw),
        "spend_by_category": spend(engine, by=["category"], **kw),
        "spend_by_town_month": spend(engine, by=["town", "month"], **kw),
        "spend_daily": spend(engine, by=["date"], **kw),
        "spend_hourly": spend(engine, by=["hour"], **kw),
        "spend_by_weekday": spend(engine, by=["weekday", "is_holiday"], **kw),
        "night_share_daily": night_share(engine, freq="date", **kw),
        "night_share_monthly_district": night_share(engine, freq="month", by=["district"], **kw),
        "origin_share_district": origin_share(engine, by=["district"], **kw),
        "growth_monthly": growth(engine, **kw),
        "merchant_contribution": merchant_contribution(engine, by=["district"], **kw),
    }
    if engine.has("footfall"):
        out["footfall_district"] = footfall(engine, by=["district"], **kw)
    return out
