"""Where metric queries run: one Ibis connection (DuckDB by default, PySpark for scale-out) and the Parquet tables
listed by ``storage.visible_files``.

Why a thin wrapper: the metric definitions in ``metrics.py`` are Ibis expressions written once; the engine decides
which backend executes them and which files make up each table. Only the contract columns are selected, so extra
columns (for example a ``month`` hive partition that one backend infers from the path and another does not) never
make results differ between backends.

Per-query overhead (DuckDB): every table but ``transactions`` is small (bounded by date × hour × 商圈 × category ×
origin keys, not by the number of sales), so it is copied once into an in-memory DuckDB table instead of re-reading
Parquet footers and pages on each query; Parquet metadata of the raw files is cached by the connection (files are
immutable: a run writes new names). ``Engine.shared()`` keeps one engine per thread for the current manifest
version, so pages and the API reuse the connection and its in-memory tables until an ingestion publishes a new
manifest, which makes the next call build a fresh engine.
"""
from __future__ import annotations

import threading
from pathlib import Path
from collections.abc import Callable, Iterable

import ibis
import ibis.expr.datatypes as dt
import pyarrow as pa

# The column contract agreed with the data layer (see docs/consumption.md). Order matters only for empty tables.
SCHEMAS: dict[str, dict[str, str]] = {
    "transactions": {
        "ts": "timestamp", "date": "date", "hour": "int8", "merchant_id": "string", "category": "string",
        "district": "string", "town": "string", "amount_fen": "int64", "origin_province": "string",
        "origin_city": "string", "origin_country": "string", "origin_class": "string", "channel": "string"},
    "footfall": {"ts": "timestamp", "date": "date", "hour": "int8", "district": "string", "town": "string",
                 "visitors": "int64", "source": "string"},
    "merchants": {"merchant_id": "string", "name": "string", "uscc": "string", "district": "string",
                  "town": "string", "category": "string", "first_store_tier": "string",
                  "is_time_honoured": "boolean", "lon": "float64", "lat": "float64"},
    "rollup_hourly": {"date": "date", "hour": "int8", "district": "string", "town": "string", "category": "string",
                      "origin_class": "string", "spend_fen": "int64", "txn_count": "int64"},
    "rollup_daily_district": {"date": "date", "district": "string", "town": "string", "origin_class": "string",
                              "spend_fen": "int64", "txn_count": "int64"},
    "rollup_daily": {"date": "date", "district": "string", "town": "string", "category": "string",
                     "origin_class": "string", "spend_fen": "int64", "txn_count": "int64"},
    "rollup_hour_district": {"date": "date", "hour": "int8", "district": "string", "town": "string",
                             "origin_class": "string", "spend_fen": "int64", "txn_count": "int64"},
    "rollup_merchant": {"date": "date", "district": "string", "town": "string", "first_store_tier": "string",
                        "is_time_honoured": "boolean", "spend_fen": "int64", "txn_count": "int64"},
    "calendar": {"date": "date", "weekday": "int8", "is_weekend": "boolean", "is_holiday": "boolean",
                 "is_makeup_workday": "boolean", "is_workday": "boolean", "holiday_name": "string",
                 "lunar_year": "int16", "lunar_month": "int8", "lunar_day": "int8", "is_leap_month": "boolean",
                 "lunar_label": "string", "festival": "string", "festival_window": "string",
                 "data_status": "string"},
}
KINDS = tuple(SCHEMAS)
BACKENDS = ("duckdb", "pyspark")
# Tables whose size grows with the key space, not with the number of transactions: kept in memory on DuckDB.
IN_MEMORY_KINDS = frozenset(KINDS) - {"transactions"}
_shared = threading.local()
COMPILED_CACHE_SIZE = 512


def default_files(kind: str) -> list[Path]:
    """The files the data layer publishes for ``kind`` (imported late: the data layer may import metrics)."""
    from . import storage

    return list(storage.visible_files(kind))


def ibis_schema(kind: str) -> ibis.Schema:
    return ibis.schema({name: dt.dtype(t) for name, t in SCHEMAS[kind].items()})


def empty_arrow(kind: str) -> pa.Table:
    return ibis_schema(kind).to_pyarrow().empty_table()


class Engine:
    """An Ibis connection plus the consumption tables. Reuse one engine for many queries: DuckDB keeps Parquet
    metadata cached per connection, and a Spark session costs seconds to start."""

    def __init__(self, backend: str = "duckdb", *, spark=None, files: dict[str, Iterable[Path]] | None = None,
                 file_source: Callable[[str], list[Path]] | None = None, threads: int | None = None,
                 in_memory: bool = True):
        if backend not in BACKENDS:
            raise ValueError(f"不支持的计算引擎“{backend}”，可选：{'、'.join(BACKENDS)}")
        self.backend = backend
        self._files = {k: [Path(p) for p in v] for k, v in (files or {}).items()}
        self._file_source = file_source or default_files
        self._tables: dict[str, ibis.Table] = {}
        self._compiled: dict = {}
        self.in_memory = in_memory and backend == "duckdb"
        self.version = None   # manifest version, set by shared()
        if backend == "duckdb":
            self.con = ibis.duckdb.connect()
            self.con.raw_sql("SET parquet_metadata_cache = true")
            if threads:
                self.con.raw_sql(f"SET threads = {int(threads)}")
        else:
            if spark is None:
                spark = spark_session()
            self.spark = spark
            self.con = ibis.pyspark.connect(spark)

    def files(self, kind: str) -> list[Path]:
        if kind not in SCHEMAS:
            raise ValueError(f"未知数据类型“{kind}”")
        if kind not in self._files:
            self._files[kind] = sorted(Path(p) for p in self._file_source(kind))
        return self._files[kind]

    def has(self, kind: str) -> bool:
        return bool(self.files(kind))

    def table(self, kind: str) -> ibis.Table:
        if kind not in self._tables:
            self._tables[kind] = self._load(kind)
        return self._tables[kind]

    def _load(self, kind: str) -> ibis.Table:
        files = self.files(kind)
        schema = ibis_schema(kind)
        name = f"consumption_{kind}"
        if not files:
            # A memtable, not create_table: ibis 12's create_table from Arrow trips over duckdb 2's DROP VIEW syntax.
            return ibis.memtable(empty_arrow(kind))
        paths = [str(p) for p in files]
        if self.backend == "duckdb":
            # Explicit file list, no hive inference: the table is exactly the contract columns.
            t = self.con.read_parquet(paths, table_name=name, hive_partitioning=False, union_by_name=True)
            if self.in_memory and kind in IN_MEMORY_KINDS:
                cast = t.select(*[t[c].cast(schema[c]) if t.schema()[c] != schema[c] else t[c] for c in schema.names])
                self.con.raw_sql(f'CREATE TABLE "{name}_mem" AS {self.con.compile(cast)}')
                return self.con.table(f"{name}_mem")
        else:
            # Spark reads the explicit list itself (ibis would pass the list as one glob string).
            self.spark.read.parquet(*paths).createOrReplaceTempView(name)
            t = self.con.table(name)
        return t.select(*[t[c].cast(schema[c]) if t.schema()[c] != schema[c] else t[c] for c in schema.names])

    def execute(self, expr):
        """Run an Ibis expression; a pandas DataFrame for tables, a Python value for scalars. Tables go through
        Arrow's own pandas conversion (faster than Ibis's per-column one, and the same on both backends)."""
        if isinstance(expr, ibis.Table):
            return self.con.to_pyarrow(expr).to_pandas()
        return self.con.execute(expr)

    def run(self, key, build: Callable[[], ibis.Table]):
        """``execute(build())``, but on DuckDB the compiled SQL is kept under ``key`` (which must stand for every
        input of ``build``): building and compiling an Ibis expression costs ~20 ms, more than a query over a
        rollup. The query itself runs every time. The expression is kept too, so memtables it uses stay
        registered."""
        if self.backend != "duckdb" or key is None:
            return self.execute(build())
        hit = self._compiled.get(key)
        if hit is None:
            expr = build()
            self.con._run_pre_execute_hooks(expr)   # registers memtables with the connection
            hit = (expr, self.con.compile(expr))
            if len(self._compiled) >= COMPILED_CACHE_SIZE:
                self._compiled.clear()
            self._compiled[key] = hit
        expr, sql = hit
        from ibis.backends.duckdb.converter import DuckDBPyArrowData

        table = self.con.con.sql(sql).to_arrow_table()
        return expr.__pyarrow_result__(table, data_mapper=DuckDBPyArrowData).to_pandas()

    def close(self) -> None:
        if self.backend == "duckdb":
            self.con.disconnect()

    @classmethod
    def shared(cls) -> Engine:
        """This thread's DuckDB engine over the current manifest: reused (connection, in-memory rollups) while the
        manifest version stays the same; a published ingestion changes the version and the next call starts afresh.
        The file lists come from one manifest read, so every table of the engine belongs to the same version.
        Do not close it."""
        from . import storage

        manifest = storage.read_manifest()
        key = (str(storage.data_dir()), manifest["version"])
        engine = getattr(_shared, "engine", None)
        if engine is not None and getattr(_shared, "key", None) == key:
            return engine
        if engine is not None:
            engine.close()
        root = storage.data_dir()
        files = {kind: [root / rel for rel in manifest["files"].get(kind, [])] for kind in SCHEMAS}
        engine = cls(files=files)
        engine.version = manifest["version"]
        _shared.engine, _shared.key = engine, key
        return engine


def spark_session(app_name: str = "iccity-consumption", extra_conf: dict[str, str] | None = None):
    """A local-mode SparkSession set up so results match DuckDB: UTC session time zone (timestamps are naive local
    time and must not shift); one shuffle partition and no adaptive re-planning, since the data fits one machine
    (measured ~40 % faster on the test fixture)."""
    from pyspark.sql import SparkSession

    builder = (SparkSession.builder.master("local[2]").appName(app_name)
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", "1")
               .config("spark.sql.adaptive.enabled", "false")   # re-planning costs more than it saves on small data
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.ui.enabled", "false")
               .config("spark.driver.memory", "2g"))
    for key, value in (extra_conf or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
