"""The read-only JSON API under /api/ (plans and units routers) and its offline docs."""
from __future__ import annotations

import re

import pytest

from iccity.orgs.models import Unit
from iccity.plans.actions import XIQING_PLAN_SLUG

from .factories import COLLECTIVE_NAME, make_plan

SLUG = "test-plan"


@pytest.fixture
def plan_v1(db):
    return make_plan(SLUG)


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.json()


def test_plan_list_and_detail(plan_v1, client):
    plans = get(client, "/api/plans/")
    assert plans == [{"slug": SLUG, "name": plan_v1.plan.name, "report_cycle": "monthly", "current_version": 1,
                      "url": f"/plans/{SLUG}/"}]
    make_plan(number=2, plan=plan_v1.plan)
    detail = get(client, f"/api/plans/{SLUG}")
    assert [v["number"] for v in detail["versions"]] == [2, 1]
    assert detail["versions"][1]["is_baseline"] and detail["current_version"] == 2
    assert [g["year"] for g in detail["goals"]] == [2025, 2027]
    assert detail["groups"][0] == {"number": 1, "title": "提升载体能级，打造区域地标商圈"}
    get(client, "/api/plans/nope", status=404)


def test_tasks_of_a_version_with_filters(plan_v1, client):
    tasks = get(client, f"/api/plans/{SLUG}/tasks")
    assert [t["key"] for t in tasks] == ["T1", "T2", "T3", "T4", "M1"]
    t1 = tasks[0]
    assert t1["units"][0]["unit"] == "区商务局" and t1["units"][0]["role"] == "lead"
    assert [u["position"] for u in t1["units"]] == [1, 2, 3, 4]
    t2_collective = tasks[1]["units"][2]
    assert t2_collective["unit"] == COLLECTIVE_NAME and len(t2_collective["members"]) == 3
    assert [t["key"] for t in get(client, f"/api/plans/{SLUG}/tasks?group=2")] == ["T3", "T4"]
    assert [t["key"] for t in get(client, f"/api/plans/{SLUG}/tasks?kind=guarantee")] == ["M1"]
    assert [t["key"] for t in get(client, f"/api/plans/{SLUG}/tasks?unit=区委宣传部")] == ["T3", "T4"]
    town = Unit.objects.get(name="津门湖街道办事处")
    assert [t["key"] for t in get(client, f"/api/plans/{SLUG}/tasks?unit={town.pk}")] == ["T2"]   # via the collective
    assert [t["key"] for t in get(client, f"/api/plans/{SLUG}/tasks?unit=各街镇")] == ["T2"]       # by alias
    get(client, f"/api/plans/{SLUG}/tasks?version=5", status=404)


def test_task_detail(plan_v1, client):
    task = get(client, f"/api/plans/{SLUG}/tasks/t1")
    assert task["key"] == "T1" and task["version"] == 1 and task["group"] == 1
    assert task["measures"] == ["第一句举措。", "第二句举措，到2027年达到10个。"]
    assert task["targets"][0]["value"] == 10 and task["targets"][0]["year"] == 2027
    assert task["units"][1]["role_source"] == "default"
    get(client, f"/api/plans/{SLUG}/tasks/T99", status=404)


def test_assignments_with_filters(plan_v1, client):
    rows = get(client, f"/api/plans/{SLUG}/assignments")
    assert len(rows) == 13 + 2 and all(r["via"] == "" for r in rows)
    leads = get(client, f"/api/plans/{SLUG}/assignments?role=lead")
    assert [(r["task"], r["unit"]) for r in leads] == [("T1", "区商务局"), ("T2", "区商务局"), ("T3", "区文旅局"),
                                                       ("T4", "区文旅局"), ("M1", "区商务局")]
    assert [r["unit"] for r in get(client, f"/api/plans/{SLUG}/assignments?task=T3")] == ["区文旅局", "区委宣传部", "杨柳青镇政府"]
    expanded = get(client, f"/api/plans/{SLUG}/assignments?task=T2&expanded=true")
    assert {r["unit"] for r in expanded if r["via"] == COLLECTIVE_NAME} == {"中北镇政府", "杨柳青镇政府", "津门湖街道办事处"}
    assert [r["task"] for r in get(client, f"/api/plans/{SLUG}/assignments?unit=区体育局")] == ["T2", "T4"]


def test_units_list_and_detail(plan_v1, client):
    units = get(client, "/api/units/")
    assert len(units) == 9
    commerce = next(u for u in units if u["name"] == "区商务局")
    assert (commerce["lead_tasks"], commerce["co_tasks"], commerce["unit_type_label"]) == (3, 0, "区政府部门")
    assert [u["name"] for u in get(client, "/api/units/?unit_type=town")] == ["中北镇政府", "杨柳青镇政府"]
    assert [u["name"] for u in get(client, "/api/units/?q=街镇")] == [COLLECTIVE_NAME]     # alias match
    town = Unit.objects.get(name="津门湖街道办事处")
    detail = get(client, f"/api/units/{town.pk}")
    assert detail["assignments"] == [{"plan": SLUG, "version": 1, "task": "T2", "task_title": "打造便民社区商圈",
                                      "role": "co", "role_source": "expanded", "via": COLLECTIVE_NAME}]
    collective = get(client, f"/api/units/{Unit.objects.get(name=COLLECTIVE_NAME).pk}")
    assert collective["members"] == ["中北镇政府", "杨柳青镇政府", "津门湖街道办事处"]
    get(client, "/api/units/99999", status=404)


def test_api_docs_load_offline(db, client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html), "API 文档页引用了外部资源"
    schema = get(client, "/api/openapi.json")
    assert "/api/plans/{slug}/tasks" in schema["paths"] and "/api/units/" in schema["paths"]
    assert "任务编号" in str(schema["components"])          # Chinese field descriptions


def test_seed_api_has_21_tasks_and_lead_units(xiqing_plan, client):
    tasks = get(client, f"/api/plans/{XIQING_PLAN_SLUG}/tasks?kind=task")
    assert len(tasks) == 21
    assert tasks[0]["units"][0] == {**tasks[0]["units"][0], "unit": "区商务局", "role": "lead", "position": 1}
    assert len(get(client, f"/api/plans/{XIQING_PLAN_SLUG}/assignments?role=lead")) == 27
