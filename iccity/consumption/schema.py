"""Arrow schemas of the consumption data lake (the contract with metrics/engine code) and the input columns each feed
must carry. No Django here, so engines and scripts can import it cheaply.

Card origin classes (``origin_class``), following 外来消费 = card spending by where the card was issued
(domain-indicators.md §3, a vendor series such as 银联商务):
- ``local``: card issued in Tianjin (origin_country CN and origin_province 天津/天津市) — "local" is the city, not Xiqing;
- ``nonlocal``: card issued elsewhere in mainland China (origin_country CN, another province);
- ``foreign``: card issued outside mainland China (origin_country ≠ CN). Hong Kong, Macao and Taiwan cards (HK/MO/TW)
  fall here, as in card-scheme "境外卡" statistics; a metric that needs them apart can still split by origin_country.
"""
from __future__ import annotations

import pyarrow as pa

DEMO_KEY = b"iccity.demo"
DEMO_VALUE = "示例".encode()

TRANSACTIONS = pa.schema([
    ("ts", pa.timestamp("us")), ("date", pa.date32()), ("hour", pa.int8()), ("merchant_id", pa.string()),
    ("category", pa.string()), ("district", pa.string()), ("town", pa.string()), ("amount_fen", pa.int64()),
    ("origin_province", pa.string()), ("origin_city", pa.string()), ("origin_country", pa.string()),
    ("origin_class", pa.string()), ("channel", pa.string()),
])
FOOTFALL = pa.schema([
    ("ts", pa.timestamp("us")), ("date", pa.date32()), ("hour", pa.int8()), ("district", pa.string()),
    ("town", pa.string()), ("visitors", pa.int64()), ("source", pa.string()),
])
MERCHANTS = pa.schema([
    ("merchant_id", pa.string()), ("name", pa.string()), ("uscc", pa.string()), ("district", pa.string()),
    ("town", pa.string()), ("category", pa.string()), ("first_store_tier", pa.string()),
    ("is_time_honoured", pa.bool_()), ("lon", pa.float64()), ("lat", pa.float64()),
])
ROLLUP_HOURLY = pa.schema([
    ("date", pa.date32()), ("hour", pa.int8()), ("district", pa.string()), ("town", pa.string()),
    ("category", pa.string()), ("origin_class", pa.string()), ("spend_fen", pa.int64()), ("txn_count", pa.int64()),
])
ROLLUP_DAILY_DISTRICT = pa.schema([
    ("date", pa.date32()), ("district", pa.string()), ("town", pa.string()), ("origin_class", pa.string()),
    ("spend_fen", pa.int64()), ("txn_count", pa.int64()),
])
ROLLUP_DAILY = pa.schema([
    ("date", pa.date32()), ("district", pa.string()), ("town", pa.string()), ("category", pa.string()),
    ("origin_class", pa.string()), ("spend_fen", pa.int64()), ("txn_count", pa.int64()),
])
ROLLUP_HOUR_DISTRICT = pa.schema([
    ("date", pa.date32()), ("hour", pa.int8()), ("district", pa.string()), ("town", pa.string()),
    ("origin_class", pa.string()), ("spend_fen", pa.int64()), ("txn_count", pa.int64()),
])
ROLLUP_MERCHANT = pa.schema([
    ("date", pa.date32()), ("district", pa.string()), ("town", pa.string()), ("first_store_tier", pa.string()),
    ("is_time_honoured", pa.bool_()), ("spend_fen", pa.int64()), ("txn_count", pa.int64()),
])
CALENDAR = pa.schema([
    ("date", pa.date32()), ("weekday", pa.int8()), ("is_weekend", pa.bool_()), ("is_holiday", pa.bool_()),
    ("is_makeup_workday", pa.bool_()), ("is_workday", pa.bool_()), ("holiday_name", pa.string()),
    ("lunar_year", pa.int16()), ("lunar_month", pa.int8()), ("lunar_day", pa.int8()), ("is_leap_month", pa.bool_()),
    ("lunar_label", pa.string()), ("festival", pa.string()), ("festival_window", pa.string()),
    ("data_status", pa.string()),
])

SCHEMAS = {
    "transactions": TRANSACTIONS, "footfall": FOOTFALL, "merchants": MERCHANTS,
    "rollup_hourly": ROLLUP_HOURLY, "rollup_daily_district": ROLLUP_DAILY_DISTRICT,
    "rollup_daily": ROLLUP_DAILY, "rollup_hour_district": ROLLUP_HOUR_DISTRICT,
    "rollup_merchant": ROLLUP_MERCHANT, "calendar": CALENDAR,
}
INPUT_KINDS = ("transactions", "footfall", "merchants")
KINDS = tuple(SCHEMAS)

# Columns an input file must have (CSV header or Parquet field names); everything else is derived on ingest.
# Extra columns are ignored (and listed in the run's notes).
INPUT_COLUMNS = {
    "transactions": ["ts", "merchant_id", "category", "district", "amount_fen", "origin_province", "origin_city",
                     "origin_country", "channel"],
    "footfall": ["ts", "district", "visitors", "source"],
    "merchants": ["merchant_id", "name", "uscc", "district", "town", "category", "first_store_tier",
                  "is_time_honoured", "lon", "lat"],
}

CHANNELS = ("pos", "qr", "online", "other")  # 刷卡, 扫码, 线上, 其他
CHANNEL_LABELS = {"pos": "刷卡", "qr": "扫码", "online": "线上", "other": "其他"}
ORIGIN_CLASSES = ("local", "nonlocal", "foreign")
ORIGIN_CLASS_LABELS = {"local": "本地（天津发卡）", "nonlocal": "外地（国内其他省市）", "foreign": "境外（含港澳台）"}
# Store the tier as published; a "district 首店" is not a standard tier (domain-indicators.md §3), so it is refused.
FIRST_STORE_TIERS = ("", "全球首店", "亚洲首店", "全国首店", "中国内地首店", "华北首店", "天津首店", "区域首店")
LOCAL_PROVINCES = ("天津", "天津市")
# 1亿元 in one card transaction is a data error, not a sale.
MAX_AMOUNT_FEN = 10_000_000_000
MIN_YEAR = 2000


def is_demo_metadata(metadata: dict | None) -> bool:
    return bool(metadata) and metadata.get(DEMO_KEY) == DEMO_VALUE
