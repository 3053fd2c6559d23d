"""Pre-aggregated tables maintained by ingestion, so dashboards answer from a few thousand rows instead of 10⁸.

- ``rollup_hourly``: date × hour × 商圈 × town × category × origin_class → spend_fen, txn_count
- ``rollup_daily_district``: date × 商圈 × town × origin_class (no hour, no category) → spend_fen, txn_count
- ``rollup_daily``: date × 商圈 × town × category × origin_class (no hour) → spend_fen, txn_count
- ``rollup_hour_district``: date × hour × 商圈 × town × origin_class (no category) → spend_fen, txn_count
- ``rollup_merchant``: date × 商圈 × town × 首店 tier × 老字号 → spend_fen, txn_count

Why four spend rollups: at 10⁷ transactions over two years ``rollup_hourly`` still has 1.2 M rows (12 % of the raw
data), so a dashboard query on it is barely faster than a raw scan; measured on the same data
``rollup_daily_district`` has 15 k rows, ``rollup_daily`` 113 k and ``rollup_hour_district`` 254 k. Metrics pick the
smallest one that holds the breakdown (``metrics.rollup_for``). The three coarser ones are summed from the month's freshly written ``rollup_hourly`` file
(which already includes the merged old rows), so they cost a small group-by, not another pass over the raw data.

One file per month. When a run adds transactions for a month, that month's rollup is re-merged (old rollup + the
run's new rows) into a new file and swapped in with the run's manifest, so raw data and rollups always change
together. Within one file each key appears once; readers should still ``GROUP BY … SUM`` (the sums are additive).

Merchant attributes (首店 tier, 老字号) are joined from the merchant snapshot **at ingestion time**. When a merchant's
attributes change later, existing rollup rows keep the old values until ``iccity consumption rebuild-rollups``
recomputes every month from the raw transactions and the current snapshot.
"""
from __future__ import annotations

import re
from pathlib import Path

from . import storage
from .ingest import _list, _sql_path, kv_metadata

ROLLUP_KINDS = ("rollup_hourly", "rollup_daily_district", "rollup_daily", "rollup_hour_district", "rollup_merchant")
_SUBDIR = {"rollup_hourly": "hourly", "rollup_daily_district": "daily_district", "rollup_daily": "daily", "rollup_hour_district": "hour_district",
           "rollup_merchant": "merchant"}
# Coarser spend rollups derived from rollup_hourly: kind → the keys they keep.
_DERIVED = {"rollup_daily_district": "date, district, town, origin_class",
            "rollup_daily": "date, district, town, category, origin_class",
            "rollup_hour_district": "date, hour, district, town, origin_class"}
_MONTH = re.compile(r"month=(\d{4}-\d{2})")


def month_of(path) -> str | None:
    match = _MONTH.search(str(path))
    return match.group(1) if match else None


def _hourly_sql(new_files: list[Path], old_files: list[Path]) -> str:
    parts = [f"""SELECT date, hour, district, town, category, origin_class, amount_fen AS spend_fen,
                         1 AS txn_count FROM read_parquet({_list(new_files)}, hive_partitioning=false)"""]
    if old_files:
        parts.append(f"SELECT * FROM read_parquet({_list(old_files)}, hive_partitioning=false)")
    return f"""SELECT date, hour, district, town, category, origin_class,
                      CAST(sum(spend_fen) AS BIGINT) AS spend_fen, CAST(sum(txn_count) AS BIGINT) AS txn_count,
                      strftime(date, '%Y-%m') AS month
               FROM ({' UNION ALL '.join(parts)}) GROUP BY ALL"""


def _merchant_sql(new_files: list[Path], old_files: list[Path]) -> str:
    parts = [f"""SELECT t.date, t.district, t.town, COALESCE(m.first_store_tier, '') AS first_store_tier,
                         COALESCE(m.is_time_honoured, false) AS is_time_honoured, t.amount_fen AS spend_fen,
                         1 AS txn_count
                  FROM read_parquet({_list(new_files)}, hive_partitioning=false) t LEFT JOIN merchants_now m USING (merchant_id)"""]
    if old_files:
        parts.append(f"SELECT * FROM read_parquet({_list(old_files)}, hive_partitioning=false)")
    return f"""SELECT date, district, town, first_store_tier, is_time_honoured,
                      CAST(sum(spend_fen) AS BIGINT) AS spend_fen, CAST(sum(txn_count) AS BIGINT) AS txn_count,
                      strftime(date, '%Y-%m') AS month
               FROM ({' UNION ALL '.join(parts)}) GROUP BY ALL"""


def _derived_sql(keys: str, hourly_files: list[Path]) -> str:
    return f"""SELECT {keys}, CAST(sum(spend_fen) AS BIGINT) AS spend_fen, CAST(sum(txn_count) AS BIGINT) AS txn_count,
                      strftime(date, '%Y-%m') AS month
               FROM read_parquet({_list(hourly_files)}, hive_partitioning=false) GROUP BY ALL"""


def build(con, run_id: str, new_files: list[Path], work: Path, *, merge_existing: bool,
          is_demo: bool) -> dict[str, dict[str, Path]]:
    """Write the rollups of the months ``new_files`` touch. With ``merge_existing`` the months' current rollups are
    added in; without, the rollups are computed from ``new_files`` alone (full rebuild). Needs the
    ``merchants_now`` table (ingest.load_merchant_lookups). Returns {kind: {month: unpublished file}}."""
    root = storage.data_dir()
    months = sorted({m for m in map(month_of, new_files) if m})
    out: dict[str, dict[str, Path]] = {kind: {} for kind in ROLLUP_KINDS}
    if not new_files:
        return out
    steps = [("rollup_hourly", _hourly_sql), ("rollup_merchant", _merchant_sql)]
    # The derived kinds read the hourly files just written (complete months), so they never merge old files.
    steps += [(kind, lambda _new, _old, keys=keys: _derived_sql(keys, sorted(out["rollup_hourly"].values())))
              for kind, keys in _DERIVED.items()]
    for kind, sql_for in steps:
        derived = kind in _DERIVED
        old = [p for p in storage.visible_files(kind) if month_of(p) in months] \
            if merge_existing and not derived else []
        stage = work / kind
        work.mkdir(parents=True, exist_ok=True)
        con.execute(f"COPY ({sql_for(new_files, old)}) TO '{_sql_path(stage)}' (FORMAT PARQUET, "
                    f"PARTITION_BY (month), FILENAME_PATTERN 'r{{i}}', OVERWRITE_OR_IGNORE, COMPRESSION zstd"
                    f"{kv_metadata(is_demo or _any_demo(sorted(out['rollup_hourly'].values()) if derived else old))})")
        for part in sorted(stage.glob("month=*")):
            month = part.name.split("=", 1)[1]
            files = sorted(part.glob("*.parquet"))
            target_dir = root / "rollups" / _SUBDIR[kind] / part.name
            target_dir.mkdir(parents=True, exist_ok=True)
            # Rollups are small (≤ a few 10⁵ rows a month), so DuckDB writes one file per month; join if it split.
            target = target_dir / f"{run_id}.parquet"
            if len(files) == 1:
                files[0].replace(target)
            else:
                con.execute(f"COPY (SELECT * FROM read_parquet({_list(files)}, hive_partitioning=false)) TO '{_sql_path(target)}' "
                            f"(FORMAT PARQUET{kv_metadata(is_demo)})")
            out[kind][month] = target
    return out


def _any_demo(paths: list[Path]) -> bool:
    import pyarrow.parquet as pq

    from .schema import is_demo_metadata

    return any(is_demo_metadata(pq.read_schema(p).metadata) for p in paths)


def apply_to_manifest(manifest: dict, built: dict[str, dict[str, Path]], *, replace_all: bool = False) -> None:
    """Swap each month's rollup file for the new one (``replace_all``: drop months without a new file too)."""
    for kind, by_month in built.items():
        keep = [] if replace_all else [rel for rel in manifest["files"][kind] if month_of(rel) not in by_month]
        manifest["files"][kind] = sorted(keep + [storage.relative(p) for p in by_month.values()])
