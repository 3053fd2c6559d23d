"""The consumption dashboard and the event-impact page: readable without JavaScript (tables next to each chart),
Chinese errors for bad input, and the URL contract the events app links to."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signed_in(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("analyst"))


def test_the_feeds_are_not_public(client):
    client.logout()
    for name in ("consumption:dashboard", "consumption:impact"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_dashboard_without_data_says_how_to_load_it(client):
    response = client.get(reverse("consumption:dashboard"))
    assert response.status_code == 200
    assert "尚无消费数据" in response.content.decode()


def test_dashboard_shows_spend_by_district_hourly_night_share_and_origin(client, lake):
    response = client.get(reverse("consumption:dashboard"), {"start": "2024-02-01", "end": "2024-02-29"})
    html = response.content.decode()
    assert response.status_code == 200
    for heading in ("各商圈消费额", "分时段消费曲线", "夜间消费占比走势", "外来消费占比"):
        assert heading in html
    assert "杨柳青大运河国家文化公园文旅商圈" in html and "示例" in html
    assert str(response.context["start"]) == "2024-02-01" and str(response.context["end"]) == "2024-02-29"
    district = response.context["charts"]["district"]
    assert district["values"] == sorted(district["values"], reverse=True)
    assert len(response.context["hour_rows"]) == 24
    assert len(response.context["night_rows"]) == 29          # one business day each
    data = json.loads(re.search(r'id="hourly-data"[^>]*>(.*?)</script>', html, re.S)[1])
    assert len(data["values"]) == 24
    assert "vendor/echarts/echarts.min.js" in html and "cdn" not in html.lower()


def test_impact_page_shows_every_baseline_for_the_requested_window(client, lake):
    url = reverse("consumption:impact")
    response = client.get(url, {"start": "2024-02-24", "end": "2024-02-25", "districts": "杨柳青大运河国家文化公园文旅商圈"})
    html = response.content.decode()
    assert response.status_code == 200, html
    for label in ("同星期中位数（前8周）", "上年同农历日期", "对照商圈双重差分", "合成对照"):
        assert label in html
    result = response.context["result"]
    assert result.districts == ["杨柳青大运河国家文化公园文旅商圈"] and "中北商圈" in result.comparison
    weekday = next(m for m in result.methods if m.key == "weekday_median")
    assert weekday.estimate is not None
    lunar = next(m for m in result.methods if m.key == "lunar_prev_year")
    assert lunar.estimate is None and "数据不足" in lunar.note     # no 2023 data in the lake
    assert 'id="impact-data"' in html and "每日实际消费与各基线" in html


@pytest.mark.parametrize("params,message", [
    ({"start": "2024-02-25", "end": "2024-02-24", "districts": "杨柳青大运河国家文化公园文旅商圈"}, "活动开始日期晚于结束日期"),
    ({"start": "2024-02-24", "end": "2024-02-25", "districts": ""}, "请至少选择一个受活动影响的商圈"),
    ({"start": "24/02/2024", "end": "2024-02-25", "districts": "杨柳青大运河国家文化公园文旅商圈"}, "日期格式应为"),
])
def test_impact_page_rejects_bad_input_in_chinese(client, params, message):
    response = client.get(reverse("consumption:impact"), params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_impact_page_refuses_a_district_that_is_not_offered(client, lake):
    response = client.get(reverse("consumption:impact"),
                          {"start": "2024-02-24", "end": "2024-02-25",
                           "districts": ["不存在商圈", "杨柳青大运河国家文化公园文旅商圈"]})
    assert response.status_code == 400
    assert "商圈“不存在商圈”不在可选范围内" in response.content.decode()


def test_impact_page_offers_the_districts_as_a_multi_select(client, lake):
    response = client.get(reverse("consumption:impact"))
    html = response.content.decode()
    assert response.status_code == 200
    select = re.search(r'<select name="districts"[^>]*multiple[^>]*>(.*?)</select>', html, re.S)
    assert select and "中北商圈" in select[1] and "南站商圈" in select[1]


def test_a_well_formed_question_without_data_answers_200_in_chinese(client):
    response = client.get(reverse("consumption:impact"), {"start": "2024-02-24", "end": "2024-02-25"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "请选择受活动影响的商圈" in html and 'value="2024-02-24"' in html and 'value="2024-02-25"' in html


def test_the_link_from_an_event_opens_with_its_district_and_dates_and_a_result(client, lake):
    from iccity.events import actions as event_actions
    from iccity.events.impact import impact_url
    from iccity.events.models import Event
    from iccity.places.actions import do_load_places
    from iccity.places.models import Place

    do_load_places({"place": [
        {"name": "杨柳青大运河国家文化公园文旅商圈", "kind": "district"},
        {"name": "石家大院", "kind": "scenic", "district": "杨柳青大运河国家文化公园文旅商圈"}]})
    show = event_actions.do_save_event(Event(name="元宵灯会", kind="lantern", is_published=True,
                                             venue=Place.objects.get(name="石家大院")), actor=None, created=True)
    occ = event_actions.do_add_occurrence(show, starts_on=dt.date(2024, 2, 24), ends_on=dt.date(2024, 2, 25))
    url = impact_url(occ)
    assert url.startswith(reverse("consumption:impact"))
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200, html
    assert response.context["result"].districts == ["杨柳青大运河国家文化公园文旅商圈"]
    assert 'value="2024-02-24"' in html and 'value="2024-02-25"' in html
    assert re.search(r'<option value="杨柳青大运河国家文化公园文旅商圈"[^>]*selected', html)
