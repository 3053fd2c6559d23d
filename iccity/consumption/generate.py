"""Synthetic (示例) consumption feed for Xiqing's named 商圈: merchants, hourly footfall and card transactions that
``iccity consumption ingest`` accepts. Every file is marked 示例 (Parquet key-value metadata ``iccity.demo``; CSV file
names start with 示例), and the merchants, coordinates and volumes are invented: none of it is a fact.

Shape (calibration, stack-notes.md "Consumption analytics" and xiqing-facts.md §3–4):
- hourly curves per kind of place; overall night share (18:00–06:00, 银联商务's definition) ≈ 0.55, near MOFCOM's
  "about 60 % of urban consumption at night"; malls take about half their day between 18:00 and 22:00;
- Saturday busiest, then Sunday; first week of the month higher (payday);
- Spring Festival by lunar date: shopping peak in the week before 除夕, quieter malls 除夕–初六, tourist places up;
  杨柳青 lantern show 正月初一–十六 with its peak 十四–十六 (元宵), more non-local cards then;
- non-local and foreign card shares per 商圈 (天津南站 highest); categories roughly Zipf-like;
- footfall: 中北 ≈ 3万/day (the AEON phase-2 projection of >1,000万 visits a year), 姚村夜市 ≈ 2万/day (2020 report).

Vectorised numpy, generated month by month in chunks, so 10⁸ rows stream in bounded memory; deterministic per seed.
"""
from __future__ import annotations

import calendar as _cal
import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from lunar_python import Lunar

from . import schema

DEMO_META = {schema.DEMO_KEY: schema.DEMO_VALUE}

# Towns only where xiqing-facts.md places the venue; '' where the source gives none (do not invent).
# Centres: 天津南站 and 杨柳青 from the facts file; the others are rough synthetic points.
DISTRICTS = [
    # name, town, share of spend, nonlocal, foreign, curve, daily footfall, lon, lat
    ("中北商圈", "中北镇", 0.26, 0.12, 0.005, "mall", 30000, 117.085, 39.118),
    ("梅江会展中心商圈", "", 0.20, 0.18, 0.012, "mall", 25000, 117.215, 39.066),
    ("南站商圈", "张家窝镇", 0.10, 0.45, 0.010, "station", 20000, 117.055, 39.0558),
    ("杨柳青大运河国家文化公园文旅商圈", "杨柳青镇", 0.14, 0.25, 0.008, "tourism", 8000, 117.01417, 39.13),
    ("社会山国民夜市", "", 0.08, 0.10, 0.004, "night", 15000, 117.135, 39.070),
    ("姚村夜市", "精武镇", 0.07, 0.06, 0.002, "night", 20000, 117.100, 39.040),
    ("杉杉奥特莱斯", "", 0.15, 0.20, 0.006, "mall", 18000, 117.160, 39.050),
]
_H = np.arange(24)
CURVES = {
    "mall": np.array([.3, .2, .1, .1, .1, .1, .2, .4, .8, 1.5, 3, 4.5, 6, 5.5, 4.5, 4.2, 4.5, 5.5, 9, 11, 10.5, 8.5,
                      3.5, 1.2]),
    "station": np.array([1, .5, .3, .3, .5, 1.5, 3.5, 5, 5.5, 5.5, 5.5, 6, 6.5, 6, 5.5, 5.5, 6, 6.5, 6.5, 6, 5.5, 4.5,
                         3, 2]),
    "tourism": np.array([.2, .1, .1, .1, .1, .1, .3, 1, 2.5, 5, 7, 7.5, 7.5, 7.5, 7, 6.5, 6, 5.5, 6, 6.5, 5.5, 4,
                         1.5, .5]),
    "night": np.array([4, 2, .8, .2, .1, .1, .1, .1, .1, .1, .2, .5, .8, .8, .6, .6, 1, 4, 10, 14, 15, 13, 10, 7]),
    "lantern": np.array([1.5, .8, .3, .1, .1, .1, .2, .5, 1, 2, 3, 3.5, 3.5, 3.5, 3.5, 4, 5, 8, 13, 15, 14, 11, 6,
                         3]),
}
WEEKDAY_FACTOR = np.array([0.90, 0.88, 0.90, 0.93, 1.05, 1.30, 1.18])  # Mon…Sun
CATEGORIES = ["餐饮", "服装鞋帽", "超市便利", "休闲娱乐", "化妆品", "家电数码", "文化旅游", "珠宝首饰", "其他"]
# median ticket in 元 and log-sd; category shares per curve kind (Zipf-like for malls)
TICKET = {"餐饮": (70, .6), "服装鞋帽": (300, .7), "超市便利": (90, .8), "休闲娱乐": (120, .6), "化妆品": (350, .6),
          "家电数码": (1500, .8), "文化旅游": (60, .7), "珠宝首饰": (2500, .9), "其他": (100, .9)}
CATEGORY_MIX = {
    "mall": [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 6, 1 / 9, 1 / 8, 1 / 7],
    "station": [1, .2, .8, .1, .05, .05, .3, .02, .3],
    "tourism": [1, .15, .2, .3, .05, .02, .9, .05, .2],
    "night": [1, .1, .1, .15, .02, .02, .1, .01, .2],
}
PROVINCES = [("北京", "北京", .28), ("河北", "廊坊", .20), ("山东", "济南", .10), ("河南", "郑州", .07),
             ("山西", "太原", .05), ("辽宁", "沈阳", .05), ("江苏", "南京", .05), ("内蒙古", "呼和浩特", .04),
             ("上海", "上海", .04), ("广东", "广州", .04), ("浙江", "杭州", .03), ("黑龙江", "哈尔滨", .03),
             ("吉林", "长春", .02)]
COUNTRIES = [("KR", .25), ("JP", .18), ("HK", .12), ("US", .12), ("RU", .10), ("TW", .06), ("SG", .06),
             ("DE", .05), ("GB", .04), ("MO", .02)]
CHANNEL_MIX = {"mall": [.50, .40, .10], "station": [.35, .60, .05], "tourism": [.30, .65, .05],
               "night": [.08, .90, .02]}  # pos, qr, online


def _lunar_to_solar(year: int, month: int, day: int) -> dt.date:
    s = Lunar.fromYmd(year, month, day).getSolar()
    return dt.date(s.getYear(), s.getMonth(), s.getDay())


def day_factors(days: list[dt.date]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(spend weight [day, district], non-local multiplier [day, district], uses-lantern-curve [day, district])."""
    n, k = len(days), len(DISTRICTS)
    weight = np.ones((n, k))
    nonlocal_mult = np.ones((n, k))
    lantern = np.zeros((n, k), dtype=bool)
    kinds = np.array([d[5] for d in DISTRICTS])
    index = {d: i for i, d in enumerate(days)}
    first = days[0]
    for i, day in enumerate(days):
        weight[i] *= WEEKDAY_FACTOR[day.weekday()] * (1.12 if day.day <= 7 else 1.0)
        weight[i] *= 1.05 ** ((day - first).days / 365.25)
    yly = list(kinds).index("tourism")
    for year in range(days[0].year - 1, days[-1].year + 2):
        new_year = _lunar_to_solar(year, 1, 1)
        for offset in range(-8, 16):
            i = index.get(new_year + dt.timedelta(days=offset))
            if i is None:
                continue
            if -8 <= offset <= -2:  # shopping week before 除夕
                weight[i, kinds != "tourism"] *= 1.35
            elif -1 <= offset <= 6:  # 春节 holiday: malls quieter, tourist places up
                weight[i, kinds == "mall"] *= 0.8
                weight[i, kinds == "station"] *= 0.7
                weight[i, yly] *= 1.6
            if 0 <= offset <= 15:  # 灯会 正月初一–十六
                peak = offset >= 13  # 正月十四–十六
                weight[i, yly] *= 6.0 if peak else 2.5
                if offset == 14:
                    weight[i, kinds != "tourism"] *= 1.3  # 元宵 evening elsewhere too
                nonlocal_mult[i, yly] = 1.6
                lantern[i, yly] = True
    return weight, nonlocal_mult, lantern


def _months(start: dt.date, end: dt.date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        first = max(start, dt.date(year, month, 1))
        last = min(end, dt.date(year, month, _cal.monthrange(year, month)[1]))
        yield f"{year:04d}-{month:02d}", first, last
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def merchants_table(seed: int) -> pa.Table:
    """About 1,500 invented merchants with valid USCC check characters (region code 120111 = 西青区)."""
    from iccity.core.validation import USCC_ALPHABET, uscc_check_char

    rng = np.random.default_rng([seed, 1])
    rows = []
    tiers = ["天津首店", "华北首店", "全国首店", "区域首店"]
    for k, (district, town, share, _n, _f, kind, _ff, lon, lat) in enumerate(DISTRICTS):
        mix = np.array(CATEGORY_MIX[kind])
        count = int(200 + 1200 * share)
        cats = rng.choice(len(CATEGORIES), size=count, p=mix / mix.sum())
        for j in range(count):
            first17 = "92120111" + "".join(USCC_ALPHABET[x] for x in rng.integers(0, 10, size=9))
            tier = tiers[rng.choice(4, p=[.5, .25, .15, .1])] if rng.random() < 0.03 else ""
            honoured = bool(rng.random() < (0.06 if kind == "tourism" else 0.015))
            rows.append({
                "merchant_id": f"M{k + 1}{j:05d}", "name": f"示例{district}{CATEGORIES[cats[j]]}商户{j + 1:04d}",
                "uscc": first17 + uscc_check_char(first17), "district": district, "town": town,
                "category": CATEGORIES[cats[j]], "first_store_tier": tier, "is_time_honoured": honoured,
                "lon": round(lon + rng.normal(0, 0.004), 6), "lat": round(lat + rng.normal(0, 0.003), 6),
            })
    return pa.Table.from_pylist(rows, schema=schema.MERCHANTS)


def _write(table: pa.Table, path: Path, fmt: str) -> Path:
    if fmt == "parquet":
        pq.write_table(table.replace_schema_metadata(DEMO_META), path, compression="zstd")
    else:
        pacsv.write_csv(table, path)
    return path


def generate(out_dir: Path, rows: int, seed: int, start: dt.date, end: dt.date, *, fmt: str = "parquet",
             chunk_rows: int = 5_000_000, progress=None) -> dict[str, list[Path]]:
    """Write 示例 merchants, footfall and ``rows`` transactions for start…end into ``out_dir``.
    Returns {kind: [files]}. ``progress(n)`` is called with transaction rows written."""
    if fmt not in ("parquet", "csv"):
        raise ValueError("fmt must be parquet or csv")
    if end < start:
        raise ValueError("end before start")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ext = "parquet" if fmt == "parquet" else "csv"
    merchants = merchants_table(seed)
    out = {"merchants": [_write(merchants, out_dir / f"示例-merchants.{ext}", fmt)], "footfall": [],
           "transactions": []}
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    weight, nonlocal_mult, lantern = day_factors(days)
    k = len(DISTRICTS)
    shares = np.array([d[2] for d in DISTRICTS])
    curves = np.stack([CURVES[d[5]] / CURVES[d[5]].sum() for d in DISTRICTS])  # [k, 24]
    lantern_curve = CURVES["lantern"] / CURVES["lantern"].sum()
    # cell = (day, district, hour): probability ∝ district share × day weight × hour curve
    cell = (shares[None, :] * weight)[:, :, None] * curves[None, :, :]
    cell = np.where(lantern[:, :, None], (shares[None, :] * weight)[:, :, None] * lantern_curve, cell)
    out["footfall"].append(_footfall(days, weight / WEEKDAY_FACTOR.mean(), cell, seed, out_dir, ext, fmt))
    merchant_district = np.array([DISTRICTS.index(next(d for d in DISTRICTS if d[0] == x)) for x in
                                  merchants.column("district").to_pylist()])
    cat_index = {c: i for i, c in enumerate(CATEGORIES)}
    merchant_cat = np.array([cat_index[c] for c in merchants.column("category").to_pylist()])
    # popularity within a district: Zipf-like; cumulative weights offset by the district index for one searchsorted
    rng0 = np.random.default_rng([seed, 2])
    pop = 1.0 / (1 + rng0.permutation(len(merchant_district)) % 200) ** 0.8
    cum = np.empty(len(pop))
    for d in range(k):
        idx = np.nonzero(merchant_district == d)[0]
        cum[idx] = d + np.cumsum(pop[idx]) / pop[idx].sum()
    order = np.argsort(cum, kind="stable")
    cum_sorted = cum[order]
    month_rows = _split_rows(rows, days, cell, seed)
    for m_index, (month, first, last) in enumerate(_months(start, end)):
        i0, i1 = (first - start).days, (last - start).days + 1
        p = cell[i0:i1].ravel()
        cum_cells = np.cumsum(p) / p.sum()
        remaining = month_rows[month]
        chunk = 0
        while remaining > 0:
            n = min(chunk_rows, remaining)
            rng = np.random.default_rng([seed, 3, m_index, chunk])
            cells = np.sort(np.minimum(np.searchsorted(cum_cells, rng.random(n)), p.size - 1))
            table = _transactions(rng, cells, i0, days, nonlocal_mult, order, cum_sorted, merchants, merchant_cat)
            path = out_dir / f"示例-transactions-{month}-{chunk:03d}.{ext}"
            out["transactions"].append(_write(table, path, fmt))
            remaining -= n
            chunk += 1
            if progress:
                progress(n)
    return out


def _split_rows(rows: int, days, cell, seed) -> dict[str, int]:
    months = list(_months(days[0], days[-1]))
    mass = np.array([cell[(f - days[0]).days:(l - days[0]).days + 1].sum() for _, f, l in months])
    counts = np.random.default_rng([seed, 4]).multinomial(rows, mass / mass.sum())
    return {m: int(c) for (m, _, _), c in zip(months, counts)}


def _transactions(rng, cells, i0, days, nonlocal_mult, order, cum_sorted, merchants, merchant_cat) -> pa.Table:
    k = len(DISTRICTS)
    n = len(cells)
    day_i = cells // (k * 24) + i0
    district = (cells // 24) % k
    hour = cells % 24
    base = np.array([np.datetime64(d, "us").astype(np.int64) for d in days])
    ts_us = base[day_i] + hour * 3_600_000_000 + rng.integers(0, 3_600_000_000, size=n)
    merchant = order[np.minimum(np.searchsorted(cum_sorted, district + rng.random(n)), len(order) - 1)]
    cat = merchant_cat[merchant]
    med = np.array([np.log(TICKET[c][0] * 100) for c in CATEGORIES])
    sd = np.array([TICKET[c][1] for c in CATEGORIES])
    amount = np.maximum(100, np.exp(med[cat] + sd[cat] * rng.standard_normal(n))).astype(np.int64)
    p_nonlocal = np.array([d[3] for d in DISTRICTS])[district] * nonlocal_mult[day_i, district]
    p_foreign = np.array([d[4] for d in DISTRICTS])[district]
    u = rng.random(n)
    origin = np.where(u < p_foreign, 2, np.where(u < p_foreign + p_nonlocal, 1, 0))
    prov_w = np.array([p[2] for p in PROVINCES])
    prov = rng.choice(len(PROVINCES), size=n, p=prov_w / prov_w.sum())
    ctry_w = np.array([c[1] for c in COUNTRIES])
    ctry = rng.choice(len(COUNTRIES), size=n, p=ctry_w / ctry_w.sum())
    # dictionary codes: 0 = 天津 (local), 1.. = provinces, last = '' (foreign)
    prov_dict = pa.array(["天津"] + [p[0] for p in PROVINCES] + [""])
    city_dict = pa.array(["天津"] + [p[1] for p in PROVINCES] + [""])
    prov_code = np.where(origin == 0, 0, np.where(origin == 1, prov + 1, len(PROVINCES) + 1)).astype(np.int32)
    ctry_dict = pa.array(["CN"] + [c[0] for c in COUNTRIES])
    ctry_code = np.where(origin == 2, ctry + 1, 0).astype(np.int32)
    kinds = [d[5] for d in DISTRICTS]
    ch_probs = np.stack([CHANNEL_MIX[x] for x in kinds])[district]
    v = rng.random(n)
    channel = np.where(v < ch_probs[:, 0], 0, np.where(v < ch_probs[:, 0] + ch_probs[:, 1], 1, 2)).astype(np.int32)

    def dict_col(codes, dictionary):
        return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), dictionary)

    return pa.table({
        "ts": pa.array(ts_us, type=pa.int64()).cast(pa.timestamp("us")),
        "merchant_id": merchants.column("merchant_id").take(pa.array(merchant)),
        "category": dict_col(cat, pa.array(CATEGORIES)),
        "district": dict_col(district, pa.array([d[0] for d in DISTRICTS])),
        "amount_fen": pa.array(amount),
        "origin_province": dict_col(prov_code, prov_dict),
        "origin_city": dict_col(prov_code, city_dict),
        "origin_country": dict_col(ctry_code, ctry_dict),
        "channel": dict_col(channel, pa.array(["pos", "qr", "online"])),
    })


def _footfall(days, weight, cell, seed, out_dir: Path, ext: str, fmt: str) -> Path:
    k = len(DISTRICTS)
    rng = np.random.default_rng([seed, 5])
    daily = np.array([d[6] for d in DISTRICTS], dtype=float)
    share_norm = cell / cell.sum(axis=2, keepdims=True)  # hour shape of each (day, district)
    expected = daily[None, :, None] * weight[:, :, None] * share_norm
    visitors = rng.poisson(expected).astype(np.int64).ravel()
    base = np.array([np.datetime64(d, "us").astype(np.int64) for d in days])
    day_i = np.repeat(np.arange(len(days)), k * 24)
    hour = np.tile(np.arange(24), len(days) * k)
    district = np.tile(np.repeat(np.arange(k), 24), len(days))
    table = pa.table({
        "ts": pa.array(base[day_i] + hour * 3_600_000_000, type=pa.int64()).cast(pa.timestamp("us")),
        "district": pa.array([d[0] for d in DISTRICTS]).take(pa.array(district)),
        "visitors": pa.array(visitors),
        "source": pa.array(["示例客流"] * len(visitors)),
    })
    return _write(table, out_dir / f"示例-footfall.{ext}", fmt)
