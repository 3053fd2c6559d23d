"""Quarterly likelihood-of-delivery ratings: office only, computed light beside the judgement, supersede, history."""
from __future__ import annotations

import datetime as dt

import pytest

from iccity.core import clock
from iccity.core.actions import ActionRefused
from iccity.evaluation import ratings
from iccity.evaluation.actions.ratings import do_rate_task
from iccity.evaluation.models import DeliveryRating
from iccity.orgs.models import Role

from .conftest import TODAY, make_user

pytestmark = pytest.mark.django_db
AREAS = {"planning": "green", "capacity": "amber_green", "stage": "amber_red", "evidence": "amber_green"}


def test_quarter_of_and_bounds():
    assert ratings.quarter_of(dt.date(2026, 11, 20)) == "2026Q4"
    assert ratings.quarter_of(dt.date(2026, 1, 1)) == "2026Q1"
    assert ratings.quarter_bounds("2026Q4") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert ratings.quarter_bounds("2026Q1") == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert ratings.previous_quarter("2026Q1") == "2025Q4"


def test_bad_quarter_is_refused_in_chinese():
    with pytest.raises(ActionRefused, match="季度格式不正确"):
        ratings.parse_quarter("2026-4")


def test_office_rating_stores_the_computed_light_beside_it(builder, office_user):
    t1 = builder.version.tasks.get(key="T1")
    builder.work_items(2, tasks=[t1])
    rating = do_rate_task(t1, "2026Q4", "amber_green", AREAS, "项目推进基本顺利", office_user)
    assert rating.computed_colour == "red"
    assert any("逾期" in r["text"] for r in rating.computed_reasons)
    assert rating.rated_by == office_user and rating.is_current


def test_only_the_office_may_rate(builder, leader_user):
    t1 = builder.version.tasks.get(key="T1")
    with pytest.raises(ActionRefused, match="只有领导小组办公室"):
        do_rate_task(t1, "2026Q4", "green", AREAS, "理由", leader_user)
    assert not DeliveryRating.objects.exists()


@pytest.mark.parametrize("change, message", [
    ({"level": "purple"}, "无效"),
    ({"areas": {**AREAS, "evidence": ""}}, "成效证据"),
    ({"reasoning": "  "}, "评定理由"),
    ({"quarter": "2027Q1"}, "尚未开始"),
])
def test_invalid_ratings_write_nothing(builder, office_user, change, message):
    t1 = builder.version.tasks.get(key="T1")
    args = {"quarter": "2026Q4", "level": "green", "areas": AREAS, "reasoning": "理由", **change}
    with pytest.raises(ActionRefused, match=message):
        do_rate_task(t1, args["quarter"], args["level"], args["areas"], args["reasoning"], office_user)
    assert not DeliveryRating.objects.exists()


def test_second_rating_in_a_quarter_supersedes_the_first_and_history_shows_changes(builder, office_user):
    t1 = builder.version.tasks.get(key="T1")
    with clock.travel(dt.date(2026, 9, 15)):
        q3 = do_rate_task(t1, "2026Q3", "amber_red", AREAS, "三季度问题较多", office_user)
    first = do_rate_task(t1, "2026Q4", "amber_green", AREAS, "初评", office_user)
    second = do_rate_task(t1, "2026Q4", "green", AREAS, "复评：项目已落地", office_user)
    assert second.supersedes == first
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert ratings.current_ratings(builder.version, "2026Q4") == {t1.pk: second}
    assert ratings.current_ratings(builder.version, "2026Q3") == {t1.pk: q3}
    rows = ratings.history(t1)
    assert [r.pk for r in rows] == [second.pk, first.pk, q3.pk]
    assert rows[0].change == 2 and rows[0].previous_level == "amber_red"   # amber_red → green
    assert rows[2].change is None


def test_rating_a_past_quarter_judges_the_light_on_its_last_day(builder, office_user):
    t1 = builder.version.tasks.get(key="T1")
    builder.work_items(2, tasks=[t1])  # overdue items have deadlines in Oct/Nov 2026
    rating = do_rate_task(t1, "2026Q2", "green", AREAS, "回顾", office_user)
    assert rating.computed_colour != "red"


def test_ratings_page_lists_tasks_with_light_and_rating(client, builder, office_user):
    t1 = builder.version.tasks.get(key="T1")
    do_rate_task(t1, "2026Q4", "amber_red", AREAS, "进展偏慢", office_user)
    client.force_login(office_user)
    html = client.get("/evaluation/ratings/?quarter=2026Q4").content.decode()
    assert 'id="task-%d"' % t1.pk in html and "红黄（问题较多）" in html and "重新评定" in html


def test_htmx_rating_form_saves_and_returns_the_row(client, builder, office_user):
    t1 = builder.version.tasks.get(key="T1")
    client.force_login(office_user)
    form = client.get(f"/evaluation/ratings/{t1.pk}/form/?quarter=2026Q4", HTTP_HX_REQUEST="true")
    assert 'name="reasoning"' in form.content.decode()
    data = {"quarter": "2026Q4", "level": "green", **AREAS, "reasoning": "有望完成"}
    response = client.post(f"/evaluation/ratings/{t1.pk}/", data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith("<tr") and "绿（有望完成）" in html
    assert DeliveryRating.objects.get().level == "green"


def test_htmx_rating_errors_come_back_into_the_form(client, builder, office_user):
    t1 = builder.version.tasks.get(key="T1")
    client.force_login(office_user)
    response = client.post(f"/evaluation/ratings/{t1.pk}/", {"quarter": "2026Q4", "level": "green", **AREAS},
                           HTTP_HX_REQUEST="true")
    assert response["HX-Retarget"] == f"#task-{t1.pk} td.rating-action"
    assert "这个字段是必填项" in response.content.decode() or "This field is required" in response.content.decode()
    assert not DeliveryRating.objects.exists()


def test_rating_without_javascript_redirects_back_to_the_list(client, builder, office_user):
    t1 = builder.version.tasks.get(key="T1")
    client.force_login(office_user)
    response = client.post(f"/evaluation/ratings/{t1.pk}/",
                           {"quarter": "2026Q4", "level": "green", **AREAS, "reasoning": "理由"})
    assert response.status_code == 302 and response["Location"].endswith("?quarter=2026Q4")


def test_units_cannot_see_or_post_ratings(client, builder, django_user_model):
    liaison = make_user(django_user_model, "liaison1", Role.LIAISON, unit=builder.units[0])
    client.force_login(liaison)
    t1 = builder.version.tasks.get(key="T1")
    assert client.get("/evaluation/ratings/").status_code == 403
    assert client.post(f"/evaluation/ratings/{t1.pk}/", {}).status_code == 403


def test_task_light_page_shows_explanation_transitions_and_rating_history(client, builder, office_user):
    from iccity.evaluation.actions.lights import do_refresh_lights

    t1 = builder.version.tasks.get(key="T1")
    builder.work_items(2, tasks=[t1])
    do_refresh_lights(builder.version, TODAY)
    do_rate_task(t1, "2026Q4", "amber_red", AREAS, "进展偏慢", office_user)
    client.force_login(office_user)
    html = client.get(f"/evaluation/tasks/{t1.pk}/").content.decode()
    assert "红：1 项事项逾期超过10个工作日" in html and "灯色变化记录" in html
    assert "进展偏慢" in html and "2026Q4" in html
