"""The consumption dashboard and the event-impact page: readable without JavaScript (tables next to each chart),
Chinese errors for bad input, and the URL contract the events app links to."""
from __future__ import annotations

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
    assert "杨柳青古镇商圈" in html and "示例" in html
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
    response = client.get(url, {"start": "2024-02-24", "end": "2024-02-25", "districts": "杨柳青古镇商圈"})
    html = response.content.decode()
    assert response.status_code == 200, html
    for label in ("同星期中位数（前8周）", "上年同农历日期", "对照商圈双重差分", "合成对照"):
        assert label in html
    result = response.context["result"]
    assert result.districts == ["杨柳青古镇商圈"] and "中北商圈" in result.comparison
    weekday = next(m for m in result.methods if m.key == "weekday_median")
    assert weekday.estimate is not None
    lunar = next(m for m in result.methods if m.key == "lunar_prev_year")
    assert lunar.estimate is None and "数据不足" in lunar.note     # no 2023 data in the lake
    assert 'id="impact-data"' in html and "每日实际消费与各基线" in html


@pytest.mark.parametrize("params,message", [
    ({"start": "2024-02-25", "end": "2024-02-24", "districts": "杨柳青古镇商圈"}, "活动开始日期晚于结束日期"),
    ({"start": "2024-02-24", "end": "2024-02-25", "districts": " , "}, "请至少填写一个受活动影响的商圈"),
    ({"start": "24/02/2024", "end": "2024-02-25", "districts": "杨柳青古镇商圈"}, "日期格式应为"),
])
def test_impact_page_rejects_bad_input_in_chinese(client, params, message):
    response = client.get(reverse("consumption:impact"), params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_impact_page_names_unknown_districts(client, lake):
    response = client.get(reverse("consumption:impact"),
                          {"start": "2024-02-24", "end": "2024-02-25", "districts": "不存在商圈，杨柳青古镇商圈"})
    assert response.status_code == 400
    assert "没有这些商圈的数据：不存在商圈" in response.content.decode()
