import duckdb
import pyarrow.parquet as pq
import pytest

from iccity.consumption import metrics, rollups, schema, storage
from iccity.consumption.engine import Engine
from iccity.consumption.actions.ingest import do_rebuild_rollups, do_remove_demo_data


def q(sql):
    return sorted(duckdb.sql(sql).fetchall())


def files(kind):
    return [str(p) for p in storage.visible_files(kind)]


def test_hourly_rollup_equals_a_raw_scan(lake):
    raw = q(f"""select date, hour, district, town, category, origin_class, sum(amount_fen)::BIGINT, count(*)
                from read_parquet({files('transactions')}, hive_partitioning=false) group by all""")
    rolled = q(f"""select date, hour, district, town, category, origin_class, sum(spend_fen)::BIGINT,
                          sum(txn_count)::BIGINT
                   from read_parquet({files('rollup_hourly')}, hive_partitioning=false) group by all""")
    assert raw == rolled and len(raw) > 1000


@pytest.mark.parametrize("kind, keys", [("rollup_daily_district", "date, district, town, origin_class"),
                                         ("rollup_daily", "date, district, town, category, origin_class"),
                                         ("rollup_hour_district", "date, hour, district, town, origin_class")])
def test_coarser_spend_rollups_equal_a_raw_scan(lake, kind, keys):
    raw = q(f"""select {keys}, sum(amount_fen)::BIGINT, count(*)
                from read_parquet({files('transactions')}, hive_partitioning=false) group by all""")
    rolled = q(f"""select {keys}, sum(spend_fen)::BIGINT, sum(txn_count)::BIGINT
                   from read_parquet({files(kind)}, hive_partitioning=false) group by all""")
    assert raw == rolled and len(raw) > 300
    # one row per key within a month file: the rollup is fully aggregated, not a copy of the hourly rows
    assert len(rolled) == q(f"select count(*) from read_parquet({files(kind)})")[0][0]


def test_merchant_rollup_equals_raw_joined_with_the_snapshot(lake):
    raw = q(f"""select t.date, t.district, coalesce(m.first_store_tier, ''), coalesce(m.is_time_honoured, false),
                       sum(amount_fen)::BIGINT, count(*)
                from read_parquet({files('transactions')}, hive_partitioning=false) t
                left join read_parquet({files('merchants')}) m using (merchant_id) group by all""")
    rolled = q(f"""select date, district, first_store_tier, is_time_honoured, sum(spend_fen)::BIGINT,
                          sum(txn_count)::BIGINT
                   from read_parquet({files('rollup_merchant')}, hive_partitioning=false) group by all""")
    assert raw == rolled


def test_a_second_run_merges_into_the_month_rollups(lake, tmp_path):
    from iccity.consumption.actions.ingest import do_ingest
    from iccity.consumption.generate import generate

    more = generate(tmp_path / "more", 3_000, 99, lake["runs"]["transactions"].started_at.date().replace(
        year=2024, month=2, day=1), lake["runs"]["transactions"].started_at.date().replace(year=2024, month=2,
                                                                                         day=29))
    do_ingest(more["transactions"], "transactions")
    total = q(f"select sum(amount_fen)::BIGINT, count(*) from read_parquet({files('transactions')}, "
              f"hive_partitioning=false)")
    rolled = q(f"select sum(spend_fen)::BIGINT, sum(txn_count)::BIGINT from read_parquet({files('rollup_hourly')}, "
               f"hive_partitioning=false)")
    assert total == rolled and total[0][1] == 23_000
    assert len([f for f in files("rollup_hourly") if "month=2024-02" in f]) == 1
    for kind in ("rollup_daily_district", "rollup_daily", "rollup_hour_district"):
        assert q(f"select sum(spend_fen)::BIGINT, sum(txn_count)::BIGINT from read_parquet({files(kind)})") == total
        assert len([f for f in files(kind) if "month=2024-02" in f]) == 1


def test_rebuild_picks_up_changed_merchant_attributes(lake):
    before = q(f"select sum(spend_fen)::BIGINT from read_parquet({files('rollup_merchant')}) "
               f"where first_store_tier <> ''")
    counts = do_rebuild_rollups()
    assert counts == {kind: 3 for kind in rollups.ROLLUP_KINDS}
    after = q(f"select sum(spend_fen)::BIGINT from read_parquet({files('rollup_merchant')}) "
              f"where first_store_tier <> ''")
    assert before == after  # nothing changed in the snapshot, so the rebuild agrees with the maintained rollups


def test_rollup_files_have_contract_schemas_and_demo_marker(lake):
    for kind in (*rollups.ROLLUP_KINDS, "transactions", "footfall", "merchants"):
        read = pq.read_schema(storage.visible_files(kind)[0])
        assert read.remove_metadata() == schema.SCHEMAS[kind], kind
        assert schema.is_demo_metadata(read.metadata), kind


def test_removing_demo_data_empties_the_lake(lake):
    assert do_remove_demo_data() == 3
    for kind in ("transactions", "footfall", "merchants", *rollups.ROLLUP_KINDS):
        assert storage.visible_files(kind) == [], kind


def test_a_coarser_rollup_missing_months_is_not_used_until_rebuilt(lake):
    # A lake ingested before the coarser rollups existed: only months touched since have them.
    def drop_old_months(manifest):
        for kind in ("rollup_daily_district", "rollup_daily", "rollup_hour_district"):
            manifest["files"][kind] = [r for r in manifest["files"][kind] if "month=2024-01" in r]

    storage.publish(drop_old_months)
    engine = Engine()
    try:
        assert metrics.rollup_for(engine, ["district"]) == "rollup_hourly"
        assert metrics.rollup_for(engine, ["hour"]) == "rollup_hourly"
        from_hourly = metrics.spend(engine, by=["district", "month"], source="rollup_hourly")
    finally:
        engine.close()
    do_rebuild_rollups()
    engine = Engine()
    try:
        assert metrics.rollup_for(engine, ["district"]) == "rollup_daily_district"
        assert metrics.rollup_for(engine, ["district", "category"]) == "rollup_daily"
        assert metrics.rollup_for(engine, ["hour", "district"]) == "rollup_hour_district"
        assert metrics.rollup_for(engine, ["hour", "category"]) == "rollup_hourly"
        assert metrics.rollup_for(engine, ["channel"]) == "transactions"
        assert from_hourly.equals(metrics.spend(engine, by=["district", "month"]))
        assert from_hourly.equals(metrics.spend(engine, by=["district", "month"], source="raw"))
    finally:
        engine.close()


def test_shared_engine_is_reused_until_a_new_manifest_is_published(lake):
    engine = Engine.shared()
    assert Engine.shared() is engine
    before = metrics.spend(engine, by=["district"])
    do_remove_demo_data()
    fresh = Engine.shared()
    assert fresh is not engine and fresh.version > engine.version
    assert metrics.spend(fresh, by=["district"]).empty and not before.empty
