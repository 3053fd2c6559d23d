import datetime as dt

import duckdb
import pyarrow.parquet as pq

from iccity.consumption import schema
from iccity.consumption.generate import generate


def test_same_seed_gives_the_same_files_and_every_file_is_marked(tmp_path):
    a = generate(tmp_path / "a", 5_000, 3, dt.date(2024, 1, 1), dt.date(2024, 2, 29))
    b = generate(tmp_path / "b", 5_000, 3, dt.date(2024, 1, 1), dt.date(2024, 2, 29))
    for kind in a:
        for x, y in zip(a[kind], b[kind]):
            assert pq.read_table(x).equals(pq.read_table(y))
            assert schema.is_demo_metadata(pq.read_schema(x).metadata)
    c = generate(tmp_path / "c", 5_000, 4, dt.date(2024, 1, 1), dt.date(2024, 2, 29))
    assert not pq.read_table(a["transactions"][0]).equals(pq.read_table(c["transactions"][0]))


def test_calibrated_shape_night_share_saturday_and_lantern_festival(tmp_path):
    out = generate(tmp_path, 200_000, 5, dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    tx = str(tmp_path / "示例-transactions-*.parquet")
    night = duckdb.sql(f"select sum(amount_fen) filter (where hour(ts) >= 18 or hour(ts) < 6) / sum(amount_fen) "
                       f"from read_parquet('{tx}')").fetchall()[0][0]
    assert 0.45 <= night <= 0.65
    by_weekday = dict(duckdb.sql(f"select isodow(ts), count(*) from read_parquet('{tx}') where ts < '2024-02-01' "
                                 f"group by 1").fetchall())
    assert max(by_weekday, key=by_weekday.get) == 6  # Saturday
    ylq = dict(duckdb.sql(f"select ts::date, count(*) from read_parquet('{tx}') where district = '杨柳青大运河国家文化公园文旅商圈' "
                          f"group by 1").fetchall())
    assert ylq[dt.date(2024, 2, 24)] > 3 * ylq[dt.date(2024, 3, 9)]  # 元宵 vs an ordinary Saturday
    nonlocal_share = dict(duckdb.sql(
        f"select district, avg((origin_province not in ('天津'))::int) from read_parquet('{tx}') group by 1").fetchall())
    assert max(nonlocal_share, key=nonlocal_share.get) == "南站商圈"
    assert len(out["footfall"]) == 1
