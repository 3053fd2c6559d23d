"""Small hand-made Parquet data for the analysis tests, written in the data layer's layout and schemas.

Every number the metric tests expect can be checked by hand from ``TRANSACTIONS`` below. The rollups are built here
with plain pandas group-bys (a second, independent computation), so "rollup = raw scan" tests the metric code, not
the data layer's rollup builder against itself.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from iccity.consumption.engine import ibis_schema

A, B = "杨柳青大运河国家文化公园文旅商圈", "大学城商圈"
TOWN_A, TOWN_B = "杨柳青镇", "李七庄街"

MERCHANTS = [
    # merchant_id, name, district, town, category, first_store_tier, is_time_honoured
    ("M1", "首店餐厅", A, TOWN_A, "餐饮", "天津首店", False),
    ("M2", "老字号糕点", A, TOWN_A, "零售", "", True),
    ("M3", "大学城餐馆", B, TOWN_B, "餐饮", "", False),
]
_M = {m[0]: m for m in MERCHANTS}

# ts, merchant_id, amount_fen, origin_class — 2024-02-10 is 正月初一 (a Saturday); 2023-01-22 was 正月初一 too.
TRANSACTIONS = [
    ("2024-02-10 10:00", "M1", 10000, "local"),
    ("2024-02-10 19:30", "M1", 20000, "nonlocal"),
    ("2024-02-10 23:10", "M2", 5000, "foreign"),
    ("2024-02-11 02:15", "M2", 3000, "local"),      # after midnight: belongs to the evening of 02-10
    ("2024-02-11 12:00", "M3", 8000, "local"),
    ("2024-02-11 20:00", "M3", 4000, "nonlocal"),
    ("2024-02-09 05:59", "M1", 1000, "local"),      # belongs to the evening of 02-08
    ("2024-01-15 12:00", "M3", 6000, "local"),
    ("2023-02-10 12:00", "M1", 5000, "local"),
    ("2023-01-22 14:00", "M1", 19000, "local"),     # 正月初一 of lunar year 2023
]

FOOTFALL = [
    # ts, district, town, visitors
    ("2024-02-10 10:00", A, TOWN_A, 50),
    ("2024-02-10 19:00", A, TOWN_A, 100),
    ("2024-02-11 12:00", B, TOWN_B, 40),
]


def _ts(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M")


def transactions_frame(rows=TRANSACTIONS, merchants=None) -> pd.DataFrame:
    merchants = merchants or _M
    out = []
    for ts, mid, amount, origin in rows:
        t = _ts(ts) if isinstance(ts, str) else ts
        m = merchants[mid]
        out.append({"ts": t, "date": t.date(), "hour": t.hour, "merchant_id": mid, "category": m[4],
                    "district": m[2], "town": m[3], "amount_fen": amount,
                    "origin_province": "天津" if origin == "local" else ("北京" if origin == "nonlocal" else ""),
                    "origin_city": "", "origin_country": "CN" if origin != "foreign" else "JP",
                    "origin_class": origin, "channel": "pos"})
    return pd.DataFrame(out)


def merchants_frame(merchants=MERCHANTS) -> pd.DataFrame:
    return pd.DataFrame([{"merchant_id": m[0], "name": m[1], "uscc": "", "district": m[2], "town": m[3],
                          "category": m[4], "first_store_tier": m[5], "is_time_honoured": m[6],
                          "lon": 117.0, "lat": 39.1} for m in merchants])


def footfall_frame(rows=FOOTFALL) -> pd.DataFrame:
    return pd.DataFrame([{"ts": _ts(ts), "date": _ts(ts).date(), "hour": _ts(ts).hour, "district": d, "town": town,
                          "visitors": v, "source": "fixture"} for ts, d, town, v in rows])


def calendar_frame(start: dt.date, end: dt.date) -> pd.DataFrame:
    """Weekday, holidays (chinesecalendar) and lunar dates (lunar_python) per day, in the calendar schema."""
    import chinese_calendar
    from lunar_python import Solar

    rows = []
    day = start
    while day <= end:
        lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        workday = chinese_calendar.is_workday(day)
        festivals = lunar.getFestivals()
        rows.append({"date": day, "weekday": day.isoweekday(), "is_weekend": day.isoweekday() >= 6,
                     "is_holiday": bool(on_holiday and name), "is_makeup_workday": workday and day.isoweekday() >= 6,
                     "is_workday": workday, "holiday_name": name or "", "lunar_year": lunar.getYear(),
                     "lunar_month": abs(lunar.getMonth()), "lunar_day": lunar.getDay(),
                     "is_leap_month": lunar.getMonth() < 0,
                     "lunar_label": f"{lunar.getMonthInChinese()}月{lunar.getDayInChinese()}",
                     "festival": festivals[0] if festivals else "", "festival_window": "",
                     "data_status": "official"})
        day += dt.timedelta(days=1)
    return pd.DataFrame(rows)


def rollups(tx: pd.DataFrame, merchants: pd.DataFrame) -> dict[str, pd.DataFrame]:
    hourly = (tx.groupby(["date", "hour", "district", "town", "category", "origin_class"], as_index=False)
              .agg(spend_fen=("amount_fen", "sum"), txn_count=("amount_fen", "size")))
    joined = tx.merge(merchants[["merchant_id", "first_store_tier", "is_time_honoured"]], on="merchant_id")
    merchant = (joined.groupby(["date", "district", "town", "first_store_tier", "is_time_honoured"], as_index=False)
                .agg(spend_fen=("amount_fen", "sum"), txn_count=("amount_fen", "size")))
    daily_district = (tx.groupby(["date", "district", "town", "origin_class"], as_index=False)
                      .agg(spend_fen=("amount_fen", "sum"), txn_count=("amount_fen", "size")))
    daily = (tx.groupby(["date", "district", "town", "category", "origin_class"], as_index=False)
             .agg(spend_fen=("amount_fen", "sum"), txn_count=("amount_fen", "size")))
    hour_district = (tx.groupby(["date", "hour", "district", "town", "origin_class"], as_index=False)
                     .agg(spend_fen=("amount_fen", "sum"), txn_count=("amount_fen", "size")))
    return {"rollup_hourly": hourly, "rollup_daily_district": daily_district, "rollup_daily": daily, "rollup_hour_district": hour_district,
            "rollup_merchant": merchant}


def write(directory: Path, kind: str, frame: pd.DataFrame, *, parts: int = 1) -> list[Path]:
    """Write ``frame`` as ``parts`` Parquet files in the contract schema for ``kind``."""
    schema = ibis_schema(kind).to_pyarrow()
    schema = pa.schema([f.with_type(pa.timestamp("us")) if pa.types.is_timestamp(f.type) else f for f in schema])
    folder = Path(directory) / kind
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    bounds = np.linspace(0, len(frame), max(1, parts) + 1).astype(int)
    for i, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:])):
        chunk = frame.iloc[lo:hi]
        path = folder / f"part-{i}.parquet"
        pq.write_table(pa.Table.from_pandas(chunk.reset_index(drop=True)[schema.names], schema=schema,
                                            preserve_index=False), path)
        paths.append(path)
    return paths


def write_dataset(directory: Path, tx: pd.DataFrame, merchants: pd.DataFrame, footfall: pd.DataFrame | None = None,
                  calendar: pd.DataFrame | None = None, *, parts: int = 2) -> dict[str, list[Path]]:
    if calendar is None:
        dates = pd.to_datetime(tx["date"])
        calendar = calendar_frame(dates.min().date() - dt.timedelta(days=400), dates.max().date())
    files = {"transactions": write(directory, "transactions", tx, parts=parts),
             "merchants": write(directory, "merchants", merchants),
             "calendar": write(directory, "calendar", calendar)}
    if footfall is not None:
        files["footfall"] = write(directory, "footfall", footfall)
    for kind, frame in rollups(tx, merchants).items():
        files[kind] = write(directory, kind, frame)
    return files


def hand_dataset(directory: Path) -> dict[str, list[Path]]:
    return write_dataset(directory, transactions_frame(), merchants_frame(), footfall_frame(),
                         calendar_frame(dt.date(2023, 1, 1), dt.date(2024, 3, 31)))
