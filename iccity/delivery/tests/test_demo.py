"""``iccity demo`` fills the loop with activity that is all marked 示例, and can be removed again."""
import datetime as dt

import pytest
from django.core.management import call_command

from iccity.core import clock
from iccity.core.models import AuditEvent
from iccity.delivery.models import Notice, Report, ReportEvent, ReportState, WorkItem


@pytest.fixture
def frozen_today():
    """Override the delivery default: the demo runs back from a mid-year day."""
    with clock.travel(dt.date(2026, 6, 15)):
        yield


def test_demo_generates_marked_activity_and_reset_removes_it(xiqing_plan, capsys, client):
    banner = "本系统当前含有示例数据"
    assert banner not in client.get("/plans/xiqing-icc/").content.decode()
    import io

    from iccity.core.rules import do_ensure_declared_rules

    do_ensure_declared_rules()  # bootstrap's job: the demo never creates policy rules
    call_command("demo", "--months", "1", "--seed", "7")
    out = capsys.readouterr().out
    assert "生成 1 个报告周期" in out
    reports = Report.objects.all()
    assert reports.exists() and not reports.filter(is_demo=False).exists()
    states = set(reports.values_list("state", flat=True))
    assert ReportState.ACCEPTED in states and ReportState.DRAFT in states  # some units never reported
    assert ReportEvent.objects.filter(action="returned").exists()  # reviewers returned some
    assert WorkItem.objects.exists() and not WorkItem.objects.filter(is_demo=False).exists()
    assert not AuditEvent.objects.filter(action__startswith="delivery.", is_demo=False).exists()
    assert not Notice.objects.filter(is_demo=False).exists()

    assert set(Report.objects.values_list("cycle__label", flat=True)) == {"2026年5月"}  # the last full month
    assert Notice.objects.filter(kind__in=["due_soon", "urge"]).exists()  # the reminder job ran day by day

    assert banner in client.get("/plans/xiqing-icc/").content.decode()  # every page says demo data is present

    # judgement on the demo activity is derived by the real jobs and marked too
    from iccity.evaluation.models import DeliveryRating, ScoreRun, TaskLight
    assert "评估考核示例" in out
    assert ScoreRun.objects.filter(period="2026-05").exists() and not ScoreRun.objects.filter(is_demo=False).exists()
    assert DeliveryRating.objects.filter(quarter="2026Q2").count() == xiqing_plan.tasks.count()
    assert not DeliveryRating.objects.filter(is_demo=False).exists()
    assert TaskLight.objects.count() == xiqing_plan.tasks.count()

    call_command("demo", "--months", "1")
    assert "已有示例数据" in capsys.readouterr().out  # never doubles the data

    call_command("demo", "--remove")
    assert not ScoreRun.objects.exists() and not DeliveryRating.objects.exists() and not TaskLight.objects.exists()
    assert not Report.objects.exists() and not WorkItem.objects.exists() and not Notice.objects.exists()
    assert not AuditEvent.objects.filter(is_demo=True).exists()
    assert xiqing_plan.tasks.count() == 27  # the real plan is untouched
    assert banner not in client.get("/plans/xiqing-icc/").content.decode()
