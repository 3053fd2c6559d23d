"""Lights computed from the database: work items, reported progress, linked indicators; refresh logs changes once."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from iccity.core.actions import do_ensure_rules
from iccity.core.rules import declared_row
from iccity.delivery.models import Notice, WorkItem
from iccity.evaluation import lights
from iccity.evaluation.actions.lights import do_refresh_lights
from iccity.evaluation.models import LightTransition, TaskLight

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def task(version, key):
    return version.tasks.get(key=key)


def test_task_without_any_data_is_grey(builder):
    light = lights.compute_light(task(builder.version, "T5"), TODAY)
    assert light.colour == "grey" and light.rule_version == 1


def test_items_overdue_more_than_ten_working_days_make_the_task_red(builder):
    t1 = task(builder.version, "T1")
    builder.work_items(2, tasks=[t1])  # one 2 days overdue, one 40 days overdue
    light = lights.compute_light(t1, TODAY)
    assert light.colour == "red"
    assert light.explanation == "红：1 项事项逾期超过10个工作日"
    assert any(r.colour == "yellow" and r.text.startswith("1 项事项逾期") for r in light.reasons)


def test_an_item_done_after_the_day_counts_as_open_on_that_day(builder):
    t1 = task(builder.version, "T1")
    builder.work_items(2, tasks=[t1])
    WorkItem.objects.filter(task=t1).update(state="done", completed_on=TODAY)
    assert lights.compute_light(t1, TODAY).colour == "green"
    assert lights.compute_light(t1, TODAY - dt.timedelta(days=1)).colour == "red"


def test_reported_progress_far_behind_elapsed_time_is_red(builder):
    t2 = task(builder.version, "T2")
    builder.reports(1, progress=5, tasks=[t2])
    light = lights.compute_light(t2, TODAY)
    assert light.colour == "red" and "落后序时进度" in light.explanation
    assert light.inputs["progress"] == 5


def test_progress_of_the_latest_cycle_is_used(builder):
    t2 = task(builder.version, "T2")
    builder.reports(3, progress=70, tasks=[t2])
    assert lights.compute_light(t2, TODAY).inputs["progress"] == 70


def test_linked_indicator_deteriorating_makes_the_task_red(builder):
    t3 = task(builder.version, "T3")
    builder.indicators(1, tasks=[t3], growth=-0.05)
    light = lights.compute_light(t3, TODAY)
    assert light.colour == "red" and "测试指标1 轨迹退步" in light.explanation


def test_task_lights_agrees_with_compute_light(builder):
    builder.build(1)
    all_lights = lights.task_lights(builder.version, TODAY)
    assert len(all_lights) == builder.version.tasks.count()
    t1 = task(builder.version, "T1")
    assert all_lights[t1.pk] == lights.compute_light(t1, TODAY)


def test_a_new_rule_version_changes_thresholds(builder):
    t1 = task(builder.version, "T1")
    builder.work_items(1, tasks=[t1])  # 2 days overdue → yellow under the default ladder
    assert lights.compute_light(t1, TODAY).colour == "yellow"
    value = {**lights.DEFAULT_VALUE, "overdue": [{"after_working_days": 1, "colour": "red"}]}
    do_ensure_rules([{**declared_row(lights.RULE_KEY), "version": 2, "value": value, "effective_from": TODAY}])
    light = lights.compute_light(t1, TODAY)
    assert (light.colour, light.rule_version) == ("red", 2)
    assert lights.compute_light(t1, TODAY - dt.timedelta(days=1)).rule_version == 1


def test_refresh_logs_each_change_once_and_is_safe_to_run_twice(builder):
    builder.drive()
    t1 = task(builder.version, "T1")
    first = do_refresh_lights(builder.version, TODAY)
    assert len(first) == builder.version.tasks.count() and all(t.from_colour == "" for t in first)
    assert do_refresh_lights(builder.version, TODAY) == []
    builder.work_items(2, tasks=[t1])
    changes = do_refresh_lights(builder.version, TODAY)
    assert [(c.task_id, c.from_colour, c.to_colour) for c in changes] == [(t1.pk, "grey", "red")]
    assert TaskLight.objects.get(task=t1).colour == "red"
    assert do_refresh_lights(builder.version, TODAY) == []
    assert LightTransition.objects.filter(task=t1).count() == 2


def test_turning_red_notifies_the_task_force_host_once(builder):
    builder.drive()
    t1 = task(builder.version, "T1")
    do_refresh_lights(builder.version, TODAY)
    builder.work_items(2, tasks=[t1])
    do_refresh_lights(builder.version, TODAY)
    notices = Notice.objects.filter(task=t1, dedupe_key__startswith="light-")
    assert notices.count() == 1 and "红" in notices.get().title
    host = t1.driven_by.get().task_force.host_unit
    assert notices.get().unit == host


def test_cli_lights_recomputes_and_second_run_changes_nothing(builder):
    builder.work_items(1)
    out = io.StringIO()
    call_command("evaluation", "lights", "--on", TODAY.isoformat(), stdout=out)
    assert f"{builder.version.tasks.count()} 项变化" in out.getvalue()
    out = io.StringIO()
    call_command("evaluation", "lights", "--on", TODAY.isoformat(), stdout=out)
    assert "0 项变化" in out.getvalue()


def test_bootstrap_rules_are_created_once(db):
    from iccity.core import initial_data

    out = io.StringIO()
    initial_data.load(out)
    assert lights.RULE_KEY in out.getvalue()
    out = io.StringIO()
    initial_data.load(out)
    assert out.getvalue() == ""


def test_cli_score_and_quality_delegate_to_the_scoring_and_quality_jobs(db, monkeypatch):
    from iccity.evaluation import quality, scoring

    calls = []
    monkeypatch.setattr(scoring, "do_score_period", lambda period, actor=None: calls.append(period) or f"{period} 计分")
    monkeypatch.setattr(quality, "do_check_pending", lambda since=None: calls.append(since) or 3)
    out = io.StringIO()
    call_command("evaluation", "score", "--period", "2026-10", stdout=out)
    call_command("evaluation", "quality", "--since", "2026-11-01", stdout=out)
    assert calls == ["2026-10", dt.date(2026, 11, 1)]
    assert "2026-10 计分" in out.getvalue() and "已检查 3 份报告版本" in out.getvalue()


def test_cli_refuses_a_bad_date_in_chinese(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="日期格式不正确"):
        call_command("evaluation", "lights", "--on", "2026/11/20")
