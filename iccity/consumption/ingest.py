"""Ingestion engine (no Django models): check input files with DuckDB, stage accepted rows as month-partitioned
Parquet and bad rows as a rejects CSV with one reason per row, then hand back what to publish.

Why DuckDB: it reads CSV and Parquet in parallel and writes partitioned Parquet in one ``COPY``; the value checks are
SQL expressions evaluated column-wise, so 10⁸ rows stream through in bounded memory (``memory_limit`` + spilling).
Accepted rows are written in one pass filtered by a cheap boolean ``bad``; the reason text is built only in a second,
filtered scan that runs only when rows were refused (Parquet: footer row count > accepted; CSV: always). Groups whose
footers put every timestamp in one month are written with a plain COPY (PARTITION_BY costs ~1.6× the write).

The caller (actions/ingest.py) holds ``storage.writer_lock`` and publishes the returned ``Staged`` by a manifest swap.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path
from collections.abc import Callable

import duckdb
import pyarrow.parquet as pq

from iccity.core.exports import sql_safe_text

from . import schema, storage

Progress = Callable[[int], None]  # called with the number of rows just processed


class IngestError(Exception):
    """A whole file is unusable (missing columns, unreadable): a Chinese message for the user."""


@dataclasses.dataclass
class FileResult:
    path: Path
    sha256: str
    size: int
    is_demo: bool
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0


@dataclasses.dataclass
class Staged:
    run_id: str
    kind: str
    files: list[FileResult]
    staged: list[Path]  # accepted-row files in their final place, not yet in the manifest
    months: list[str]
    rejects_path: Path | None
    is_demo: bool

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_accepted(self) -> int:
        return sum(f.rows_accepted for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(4 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def file_is_demo(path: Path) -> bool:
    """Synthetic inputs: Parquet with the 示例 key-value marker, or a file name starting with 示例 (CSV)."""
    if path.name.startswith("示例"):
        return True
    if path.suffix.lower() == ".parquet":
        return schema.is_demo_metadata(pq.read_schema(path).metadata)
    return False


def connect(work_dir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    threads = int(os.environ.get("ICCITY_CONSUMPTION_THREADS", "0")) or os.cpu_count() or 2
    con.execute(f"SET threads={threads}")
    con.execute(f"SET memory_limit='{os.environ.get('ICCITY_CONSUMPTION_MEMORY', '4GB')}'")
    con.execute(f"SET temp_directory='{_sql_path(work_dir / 'duckdb-tmp')}'")
    con.execute("SET preserve_insertion_order=false")  # lets COPY stream without buffering whole partitions
    con.execute("SET TimeZone='Asia/Shanghai'")
    return con


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# -- reading -------------------------------------------------------------------------------------------------------


def source_relation(con, paths: list[Path] | Path, kind: str) -> tuple[str, dict[str, str]]:
    """SQL for the raw rows of ``paths`` (one CSV, or Parquet files of one schema) and the DuckDB type of each
    required column; the relation has ``src_file`` (file name). Raises IngestError."""
    paths = [paths] if isinstance(paths, Path) else paths
    path = paths[0]
    suffix = path.suffix.lower()
    names = "[" + ", ".join(f"'{_sql_path(p)}'" for p in paths) + "]"
    if suffix == ".parquet":
        sql = f"(SELECT *, parse_filename(filename) AS src_file FROM read_parquet({names}, filename=true, hive_partitioning=false, " \
              f"file_row_number=true))"
    elif suffix in (".csv", ".txt"):
        sql = (f"(SELECT *, '{_sql_path(Path(path.name))}' AS src_file FROM read_csv('{_sql_path(path)}', "
               f"header=true, all_varchar=true, ignore_errors=true, store_rejects=true, rejects_scan='rej_scan', "
               f"rejects_table='rej_err'))")
    else:
        raise IngestError(f"{path.name}：不支持的文件类型（仅支持 CSV 和 Parquet）")
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {sql}").fetchall()
    except duckdb.Error as exc:
        raise IngestError(f"{path.name}：无法读取（{str(exc).splitlines()[0]}）") from exc
    types = {row[0]: row[1] for row in described}
    missing = [c for c in schema.INPUT_COLUMNS[kind] if c not in types]
    if missing:
        raise IngestError(f"{path.name}：缺少列 {', '.join(missing)}（{_kind_label(kind)}需要 "
                          f"{', '.join(schema.INPUT_COLUMNS[kind])}）")
    return sql, types


def _kind_label(kind: str) -> str:
    return {"transactions": "交易流水", "footfall": "客流", "merchants": "商户"}[kind]


def _text(col: str, types: dict) -> str:
    expr = _q(col) if types[col] == "VARCHAR" else f"CAST({_q(col)} AS VARCHAR)"
    return f"COALESCE(trim({expr}), '')"


def _int(col: str, types: dict) -> tuple[str, str]:
    """(typed expression, condition that is true when the raw value is not an integer)."""
    t = types[col]
    if t in ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT", "HUGEINT"):
        return f"CAST({_q(col)} AS BIGINT)", f"{_q(col)} IS NULL"
    if t in ("DOUBLE", "FLOAT") or t.startswith("DECIMAL"):
        return (f"TRY_CAST({_q(col)} AS BIGINT)",
                f"({_q(col)} IS NULL OR {_q(col)} <> floor({_q(col)}) OR TRY_CAST({_q(col)} AS BIGINT) IS NULL)")
    raw = f"trim(CAST({_q(col)} AS VARCHAR))"
    return (f"TRY_CAST({raw} AS BIGINT)",
            f"({_q(col)} IS NULL OR NOT regexp_full_match({raw}, '[+-]?[0-9]+') OR TRY_CAST({raw} AS BIGINT) IS NULL)")


def _ts(col: str, types: dict) -> str:
    t = types[col]
    if t == "TIMESTAMP WITH TIME ZONE":
        # Aware timestamps are converted to Beijing wall-clock time (the lake stores naive local time).
        return f"CAST(timezone('Asia/Shanghai', {_q(col)}) AS TIMESTAMP)"
    if t.startswith("TIMESTAMP") or t == "DATE":
        return f"CAST({_q(col)} AS TIMESTAMP)"
    return f"TRY_CAST(trim(CAST({_q(col)} AS VARCHAR)) AS TIMESTAMP)"


def _reason(checks: list[tuple[str, str]]) -> str:
    parts = ", ".join(f"CASE WHEN {cond} THEN '{msg}' END" for cond, msg in checks)
    return f"concat_ws('；', {parts})"


def _bad(checks: list[tuple[str, str]]) -> str:
    """True when any check fires. ``IS TRUE`` keeps a NULL check from dropping the row from both outputs: a row is
    accepted exactly when its reason would be ''. A plain boolean is far cheaper per row than building the reason."""
    return "(" + " OR ".join(f"({cond}) IS TRUE" for cond, _ in checks) + ")"


def checked_sql(kind: str, src: str, types: dict[str, str]) -> tuple[str, list[str], str]:
    """A query over ``src`` with typed columns ``t_*``, the original columns as text ``raw_*`` and ``bad`` (true when
    any check fails). Returns (sql, raw column names, SQL of the reason — '' for a good row — over that query)."""
    cols = schema.INPUT_COLUMNS[kind]
    raw = {c: _text(c, types) for c in cols}
    if kind == "transactions":
        amount, amount_bad = _int("amount_fen", types)
        ts = _ts("ts", types)
        typed = {
            "t_ts": ts, "t_amount": amount, "t_merchant": raw["merchant_id"], "t_category": raw["category"],
            "t_district": raw["district"], "t_province": raw["origin_province"], "t_city": raw["origin_city"],
            "t_country": f"upper({raw['origin_country']})", "t_channel": f"lower({raw['channel']})",
        }
        checks = [
            ("t_ts IS NULL", "时间 ts 缺失或格式错误"),
            (f"t_ts IS NOT NULL AND year(t_ts) < {schema.MIN_YEAR}", f"时间早于{schema.MIN_YEAR}年"),
            ("t_merchant = ''", "商户编号 merchant_id 为空"),
            ("t_category = ''", "品类 category 为空"),
            ("t_district = ''", "商圈 district 为空"),
            ("amount_bad", "金额 amount_fen 不是整数（单位：分）"),
            ("NOT amount_bad AND t_amount <= 0", "金额 amount_fen 必须大于0"),
            (f"NOT amount_bad AND t_amount > {schema.MAX_AMOUNT_FEN}", "金额 amount_fen 超过1亿元，疑为错误"),
            ("NOT regexp_full_match(t_country, '[A-Z]{2}')", "发卡国家 origin_country 应为两位字母代码（ISO 3166）"),
            ("t_country = 'CN' AND t_province = ''", "境内卡缺少发卡省份 origin_province"),
            (f"t_channel NOT IN ({', '.join(repr(c) for c in schema.CHANNELS)})",
             f"渠道 channel 应为 {'/'.join(schema.CHANNELS)}"),
        ]
        pre = f"{amount_bad} AS amount_bad"
    elif kind == "footfall":
        visitors, visitors_bad = _int("visitors", types)
        typed = {"t_ts": _ts("ts", types), "t_visitors": visitors, "t_district": raw["district"],
                 "t_source": raw["source"]}
        checks = [
            ("t_ts IS NULL", "时间 ts 缺失或格式错误"),
            (f"t_ts IS NOT NULL AND year(t_ts) < {schema.MIN_YEAR}", f"时间早于{schema.MIN_YEAR}年"),
            ("t_ts IS NOT NULL AND (minute(t_ts) <> 0 OR second(t_ts) <> 0 OR microsecond(t_ts) <> 0)",
             "时间 ts 应为整点（小时开始）"),
            ("t_district = ''", "商圈 district 为空"),
            ("amount_bad", "客流 visitors 不是整数"),
            ("NOT amount_bad AND t_visitors < 0", "客流 visitors 不能为负"),
            ("t_source = ''", "来源 source 为空"),
        ]
        pre = f"{visitors_bad} AS amount_bad"
    else:
        raise ValueError(kind)
    raw_select = ", ".join(f"{expr} AS {_q('raw_' + c)}" for c, expr in raw.items())
    typed_select = ", ".join(f"{expr} AS {name}" for name, expr in typed.items())
    rownum = "file_row_number + 1" if "file_row_number" in types else "NULL"
    sql = (f"SELECT *, {_bad(checks)} AS bad FROM ("
           f"SELECT {typed_select}, {raw_select}, {pre}, {rownum} AS row_no, src_file FROM {src})")
    return sql, cols, _reason(checks)


def accepted_sql(kind: str, checked: str) -> str:
    month = "strftime(t_ts, '%Y-%m') AS month"
    if kind == "transactions":
        return f"""
            SELECT CAST(t_ts AS TIMESTAMP) AS ts, CAST(t_ts AS DATE) AS date, CAST(hour(t_ts) AS TINYINT) AS hour,
                   t_merchant AS merchant_id, t_category AS category, t_district AS district,
                   COALESCE(m.town, '') AS town, t_amount AS amount_fen, t_province AS origin_province,
                   t_city AS origin_city, t_country AS origin_country,
                   CASE WHEN t_country <> 'CN' THEN 'foreign'
                        WHEN t_province IN ({', '.join(repr(p) for p in schema.LOCAL_PROVINCES)}) THEN 'local'
                        ELSE 'nonlocal' END AS origin_class,
                   t_channel AS channel, {month}
            FROM ({checked}) c LEFT JOIN merchant_towns m ON m.merchant_id = c.t_merchant
            WHERE NOT bad"""
    return f"""
        SELECT CAST(t_ts AS TIMESTAMP) AS ts, CAST(t_ts AS DATE) AS date, CAST(hour(t_ts) AS TINYINT) AS hour,
               t_district AS district, COALESCE(d.town, '') AS town, t_visitors AS visitors, t_source AS source,
               {month}
        FROM ({checked}) c LEFT JOIN district_towns d ON d.district = c.t_district
        WHERE NOT bad"""


def load_merchant_lookups(con) -> None:
    """merchant_id → town and 商圈 → town (the most common town of its merchants), from the current snapshot.
    Ordinary tables of the private in-memory database (not TEMP), so that ``con.cursor()`` threads see them."""
    files = storage.visible_files("merchants")
    if files:
        con.execute(f"CREATE OR REPLACE TABLE merchants_now AS SELECT * FROM read_parquet({_list(files)}, hive_partitioning=false)")
    else:
        con.execute("CREATE OR REPLACE TABLE merchants_now (merchant_id VARCHAR, district VARCHAR, "
                    "town VARCHAR, first_store_tier VARCHAR, is_time_honoured BOOLEAN)")
    con.execute("CREATE OR REPLACE TABLE merchant_towns AS SELECT merchant_id, town FROM merchants_now")
    con.execute("""CREATE OR REPLACE TABLE district_towns AS
        SELECT district, arg_max(town, n) AS town FROM (
            SELECT district, town, count(*) AS n FROM merchants_now WHERE town <> '' GROUP BY ALL) GROUP BY district""")


def _list(paths) -> str:
    return "[" + ", ".join(f"'{_sql_path(Path(p))}'" for p in paths) + "]"


def kv_metadata(is_demo: bool) -> str:
    return ", KV_METADATA {'iccity.demo': '示例'}" if is_demo else ""


# -- one run -------------------------------------------------------------------------------------------------------


def stage_rows(con, kind: str, run_id: str, files: list[FileResult], work: Path,
               progress: Progress | None = None) -> Staged:
    """Check and stage transactions or footfall. Accepted rows end in ``raw/<kind>/month=…/<run>-<n>.parquet``
    (unpublished); rejects in ``rejects/<run>-<kind>.csv``. Parquet files with the same schema are read together
    (one DuckDB scan for many small files); CSV files one by one.

    Parquet groups run concurrently on ``con.cursor()`` threads: DuckDB reads one row group on one thread, and inputs
    often have a single row group per file (per month), so one COPY at a time would leave the other cores idle.
    DuckDB releases the GIL while it executes; at most ``threads`` groups are in flight, so memory stays bounded."""
    root = storage.data_dir()
    load_merchant_lookups(con)
    out_dir = work / kind
    rejects_path = root / "rejects" / f"{run_id}-{kind}.csv"
    rejects_path.parent.mkdir(parents=True, exist_ok=True)
    is_demo = any(f.is_demo for f in files)
    groups = list(enumerate(_groups(files, kind)))
    parts: dict[int, list[Path]] = {}

    def done(index: int, group: list[FileResult], group_parts: list[Path]) -> None:
        parts[index] = group_parts
        if progress:
            progress(sum(r.rows_read for r in group))

    parquet = [(i, g, m) for i, (g, m) in groups if g[0].path.suffix.lower() == ".parquet"]
    threads = _threads(con)
    parquet_done: set[int] = set()
    # Parallel cursors only when no group could keep every thread busy by itself (fewer row groups than threads).
    if len(parquet) > 1 and threads > 1 and max(_row_groups(g) for _, g, _ in parquet) < threads:
        from concurrent.futures import ThreadPoolExecutor, as_completed

        def job(index, group, month):
            cursor = con.cursor()
            try:
                return _stage_group(cursor, kind, index, group, month, out_dir / f"g{index}", work, is_demo)
            finally:
                cursor.close()

        # One DuckDB thread per query: each group is a single pipeline anyway, and idle extra workers per query
        # cost ~30 % more CPU in measurements (threads contend for the 2 cores).
        con.execute("SET threads=1")
        try:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                futures = {pool.submit(job, i, g, m): (i, g) for i, g, m in parquet}
                for future in as_completed(futures):  # progress from this thread, after each group
                    index, group = futures[future]
                    done(index, group, future.result())
                    parquet_done.add(index)
        finally:
            con.execute(f"SET threads={threads}")
    for index, (group, month) in groups:
        if index not in parquet_done:
            done(index, group, _stage_group(con, kind, index, group, month, out_dir / f"g{index}", work, is_demo))
    staged, months = _move_into_place(out_dir, root / "raw" / kind, run_id)
    total_rejected = sum(f.rows_rejected for f in files)
    if total_rejected:
        _concat_csv([p for i in sorted(parts) for p in parts[i]], rejects_path)
    return Staged(run_id, kind, files, staged, months, rejects_path if total_rejected else None, is_demo)


def _threads(con) -> int:
    return int(con.execute("SELECT current_setting('threads')").fetchone()[0])


def _row_groups(group: list[FileResult]) -> int:
    return sum(pq.ParquetFile(r.path).metadata.num_row_groups for r in group)


def _stage_group(con, kind: str, index: int, group: list[FileResult], month: str | None, out_dir: Path, work: Path,
                 is_demo: bool) -> list[Path]:
    """Stage one group of files into ``out_dir/month=…``; fills the group's row counts; returns its rejects parts.
    Uses no temporary objects except for CSV (``rej_err``), so Parquet groups can run on parallel cursors."""
    src, types = source_relation(con, [f.path for f in group], kind)
    checked, cols, reason = checked_sql(kind, src, types)
    accepted_rows = accepted_sql(kind, checked)
    options = f"FORMAT PARQUET, COMPRESSION {RAW_COMPRESSION}, ROW_GROUP_SIZE {ROW_GROUP_ROWS}{kv_metadata(is_demo)}"
    if month and types["ts"] in ("TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"):
        # The footers say every row is in one month: a plain COPY, much cheaper than a partitioned one.
        (out_dir / f"month={month}").mkdir(parents=True, exist_ok=True)
        target = f"{_sql_path(out_dir / f'month={month}' / f'f{index}_0.parquet')}"
        accepted = con.execute(f"COPY (SELECT * EXCLUDE (month) FROM ({accepted_rows}) UNION ALL "
                               f"{_nullable_row(kind)}) TO '{target}' ({options})").fetchall()[0][0]
        if not accepted:
            Path(target.replace("''", "'")).unlink(missing_ok=True)
            (out_dir / f"month={month}").rmdir()
    else:
        out_dir.mkdir(parents=True, exist_ok=True)
        accepted = con.execute(
            f"COPY ({accepted_rows}) TO '{_sql_path(out_dir)}' (PARTITION_BY (month), "
            f"FILENAME_PATTERN 'f{index}_{{i}}', OVERWRITE_OR_IGNORE, {options})").fetchall()[0][0]
    is_parquet = group[0].path.suffix.lower() == ".parquet"
    total = sum(pq.ParquetFile(r.path).metadata.num_rows for r in group) if is_parquet else None
    part = work / f"rejects-{index}.csv"
    reject_parts: list[Path] = []
    rejected = 0
    if total is None or total > accepted:  # second (filtered) scan only when some row was refused
        # raw feed text goes to a CSV people open in Excel: formula-like values are escaped (core.exports)
        raw_cols = ", ".join(f"{sql_safe_text(_q('raw_' + c))} AS {_q(c)}" for c in cols)
        rejected = con.execute(
            f"COPY (SELECT src_file AS file, row_no AS row, {reason} AS reason, {raw_cols} "
            f"FROM ({checked}) WHERE bad) TO '{_sql_path(part)}' (HEADER, DELIMITER ',')").fetchall()[0][0]
        reject_parts.append(part)
    if len(group) == 1:
        malformed = _csv_malformed(con, group[0].path, cols, work / f"malformed-{index}.csv")
        if malformed:
            reject_parts.append(work / f"malformed-{index}.csv")
        group[0].rows_accepted, group[0].rows_rejected = accepted, rejected + malformed
        group[0].rows_read = accepted + rejected + malformed
    else:  # several Parquet files: rows from the footers, rejects counted per file from the rejects part
        per_file = dict(con.execute(f"SELECT file, count(*) FROM read_csv('{_sql_path(part)}', header=true, "
                                    f"all_varchar=true) GROUP BY file").fetchall()) if rejected else {}
        for result in group:
            result.rows_read = pq.ParquetFile(result.path).metadata.num_rows
            result.rows_rejected = per_file.get(result.path.name, 0)
            result.rows_accepted = result.rows_read - result.rows_rejected
    return reject_parts


GROUP_ROWS = 20_000_000  # rows per DuckDB scan: bounds the time between progress updates, not memory
# Raw files: snappy writes much faster than zstd for ~30 % more disk; 1M-row groups keep scans parallel and cheap.
RAW_COMPRESSION = "snappy"
ROW_GROUP_ROWS = 1_000_000


def _groups(files: list[FileResult], kind: str) -> list[tuple[list[FileResult], str | None]]:
    """Files scanned together: consecutive Parquet files of one schema (and one month, when the footers show all
    their timestamps in a single month), up to GROUP_ROWS; each CSV alone. Returns (files, month or None)."""
    groups: list[tuple[list[FileResult], str | None]] = []
    current: list[FileResult] = []
    current_key, current_rows = None, 0
    for result in files:
        if result.path.suffix.lower() != ".parquet":
            if current:
                groups.append((current, current_key[1]))
                current, current_rows = [], 0
            groups.append(([result], None))
            continue
        meta = pq.ParquetFile(result.path)
        key = (meta.schema_arrow.remove_metadata(), _footer_month(meta))
        if current and (key != current_key or current_rows + meta.metadata.num_rows > GROUP_ROWS):
            groups.append((current, current_key[1]))
            current, current_rows = [], 0
        current.append(result)
        current_key = key
        current_rows += meta.metadata.num_rows
    if current:
        groups.append((current, current_key[1]))
    return groups


_DUCK_TYPES = {"timestamp[us]": "TIMESTAMP", "date32[day]": "DATE", "int8": "TINYINT", "int64": "BIGINT",
               "string": "VARCHAR"}


def _nullable_row(kind: str) -> str:
    """A branch that yields no row but makes every column nullable: without it DuckDB marks columns it can prove
    non-null as REQUIRED in the footer, and the files would differ from the contract schema (all columns optional)."""
    nulls = ", ".join(f"CAST(NULL AS {_DUCK_TYPES[str(f.type)]}) AS {_q(f.name)}" for f in schema.SCHEMAS[kind])
    return f"SELECT {nulls} WHERE random() < 0"


def _footer_month(meta: pq.ParquetFile) -> str | None:
    """'YYYY-MM' when the row-group statistics put every non-null ``ts`` of the file in one month, else None."""
    try:
        column = meta.schema_arrow.get_field_index("ts")
        months = set()
        for i in range(meta.metadata.num_row_groups):
            stats = meta.metadata.row_group(i).column(column).statistics
            if stats is None or not stats.has_min_max or not hasattr(stats.min, "strftime"):
                return None
            months |= {stats.min.strftime("%Y-%m"), stats.max.strftime("%Y-%m")}
        return months.pop() if len(months) == 1 else None
    except (KeyError, ValueError, TypeError):
        return None


def _csv_malformed(con, path: Path, cols: list[str], out: Path) -> int:
    """Lines DuckDB could not split into columns (wrong field count, bad quoting): kept with the parser's reason."""
    if path.suffix.lower() == ".parquet":
        return 0
    try:
        # every scan of the file (describe, accepted, rejects) logs the same lines again; one row per line
        count = con.execute("SELECT count(DISTINCT line) FROM rej_err").fetchall()[0][0]
    except duckdb.Error:
        return 0
    if count:
        blanks = ", ".join(f"'' AS {_q(c)}" for c in cols[1:])
        con.execute(
            f"COPY (SELECT '{_sql_path(Path(path.name))}' AS file, line AS row, "
            f"'CSV 行格式错误（' || any_value(error_type) || '）：' || any_value(csv_line) AS reason, "
            f"'' AS {_q(cols[0])}, {blanks} FROM rej_err GROUP BY line ORDER BY line) "
            f"TO '{_sql_path(out)}' (HEADER, DELIMITER ',')")
    con.execute("DROP TABLE IF EXISTS rej_err")
    con.execute("DROP TABLE IF EXISTS rej_scan")
    return count


def _concat_csv(parts: list[Path], target: Path) -> None:
    header_written = False
    with open(target, "wb") as out:
        for part in parts:
            if not part.exists():
                continue
            with open(part, "rb") as handle:
                header = handle.readline()
                if not header_written:
                    out.write(header)
                    header_written = True
                while chunk := handle.read(4 << 20):
                    out.write(chunk)


def _move_into_place(staging: Path, final_root: Path, run_id: str) -> tuple[list[Path], list[str]]:
    """Each group wrote into ``staging/g<n>/month=…``; file names (f<n>_<i>) are unique across groups."""
    moved, months = [], set()
    if not staging.exists():
        return moved, []
    for part_dir in sorted(staging.glob("g*/month=*")):
        month = part_dir.name.split("=", 1)[1]
        months.add(month)
        target_dir = final_root / part_dir.name
        target_dir.mkdir(parents=True, exist_ok=True)
        for file in sorted(part_dir.glob("*.parquet")):
            target = target_dir / f"{run_id}-{file.name}"
            os.replace(file, target)
            moved.append(target)
    return moved, sorted(months)
