"""Consumption benchmark: iccity's metric engine vs hand-written DuckDB SQL vs pandas, on synthetic transactions.

    make bench-consumption ROWS=10000000        (= .venv/bin/python bench/consumption.py --rows N)

Everything happens in a temporary directory (its own SQLite database and data lake), never under var/.
Steps: generate N synthetic (示例) transactions → ingest (with rollups) → for each metric time
  engine raw scan  vs  the same metric as hand-written DuckDB SQL over the same Parquet files   (target ≤ 1.2×)
  engine from rollups (dashboard path)  vs  hand-written raw DuckDB scan                          (target ≥ 20×)
  engine end-to-end (dashboard path)  vs  pandas read + compute (only ≤ 3·10⁷ rows)              (target ≥ 10×)
and print peak memory (process max RSS) and ingest rows/s (target ≥ 1 M rows/s). Figures are printed, never asserted.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PANDAS_MAX_ROWS = 30_000_000   # pandas needs ~3–5 GB at 2·10⁷ rows (stack notes); 10⁸ does not fit


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def timed(fn, repeat: int = 3):
    """Best of ``repeat`` wall times (first call warms file metadata), and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def setup_django(work: Path) -> None:
    os.environ["ICCITY_VAR_DIR"] = str(work / "var")
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iccity.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.ICCITY_CONSUMPTION_DIR = work / "lake"
    call_command("migrate", verbosity=0)


def hand_sql(files: list[str], merchants: list[str]) -> dict[str, str]:
    """The metrics written directly in DuckDB SQL, as an analyst would."""
    tx = "read_parquet([" + ", ".join(f"'{f}'" for f in files) + "], hive_partitioning=false)"
    mer = "read_parquet([" + ", ".join(f"'{f}'" for f in merchants) + "])"
    return {
        "spend_by_district": f"SELECT district, sum(amount_fen) s, count(*) n, sum(amount_fen)/count(*) t FROM {tx} "
                             "GROUP BY district ORDER BY district",
        "spend_daily": f"SELECT date, sum(amount_fen) s, count(*) n FROM {tx} GROUP BY date ORDER BY date",
        "spend_hourly": f"SELECT hour, sum(amount_fen) s, count(*) n FROM {tx} GROUP BY hour ORDER BY hour",
        "night_share_daily": f"SELECT CASE WHEN hour < 6 THEN date - 1 ELSE date END d, sum(amount_fen) s, "
                             f"sum(CASE WHEN hour >= 18 OR hour < 6 THEN amount_fen ELSE 0 END) nf, "
                             f"nf / s FROM {tx} GROUP BY d ORDER BY d",
        "origin_share_district": f"SELECT district, sum(amount_fen) s, "
                                 f"sum(CASE WHEN origin_class='nonlocal' THEN amount_fen ELSE 0 END) nl, "
                                 f"sum(CASE WHEN origin_class='foreign' THEN amount_fen ELSE 0 END) fo "
                                 f"FROM {tx} GROUP BY district ORDER BY district",
        "merchant_contribution": f"SELECT t.district, sum(t.amount_fen) s, "
                                 f"sum(CASE WHEN m.first_store_tier <> '' THEN t.amount_fen ELSE 0 END) fs, "
                                 f"sum(CASE WHEN m.is_time_honoured THEN t.amount_fen ELSE 0 END) th "
                                 f"FROM {tx} t LEFT JOIN {mer} m USING (merchant_id) GROUP BY t.district "
                                 f"ORDER BY t.district",
    }


def engine_calls(metrics, engine, source: str):
    return {
        "spend_by_district": lambda: metrics.spend(engine, by=["district"], source=source),
        "spend_daily": lambda: metrics.spend(engine, by=["date"], source=source),
        "spend_hourly": lambda: metrics.spend(engine, by=["hour"], source=source),
        "night_share_daily": lambda: metrics.night_share(engine, freq="date", source=source),
        "origin_share_district": lambda: metrics.origin_share(engine, by=["district"], source=source),
        "merchant_contribution": lambda: metrics.merchant_contribution(engine, by=["district"], source=source),
    }


def pandas_suite(files: list[str], merchants: list[str]):
    """pandas end-to-end: read the needed columns, compute the same dashboard metrics."""
    import pandas as pd

    df = pd.concat([pd.read_parquet(f, columns=["date", "hour", "district", "amount_fen", "origin_class",
                                                "merchant_id"]) for f in files], ignore_index=True)
    mer = pd.concat([pd.read_parquet(f, columns=["merchant_id", "first_store_tier", "is_time_honoured"])
                     for f in merchants])
    out = {"spend_by_district": df.groupby("district")["amount_fen"].agg(["sum", "count"]),
           "spend_daily": df.groupby("date")["amount_fen"].agg(["sum", "count"]),
           "spend_hourly": df.groupby("hour")["amount_fen"].agg(["sum", "count"])}
    night = (df["hour"] >= 18) | (df["hour"] < 6)
    bday = pd.to_datetime(df["date"]) - pd.to_timedelta((df["hour"] < 6).astype(int), unit="D")
    g = pd.DataFrame({"b": bday, "a": df["amount_fen"], "n": df["amount_fen"].where(night, 0)}).groupby("b").sum()
    out["night_share_daily"] = g["n"] / g["a"]
    out["origin_share_district"] = df.pivot_table(index="district", columns="origin_class", values="amount_fen",
                                                  aggfunc="sum")
    j = df[["district", "amount_fen", "merchant_id"]].merge(mer, on="merchant_id", how="left")
    out["merchant_contribution"] = j.assign(fs=j.amount_fen.where(j.first_store_tier.fillna("") != "", 0)).groupby(
        "district")[["amount_fen", "fs"]].sum()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--start", default="2023-01-01")
    parser.add_argument("--end", default="2024-12-31")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--pandas", choices=("auto", "yes", "no"), default="auto")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="iccity-bench-consumption-"))
    print(f"# consumption benchmark: {args.rows:,} transactions, work dir {work}")
    try:
        return run(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(args, work: Path) -> int:
    setup_django(work)
    import duckdb

    from iccity.consumption import metrics
    from iccity.consumption.actions.ingest import do_ingest
    from iccity.consumption.engine import Engine
    from iccity.consumption.generate import generate

    start, end = dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end)
    t0 = time.perf_counter()
    files = generate(work / "generated", args.rows, args.seed, start, end)
    gen_s = time.perf_counter() - t0
    print(f"generate: {gen_s:.1f} s")
    for kind in ("merchants", "footfall"):
        do_ingest(files[kind], kind)
    t0 = time.perf_counter()
    run_ = do_ingest(files["transactions"], "transactions")
    ingest_s = time.perf_counter() - t0
    ingest_rate = run_.rows_accepted / ingest_s
    print(f"ingest (with rollups): {run_.rows_accepted:,} rows in {ingest_s:.1f} s = {ingest_rate / 1e6:.2f} M rows/s"
          f"  [target ≥ 1 M rows/s]  peak so far {peak_gb():.2f} GB")

    engine = Engine()
    tx_files = [str(p) for p in engine.files("transactions")]
    mer_files = [str(p) for p in engine.files("merchants")]
    con = duckdb.connect()
    sql = hand_sql(tx_files, mer_files)
    raw_calls = engine_calls(metrics, engine, "raw")
    roll_calls = engine_calls(metrics, engine, "auto")
    rows = []
    for name in sql:
        t_sql, _ = timed(lambda: con.execute(sql[name]).fetchall())
        t_raw, _ = timed(raw_calls[name])
        t_roll, _ = timed(roll_calls[name])
        rows.append((name, t_sql, t_raw, t_roll))
    mem_engine = peak_gb()

    do_pandas = args.pandas == "yes" or (args.pandas == "auto" and args.rows <= PANDAS_MAX_ROWS)
    t_pandas = None
    if do_pandas:
        t0 = time.perf_counter()
        pandas_suite(tx_files, mer_files)
        t_pandas = time.perf_counter() - t0
    t_dash = sum(r[3] for r in rows)
    t0 = time.perf_counter()   # dashboard end-to-end including connection set-up, as a page request does it
    fresh = Engine()
    for fn in engine_calls(metrics, fresh, "auto").values():
        fn()
    fresh.close()
    t_dash_cold = time.perf_counter() - t0

    print()
    print(f"{'metric':<24}{'DuckDB SQL s':>13}{'engine raw s':>13}{'raw/SQL':>9}{'rollup s':>10}{'SQL/rollup':>11}")
    for name, t_sql, t_raw, t_roll in rows:
        print(f"{name:<24}{t_sql:>13.3f}{t_raw:>13.3f}{t_raw / t_sql:>8.2f}×{t_roll:>10.4f}{t_sql / t_roll:>10.1f}×")
    tot_sql, tot_raw = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(f"{'all six':<24}{tot_sql:>13.3f}{tot_raw:>13.3f}{tot_raw / tot_sql:>8.2f}×{t_dash:>10.4f}"
          f"{tot_sql / t_dash:>10.1f}×")
    print("targets: raw/SQL ≤ 1.2×; SQL/rollup ≥ 20×")
    print()
    if t_pandas is not None:
        print(f"pandas read + compute (six metrics): {t_pandas:.2f} s; engine dashboard end-to-end (new connection, "
              f"rollups): {t_dash_cold:.3f} s → {t_pandas / t_dash_cold:.1f}× faster; engine raw scans: "
              f"{tot_raw:.2f} s → {t_pandas / tot_raw:.1f}×  [target ≥ 10×]")
    else:
        print(f"pandas: skipped at {args.rows:,} rows (does not fit in memory comfortably above "
              f"{PANDAS_MAX_ROWS:,}; run with --pandas yes to force)")
    print(f"peak memory (max RSS): after ingest and engine queries {mem_engine:.2f} GB; whole run {peak_gb():.2f} GB"
          f"  [target: 10⁸ rows within 8 GB]")
    engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
