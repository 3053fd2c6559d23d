"""Command screen, leader summary and public page: who may see them, what they show, and what they never show."""
from __future__ import annotations

import json
import re

import pytest

from iccity.core.actions import do_ensure_rules
from iccity.core.rules import declared_row
from iccity.evaluation import lights
from iccity.evaluation.actions.lights import do_refresh_lights
from iccity.evaluation.actions.ratings import do_rate_task
from iccity.evaluation.views_dashboards import overdue_trend
from iccity.orgs.models import Role

from .conftest import TODAY, make_user

pytestmark = pytest.mark.django_db
AREAS = {"planning": "green", "capacity": "amber_green", "stage": "amber_red", "evidence": "amber_green"}


def chart_data(html: str) -> dict:
    tag = '<script id="command-data" type="application/json">'
    start = html.index(tag) + len(tag)
    return json.loads(html[start:html.index("</script>", start)])


def test_command_screen_is_for_the_office_and_district_leaders_only(client, builder, leader_user, django_user_model):
    assert client.get("/evaluation/command/").status_code == 302
    client.force_login(make_user(django_user_model, "tf1", Role.TASK_FORCE_LEAD, task_force=builder.forces[0]))
    assert client.get("/evaluation/command/").status_code == 403
    client.force_login(leader_user)  # read-only dashboards are a district leader's job
    assert client.get("/evaluation/command/").status_code == 200


def test_command_screen_has_its_own_layout_charts_and_fallback_tables(client, builder, office_user):
    builder.build(1)
    client.force_login(office_user)
    html = client.get("/evaluation/command/").content.decode()
    assert 'class="command-screen"' in html and "site-header" not in html
    assert html.count('class="chart"') == 4 and html.count('details class="chart-table"') == 4
    assert "vendor/echarts/echarts.min.js" in html and "cdn" not in html.lower()
    data = chart_data(html)
    assert len(data["by_group"]["names"]) == builder.version.groups.count() + 1   # + 保障措施
    assert sum(sum(s["data"]) for s in data["by_group"]["series"]) == builder.version.tasks.count()
    assert set(data["by_force"]["names"]) == {"商圈建设专班", "文旅融合专班"}
    assert len(data["trend"]["counts"]) == 13 and data["dimensions"]["names"] == ["维度0", "维度1", "维度2"]


def test_command_screen_refreshes_its_data_by_htmx_without_reloading_the_page(client, builder, office_user):
    """No meta refresh (WCAG 2.2.1, axe: critical): the data region polls every minute and gets only the data back."""
    builder.build(1)
    client.force_login(office_user)
    page = client.get("/evaluation/command/").content.decode()
    assert 'http-equiv="refresh"' not in page
    region = re.search(r'<main id="main" hx-get="([^"]+)" hx-trigger="every 60s" hx-swap="innerHTML">', page)
    assert region and region.group(1) == "/evaluation/command/"
    data = client.get(region.group(1), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in data and "<h1" not in data
    assert chart_data(data) == chart_data(page) and data.count('class="chart"') == 4


def test_command_screen_without_scoring_says_no_scores(client, builder, office_user, monkeypatch):
    from iccity.evaluation import views_dashboards

    monkeypatch.setattr(views_dashboards, "league", lambda: (None, []))
    client.force_login(office_user)
    assert "暂无计分" in client.get("/evaluation/command/").content.decode()


def test_overdue_trend_counts_items_open_past_their_deadline_at_each_month_end(builder):
    t1 = builder.version.tasks.get(key="T1")
    builder.work_items(4, tasks=[t1])
    # deadlines: Nov 18 (open), Oct 11 (open), Sep 21 (done on its deadline), Feb 2027 (open)
    trend = {p["month"]: p["count"] for p in overdue_trend(builder.version, TODAY)}
    assert trend["2026-09"] == 0 and trend["2026-10"] == 1 and trend["11-20"] == 2


def test_leader_summary_shows_ratings_beside_lights_and_risks(client, builder, leader_user, office_user):
    t1 = builder.version.tasks.get(key="T1")
    builder.work_items(2, tasks=[t1])
    do_rate_task(t1, "2026Q4", "amber_green", AREAS, "基本可控", office_user)
    client.force_login(leader_user)
    html = client.get("/evaluation/leader/").content.decode()
    assert "黄绿（基本可控）" in html and "红：1 项事项逾期超过10个工作日" in html
    assert f"本季度尚有 {builder.version.tasks.count() - 1} 项任务未评定" in html
    # the overdue trend reads as counts per month, not “2026-10 1” (a month and a number that look like a date)
    assert "2026-10：1 项" in html and "2026-10 1" not in html


def test_leader_summary_is_closed_to_units(client, builder, django_user_model):
    liaison = make_user(django_user_model, "liaison1", Role.LIAISON, unit=builder.units[0])
    client.force_login(liaison)
    assert client.get("/evaluation/leader/").status_code == 403
    assert client.get(f"/evaluation/tasks/{builder.tasks[0].pk}/").status_code == 403


def test_public_page_shows_only_published_content(client, builder, office_user):
    # the office may keep lights off the public page: a rule version with public false (the default shows them)
    do_ensure_rules([{**declared_row(lights.RULE_KEY), "version": 2, "value": {**lights.DEFAULT_VALUE, "public": False},
                      "effective_from": TODAY}])
    builder.build(1)
    builder.indicators(1, published=False)
    t1 = builder.version.tasks.get(key="T1")
    do_rate_task(t1, "2026Q4", "red", AREAS, "内部判断：牵头单位推进不力", office_user)
    do_refresh_lights(builder.version, TODAY)
    html = client.get("/evaluation/public/").content.decode()
    assert t1.title in html and "已办结事项" in html
    assert "测试指标1" in html and "测试指标4" not in html          # the unpublished one stays out
    for secret in ("内部判断", "逾期", "落后序时进度", "红黄", "评定", 'class="light '):
        assert secret not in html


def test_public_page_shows_lights_without_reasons_when_the_rule_allows(client, builder):
    builder.work_items(2)
    do_ensure_rules([{**declared_row(lights.RULE_KEY), "version": 2, "value": {**lights.DEFAULT_VALUE, "public": True},
                      "effective_from": TODAY}])
    html = client.get("/evaluation/public/").content.decode()
    assert 'class="light light-red"' in html and "逾期" not in html


def test_public_page_masks_personal_data_in_task_titles(client, builder):
    """A plan sentence may name a contact person's phone: the public page masks it (core.privacy, the one function)."""
    builder.build(1)
    t1 = builder.version.tasks.get(key="T1")
    type(t1).objects.filter(pk=t1.pk).update(title="推进夜间经济（联系人手机13812341234，邮箱 a.b@example.com）")
    html = client.get("/evaluation/public/").content.decode()
    assert "推进夜间经济" in html and "13812341234" not in html and "138****1234" in html
    assert "a.b@example.com" not in html
