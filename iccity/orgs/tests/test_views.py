"""Unit list and unit detail pages (factory plan; ``test_seed_*`` use the real Xiqing plan)."""
from __future__ import annotations

import pytest
from django.urls import reverse

from iccity.orgs.models import Unit
from iccity.plans.actions import XIQING_PLAN_SLUG
from iccity.plans.tests.factories import COLLECTIVE_NAME, make_plan


@pytest.fixture
def plan_v1(db):
    return make_plan("test-plan")


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_unit_list_groups_by_type_with_counts_and_verification(plan_v1, client):
    response = client.get(reverse("orgs:unit_list"))
    sections = {value: units for value, _, units in response.context["sections"]}
    assert [u.name for u in sections["town"]] == ["中北镇政府", "杨柳青镇政府"]
    commerce = next(u for u in sections["bureau"] if u.name == "区商务局")
    assert commerce.counts == {"lead": 3, "co": 0, "via": 0}     # T1, T2 and M1
    jinmenhu = sections["subdistrict"][0]
    assert jinmenhu.counts == {"lead": 0, "co": 1, "via": 1}     # only through the collective on T2
    html = response.content.decode()
    assert "区政府部门" in html and "集合（泛指多个单位）" in html and "已核实" in html
    assert "各街镇" in html                                         # alias


def test_unit_list_filters(plan_v1, client):
    Unit.objects.filter(name="区体育局").update(verified=False)
    html = page(client, reverse("orgs:unit_list") + "?q=体育")
    assert "区体育局" in html and "区商务局" not in html and "未核实" in html
    html = page(client, reverse("orgs:unit_list") + "?unit_type=company")
    assert "南站公司" in html and "区商务局" not in html
    assert "没有符合条件的单位" in page(client, reverse("orgs:unit_list") + "?q=不存在")


def test_unit_detail_lists_led_and_cooperated_tasks(plan_v1, client):
    unit = Unit.objects.get(name="区文旅局")
    response = client.get(reverse("orgs:unit_detail", args=[unit.pk]))
    entry = response.context["plans"][0]
    assert [a.task.key for a in entry["lead"]] == ["T3", "T4"]
    assert [a.task.key for a in entry["co"]] == ["T1", "M1"]
    assert "牵头任务（2）" in response.content.decode()


def test_unit_detail_shows_tasks_through_a_collective(plan_v1, client):
    town = Unit.objects.get(name="津门湖街道办事处")
    html = page(client, reverse("orgs:unit_detail", args=[town.pk]))
    assert "打造便民社区商圈" in html and f"经由 {COLLECTIVE_NAME}" in html
    assert "所属集合" in html


def test_collective_detail_lists_its_members(plan_v1, client):
    collective = Unit.objects.get(name=COLLECTIVE_NAME)
    html = page(client, reverse("orgs:unit_detail", args=[collective.pk]))
    assert "全部镇和街道" in html and "中北镇政府" in html and "津门湖街道办事处" in html


def test_unit_pages_use_only_the_latest_version(plan_v1, client):
    v2 = make_plan(number=2, plan=plan_v1.plan)
    v2.tasks.get(key="T3").delete()
    unit = Unit.objects.get(name="区文旅局")
    response = client.get(reverse("orgs:unit_detail", args=[unit.pk]))
    assert [a.task.key for a in response.context["plans"][0]["lead"]] == ["T4"]
    assert response.context["plans"][0]["version"] == v2


def test_unit_without_tasks_and_unknown_unit(db, client):
    unit = Unit.objects.create(name="区孤立局", unit_type="bureau")
    assert "没有分配给该单位的任务" in page(client, reverse("orgs:unit_detail", args=[unit.pk]))
    assert client.get(reverse("orgs:unit_detail", args=[9999])).status_code == 404


def test_seed_unit_pages(xiqing_plan, client):
    commerce = Unit.objects.get(name="区商务局")
    html = page(client, reverse("orgs:unit_detail", args=[commerce.pk]))
    assert "做强区域核心商圈" in html and "牵头任务（" in html
    town = Unit.objects.get(name="中北镇政府")
    html = page(client, reverse("orgs:unit_detail", args=[town.pk]))
    assert "经由 各镇人民政府和街道办事处" in html and "开发大运河水岸资源" in html
    assert reverse("plans:overview", args=[XIQING_PLAN_SLUG]) in html
    listing = page(client, reverse("orgs:unit_list"))
    assert "领导小组各成员单位" in listing and "未核实" in listing
