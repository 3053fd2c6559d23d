"""Merchant feeds: a few thousand rows, checked in plain Python (reusing the complaints USCC check) and merged into
one current snapshot by merchant id. Split from ``ingest.py``, which handles the high-volume transaction and footfall
feeds; both hand a ``Staged`` result to ``actions/ingest.py`` for the manifest swap."""
from __future__ import annotations

import os
from pathlib import Path

import pyarrow.parquet as pq

from iccity.core.exports import safe_row

from . import schema, storage
from .ingest import FileResult, Progress, Staged, _csv_malformed, _sql_path, _text, source_relation


_TRUE = {"1", "true", "t", "yes", "y", "是"}
_FALSE = {"0", "false", "f", "no", "n", "否", ""}


def stage_merchants(con, run_id: str, files: list[FileResult], work: Path,
                    progress: Progress | None = None) -> Staged:
    """Check merchant rows (a few thousand: plain Python, reusing the complaints USCC check) and stage the run's
    delta; the new snapshot is built by ``merge_merchant_snapshot`` from the deltas."""
    import csv

    import pyarrow as pa

    from iccity.core.validation import uscc_status

    root = storage.data_dir()
    cols = schema.INPUT_COLUMNS["merchants"]
    good: dict[str, dict] = {}
    bad: list[tuple] = []
    for result in files:
        src, types = source_relation(con, result.path, "merchants")
        rows = con.execute(f"SELECT {', '.join(_text(c, types) for c in cols)} FROM {src}").fetchall()
        malformed = _csv_malformed(con, result.path, cols, work / "malformed-merchants.csv")
        seen_here: set[str] = set()
        accepted = rejected = 0
        for number, values in enumerate(rows, start=1):
            row = dict(zip(cols, values))
            reasons = _merchant_problems(row, seen_here, uscc_status)
            if reasons:
                bad.append((result.path.name, number, "；".join(reasons), *values))
                rejected += 1
                continue
            seen_here.add(row["merchant_id"])
            good[row["merchant_id"]] = _merchant_record(row)
            accepted += 1
        result.rows_accepted, result.rows_rejected = accepted, rejected + malformed
        result.rows_read = accepted + rejected + malformed
        if malformed:
            _append_malformed(work / "malformed-merchants.csv", bad)
        if progress:
            progress(result.rows_read)
    rejects_path = None
    if bad:
        rejects_path = root / "rejects" / f"{run_id}-merchants.csv"
        rejects_path.parent.mkdir(parents=True, exist_ok=True)
        with open(rejects_path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["file", "row", "reason", *cols])
            writer.writerows(safe_row(row) for row in bad)  # rejected feed rows are hostile text: formula injection
    is_demo = any(f.is_demo for f in files)
    staged = []
    if good:
        table = pa.Table.from_pylist(list(good.values()), schema=schema.MERCHANTS)
        delta = root / "merchants" / "runs" / f"{run_id}.parquet"
        write_table(table, delta, is_demo)
        staged.append(delta)
    return Staged(run_id, "merchants", files, staged, [], rejects_path, is_demo)


def _append_malformed(path: Path, bad: list) -> None:
    import csv

    if not path.exists():
        return
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        bad.extend(tuple(r) for r in reader)


def _merchant_problems(row: dict, seen: set, uscc_status) -> list[str]:
    problems = []
    if not row["merchant_id"]:
        problems.append("商户编号 merchant_id 为空")
    elif row["merchant_id"] in seen:
        problems.append("商户编号在同一文件中重复")
    if not row["name"]:
        problems.append("商户名称 name 为空")
    code = row["uscc"].upper()
    if code:
        status = uscc_status(code)
        if status == "bad_format":
            problems.append("统一社会信用代码格式错误（应为18位）")
        elif status == "bad_check":
            problems.append("统一社会信用代码校验位错误")
    if not row["district"]:
        problems.append("商圈 district 为空")
    if not row["category"]:
        problems.append("品类 category 为空")
    if row["first_store_tier"] not in schema.FIRST_STORE_TIERS:
        problems.append(f"首店层级 first_store_tier 应为空或 {'/'.join(t for t in schema.FIRST_STORE_TIERS if t)}")
    if row["is_time_honoured"].lower() not in _TRUE | _FALSE:
        problems.append("老字号标志 is_time_honoured 应为 是/否 或 true/false")
    for col, low, high in (("lon", 73.0, 136.0), ("lat", 3.0, 54.0)):
        if row[col]:
            try:
                value = float(row[col])
            except ValueError:
                problems.append(f"{col} 不是数字")
                continue
            if not low <= value <= high:
                problems.append(f"{col} 超出中国范围")
    return problems


def _merchant_record(row: dict) -> dict:
    return {
        "merchant_id": row["merchant_id"], "name": row["name"], "uscc": row["uscc"].upper(),
        "district": row["district"], "town": row["town"], "category": row["category"],
        "first_store_tier": row["first_store_tier"], "is_time_honoured": row["is_time_honoured"].lower() in _TRUE,
        "lon": float(row["lon"]) if row["lon"] else None, "lat": float(row["lat"]) if row["lat"] else None,
    }


def merge_merchant_snapshot(con, deltas: list[Path], target: Path, is_demo: bool) -> Path:
    """The snapshot = every delta applied in order (later runs win per merchant_id)."""
    import pyarrow as pa

    if not deltas:
        table = schema.MERCHANTS.empty_table()
    else:
        parts = " UNION ALL ".join(
            f"SELECT *, {i} AS seq FROM read_parquet('{_sql_path(p)}')" for i, p in enumerate(deltas))
        table = con.sql(f"SELECT * EXCLUDE (seq) FROM ({parts}) QUALIFY row_number() OVER "
                            f"(PARTITION BY merchant_id ORDER BY seq DESC) = 1 ORDER BY merchant_id").to_arrow_table()
        table = pa.Table.from_batches(table.to_batches(), schema=table.schema).cast(schema.MERCHANTS)
    write_table(table, target, is_demo)
    return target


def write_table(table, path: Path, is_demo: bool) -> None:
    """Write an Arrow table with the 示例 marker when synthetic; via a temporary name so a crash leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if is_demo:
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), schema.DEMO_KEY: schema.DEMO_VALUE})
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)
