"""Formula injection in the consumption rejects files (issue 12 item 8): feed text that looks like a formula is
escaped in the CSV people open in Excel; refused numbers stay numbers."""
from __future__ import annotations

import csv

from iccity.consumption.actions.ingest import do_ingest

from .test_ingest import HEADER

HYPERLINK = '=HYPERLINK(""http://evil.example"",""点击"")'  # CSV-quoted inside the feed line


def test_transaction_rejects_escape_a_hyperlink_category(db, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(HEADER + f'2024-02-30 10:00:00,M1,"{HYPERLINK}",中北商圈,-300,天津,天津,CN,qr\n', encoding="utf-8")
    run = do_ingest([path], "transactions")
    row = list(csv.DictReader(open(run.rejects_path, encoding="utf-8")))[0]
    assert row["category"] == "'" + HYPERLINK.replace('""', '"')
    assert row["amount_fen"] == "-300"  # a number, not a formula


def test_merchant_rejects_escape_a_hyperlink_name(db, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("merchant_id,name,uscc,district,town,category,first_store_tier,is_time_honoured,lon,lat\n"
                    f'M9,"{HYPERLINK}",921201111234567890,中北商圈,中北镇,餐饮,,maybe,200,39\n', encoding="utf-8")
    run = do_ingest([path], "merchants")
    row = list(csv.DictReader(open(run.rejects_path, encoding="utf-8")))[0]
    assert row["name"] == "'" + HYPERLINK.replace('""', '"')


def test_metrics_cli_csv_escapes_a_hyperlink_label_and_keeps_numbers(db, lake, monkeypatch):
    import pandas as pd
    from django.core.management import call_command
    from io import StringIO

    from iccity.consumption import metrics

    monkeypatch.setattr(metrics, "spend", lambda engine, **kw: pd.DataFrame(
        {"district": ['=HYPERLINK("http://evil.example")', "中北商圈"], "spend_fen": [-100, 200]}))
    out = StringIO()
    call_command("consumption", "metrics", "spend", "--by", "district", "--format", "csv", stdout=out)
    rows = list(csv.reader(StringIO(out.getvalue())))
    assert rows[1] == ["'=HYPERLINK(\"http://evil.example\")", "-100"] and rows[2] == ["中北商圈", "200"]
