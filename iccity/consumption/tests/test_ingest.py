import csv
import datetime as dt

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from iccity.consumption import schema, storage
from iccity.consumption.actions.ingest import do_ingest
from iccity.consumption.models import IngestedFile, IngestionRun
from iccity.core.actions import ActionRefused

HEADER = "ts,merchant_id,category,district,amount_fen,origin_province,origin_city,origin_country,channel\n"
GOOD = [
    "2024-02-10 19:30:00,M1,餐饮,中北商圈,8800,天津,天津,CN,qr",
    "2024-02-10 20:00:00,M1,餐饮,中北商圈,12000,北京,北京,CN,pos",
    "2024-03-01 10:15:00,M2,服装鞋帽,梅江商圈,56000,,,KR,pos",
]
BAD = {
    "2024-02-30 10:00:00,M1,餐饮,中北商圈,100,天津,天津,CN,qr": "时间 ts 缺失或格式错误",
    "2024-02-11 10:00:00,M1,餐饮,中北商圈,12.5,天津,天津,CN,qr": "金额 amount_fen 不是整数",
    "2024-02-11 10:00:00,M1,餐饮,中北商圈,-300,天津,天津,CN,qr": "金额 amount_fen 必须大于0",
    "2024-02-11 10:00:00,,餐饮,中北商圈,300,天津,天津,CN,qr": "商户编号 merchant_id 为空",
    "2024-02-11 10:00:00,M1,餐饮,中北商圈,300,,,CN,qr": "境内卡缺少发卡省份",
    "2024-02-11 10:00:00,M1,餐饮,中北商圈,300,天津,天津,China,qr": "发卡国家 origin_country 应为两位字母代码",
    "2024-02-11 10:00:00,M1,餐饮,中北商圈,300,天津,天津,CN,cash": "渠道 channel 应为",
}


def write_csv(path, lines):
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def merchants_csv(path):
    from iccity.core.validation import uscc_check_char

    first17 = "92120111123456789"
    path.write_text(
        "merchant_id,name,uscc,district,town,category,first_store_tier,is_time_honoured,lon,lat\n"
        f"M1,测试餐馆,{first17}{uscc_check_char(first17)},中北商圈,中北镇,餐饮,,否,117.08,39.11\n"
        f"M2,测试服装,,梅江商圈,,服装鞋帽,天津首店,false,,\n"
        f"M3,坏代码,{first17}0,中北商圈,中北镇,餐饮,区首店,maybe,200,39\n", encoding="utf-8")
    return path


def test_bad_rows_go_to_rejects_file_with_a_reason_each(db, tmp_path):
    run = do_ingest([write_csv(tmp_path / "t.csv", GOOD + list(BAD))], "transactions")
    assert (run.state, run.rows_read, run.rows_accepted, run.rows_rejected) == ("complete", 10, 3, 7)
    with open(run.rejects_path, encoding="utf-8") as handle:
        rejects = list(csv.DictReader(handle))
    assert len(rejects) == len(BAD)
    for row in rejects:
        line = ",".join(row[c] for c in schema.INPUT_COLUMNS["transactions"])
        expected = next(reason for raw, reason in BAD.items() if raw.split(",")[1:] == line.split(",")[1:]
                        and raw.split(",")[0][:10] == line.split(",")[0][:10])
        assert expected in row["reason"], (line, row["reason"])
        assert row["file"] == "t.csv"


def test_malformed_csv_lines_are_rejected_not_dropped(db, tmp_path):
    run = do_ingest([write_csv(tmp_path / "t.csv", GOOD + ["2024-02-11 10:00:00,M1,too,few"])], "transactions")
    assert (run.rows_accepted, run.rows_rejected) == (3, 1)
    assert "CSV 行格式错误" in open(run.rejects_path, encoding="utf-8").read()


def test_accepted_rows_have_the_contract_schema_and_derived_columns(db, tmp_path):
    do_ingest([merchants_csv(tmp_path / "m.csv")], "merchants")
    do_ingest([write_csv(tmp_path / "t.csv", GOOD)], "transactions")
    files = storage.visible_files("transactions")
    assert sorted(p.parent.name for p in files) == ["month=2024-02", "month=2024-03"]
    table = pa.concat_tables(pq.read_table(p, schema=None).select(schema.TRANSACTIONS.names) for p in files)
    assert pq.read_schema(files[0]).remove_metadata() == schema.TRANSACTIONS
    rows = sorted(table.to_pylist(), key=lambda r: r["ts"])
    assert [r["origin_class"] for r in rows] == ["local", "nonlocal", "foreign"]
    assert [r["town"] for r in rows] == ["中北镇", "中北镇", ""]
    assert (rows[0]["date"], rows[0]["hour"]) == (dt.date(2024, 2, 10), 19)


def test_merchant_checks_and_snapshot_merge(db, tmp_path):
    run = do_ingest([merchants_csv(tmp_path / "m.csv")], "merchants")
    assert (run.rows_accepted, run.rows_rejected) == (2, 1)
    reason = list(csv.DictReader(open(run.rejects_path, encoding="utf-8")))[0]["reason"]
    assert "校验位" in reason and "首店层级" in reason and "老字号" in reason and "lon" in reason
    (tmp_path / "m2.csv").write_text(
        "merchant_id,name,uscc,district,town,category,first_store_tier,is_time_honoured,lon,lat\n"
        "M2,测试服装（更名）,,梅江商圈,,服装鞋帽,华北首店,是,,\n", encoding="utf-8")
    do_ingest([tmp_path / "m2.csv"], "merchants")
    snapshot = pq.read_table(storage.visible_files("merchants")[0]).to_pylist()
    assert [(m["merchant_id"], m["first_store_tier"], m["is_time_honoured"]) for m in snapshot] == [
        ("M1", "", False), ("M2", "华北首店", True)]


def test_same_file_twice_changes_nothing(db, tmp_path):
    path = write_csv(tmp_path / "t.csv", GOOD)
    first = do_ingest([path], "transactions")
    manifest = storage.read_manifest()
    second = do_ingest([path], "transactions")
    assert second.state == IngestionRun.State.DUPLICATE
    assert storage.read_manifest()["files"] == manifest["files"]
    assert IngestedFile.objects.filter(kind="transactions").count() == 1
    assert first.rows_accepted == 3


def test_missing_columns_are_refused_with_a_chinese_message(db, tmp_path):
    (tmp_path / "x.csv").write_text("ts,amount\n2024-01-01 00:00:00,1\n", encoding="utf-8")
    with pytest.raises(ActionRefused, match="缺少列"):
        do_ingest([tmp_path / "x.csv"], "transactions")
    assert IngestionRun.objects.get().state == IngestionRun.State.FAILED
    assert storage.visible_files("transactions") == []


def _spend(files):
    return duckdb.sql(f"select sum(amount_fen) from read_parquet({[str(p) for p in files]})").fetchall()[0][0]


def test_crash_mid_run_leaves_previous_state_intact(db, tmp_path, monkeypatch):
    do_ingest([write_csv(tmp_path / "a.csv", GOOD[:2])], "transactions")
    before = storage.read_manifest()["files"]
    from iccity.consumption import rollups

    def crash(*args, **kwargs):
        raise MemoryError("simulated crash while building rollups")

    monkeypatch.setattr(rollups, "build", crash)
    second = write_csv(tmp_path / "b.csv", GOOD[2:])
    with pytest.raises(MemoryError):
        do_ingest([second], "transactions")
    assert storage.read_manifest()["files"] == before
    assert _spend(storage.visible_files("transactions")) == 8800 + 12000
    assert IngestionRun.objects.filter(state="failed").count() == 1
    # the staged files of the failed run are gone from disk, and the file can be ingested again later
    on_disk = {p.relative_to(storage.data_dir()).as_posix() for p in storage.data_dir().rglob("*.parquet")}
    assert on_disk == {rel for files in before.values() for rel in files}
    monkeypatch.undo()
    assert do_ingest([second], "transactions").state == "complete"
    assert _spend(storage.visible_files("transactions")) == 8800 + 12000 + 56000


def test_run_left_running_by_a_dead_process_is_settled_as_failed(db, tmp_path):
    do_ingest([write_csv(tmp_path / "a.csv", GOOD[:1])], "transactions")
    dead = IngestionRun.objects.create(dataset=IngestionRun.objects.get().dataset, run_id="dead-1",
                                       started_at=IngestionRun.objects.get().started_at, pid=2 ** 22 + 7)
    orphan = storage.data_dir() / "raw" / "transactions" / "month=2024-02" / "dead-1-f0_0.parquet"
    orphan.write_bytes(b"half a file")
    assert dead.effective_state() == "failed"
    do_ingest([write_csv(tmp_path / "b.csv", GOOD[1:2])], "transactions")
    dead.refresh_from_db()
    assert dead.state == "failed" and not orphan.exists()


def test_demo_and_real_files_cannot_share_a_run(db, tmp_path):
    real = write_csv(tmp_path / "real.csv", GOOD[:1])
    fake = write_csv(tmp_path / "示例-t.csv", GOOD[1:2])
    with pytest.raises(ActionRefused, match="示例"):
        do_ingest([real, fake], "transactions")


def _month_file(path, month: int, bad: int = 0):
    """A one-row-group Parquet input for 2024-<month> with ``bad`` rows whose amount is negative."""
    n = 50
    table = pa.table({
        "ts": pa.array([dt.datetime(2024, month, 1 + i % 28, i % 24) for i in range(n)], pa.timestamp("us")),
        "merchant_id": ["M1"] * n, "category": ["餐饮"] * n, "district": ["中北商圈"] * n,
        "amount_fen": pa.array([-1 if i < bad else 100 + i for i in range(n)], pa.int64()),
        "origin_province": ["天津"] * n, "origin_city": ["天津"] * n, "origin_country": ["CN"] * n,
        "channel": ["qr"] * n})
    pq.write_table(table, path)
    return path


def test_parallel_staging_gives_the_same_rows_counts_and_rejects_as_sequential(db, tmp_path, settings, monkeypatch):
    import threading

    from iccity.consumption import ingest

    inputs = [_month_file(tmp_path / f"t{m}.parquet", m, bad=m - 1) for m in (1, 2, 3, 4)]
    calls = []
    real = ingest._stage_group
    monkeypatch.setattr(ingest, "_stage_group", lambda *a, **k: calls.append(
        threading.current_thread() is threading.main_thread()) or real(*a, **k))
    results = {}
    for threads in ("1", "2"):
        monkeypatch.setenv("ICCITY_CONSUMPTION_THREADS", threads)
        settings.ICCITY_CONSUMPTION_DIR = tmp_path / f"lake-{threads}"
        IngestedFile.objects.all().delete()
        calls.clear()
        run = do_ingest(inputs, "transactions")
        table = pa.concat_tables(pq.read_table(p).select(schema.TRANSACTIONS.names)
                                 for p in storage.visible_files("transactions"))
        rejects = sorted((r["file"], r["row"], r["reason"]) for r in csv.DictReader(open(run.rejects_path)))
        results[threads] = (sorted(table.to_pylist(), key=lambda r: (r["ts"], r["amount_fen"])), run.files,
                            run.months, rejects, (run.rows_read, run.rows_accepted, run.rows_rejected))
        assert all(calls) if threads == "1" else not any(calls)  # the parallel path really ran on worker threads
    assert results["1"] == results["2"]
    assert results["2"][4] == (200, 194, 6)
    assert results["2"][3][0] == ("t2.parquet", "1", "金额 amount_fen 必须大于0")
