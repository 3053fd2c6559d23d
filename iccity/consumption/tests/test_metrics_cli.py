"""The analysis subcommands of ``iccity consumption``: metrics, impact and publish print what they computed."""
from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from iccity.consumption import metrics
from iccity.consumption.engine import Engine
from iccity.core import clock


def run(*args) -> str:
    out = StringIO()
    call_command("consumption", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_metrics_impact_and_publish_commands(lake):
    text = run("metrics", "spend", "--by", "district", "--start", "2024-02-01", "--end", "2024-02-29",
               "--format", "csv")
    engine = Engine()
    try:
        expected = metrics.spend(engine, by=["district"], start=dt.date(2024, 2, 1), end=dt.date(2024, 2, 29))
    finally:
        engine.close()
    assert text.splitlines()[0] == "district,spend_fen,txn_count,avg_ticket_fen"
    assert f"{expected.district[0]},{expected.spend_fen[0]}," in text
    assert "night_share" in run("metrics", "night_share", "--by", "district,month", "--night", "19-6")
    impact_text = run("impact", "--start", "2024-02-24", "--end", "2024-02-25", "--districts", "杨柳青大运河国家文化公园文旅商圈")
    assert "同星期中位数（前8周）" in impact_text and "安慰剂窗口" in impact_text
    from iccity.indicators.actions.catalogue import do_load_catalogue

    do_load_catalogue()
    with clock.travel(dt.date(2024, 4, 15)):
        assert "将新增" in run("publish", "--dry-run")
        assert "新增" in run("publish")


@pytest.mark.django_db
def test_metrics_command_refuses_bad_grouping_in_chinese(lake, capsys):
    with pytest.raises(SystemExit):
        run("metrics", "spend", "--by", "colour")
    assert "不支持按“colour”分组" in capsys.readouterr().err + ""
