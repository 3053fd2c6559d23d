"""Public calendar pages show published content only, and link to consumption impact only when data exists."""
from __future__ import annotations

import datetime as dt

import pytest

from iccity.core import clock
from iccity.events import actions, impact
from iccity.events.models import Event

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def events():
    lantern = actions.do_save_event(Event(name="杨柳青灯展", kind="lantern", date_rule="lunar", start_month=1,
                                          start_day=1, end_month=1, end_day=16, is_published=True,
                                          internal_note="内部：安保方案未定"), actor=None, created=True)
    actions.do_generate_occurrences(lantern, [2026, 2027])
    draft = actions.do_save_event(Event(name="未公开的草稿活动", kind="other"), actor=None, created=True)
    actions.do_add_occurrence(draft, starts_on=D(2027, 3, 1), ends_on=D(2027, 3, 2))
    expo = actions.do_save_event(Event(name="车展", kind="exhibition", is_published=True), actor=None, created=True)
    actions.do_add_occurrence(expo, starts_on=D(2027, 4, 1), ends_on=D(2027, 4, 3), internal_note="内部：合同未签")
    actions.do_add_occurrence(expo, starts_on=D(2027, 9, 1), ends_on=D(2027, 9, 3), note="未公开场次",
                              is_published=False)
    return {"lantern": lantern, "draft": draft, "expo": expo}


def test_calendar_lists_the_next_lantern_show_and_hides_drafts_and_internal_notes(client, events):
    with clock.travel(D(2026, 11, 27)):
        html = client.get("/events/").content.decode()
    assert "2027-02-06 — 2027-02-21" in html and "杨柳青灯展" in html
    assert "2026-02-17" in html  # the past edition is listed under 近期已举办
    assert "未公开的草稿活动" not in html and "未公开场次" not in html and "内部" not in html
    assert "按规则推算，待确认" in html


def test_cancelled_edition_is_shown_struck_through(client, events):
    occ = events["expo"].occurrence_set.get(starts_on=D(2027, 4, 1))
    actions.do_cancel_occurrence(occ, reason="场馆检修")
    with clock.travel(D(2026, 11, 27)):
        html = client.get("/events/").content.decode()
    assert "<s>车展</s>" in html and "已取消" in html
    with pytest.raises(Exception, match="已经取消"):
        actions.do_cancel_occurrence(occ, reason="again")


def test_event_page_of_a_draft_is_404_and_published_page_hides_internal_note(client, events):
    assert client.get(events["draft"].get_absolute_url()).status_code == 404
    html = client.get(events["lantern"].get_absolute_url()).content.decode()
    assert "每年农历正月初一至正月十六" in html and "安保方案" not in html


def test_event_page_links_the_plan_task(client, events, xiqing_plan):
    lantern = events["lantern"]
    lantern.task_key = "T4"
    actions.do_save_event(lantern, actor=None, created=False)
    html = client.get(lantern.get_absolute_url()).content.decode()
    assert "激活民俗文化资源" in html


def test_api_lists_public_occurrences_only(client, events):
    rows = client.get("/api/events/occurrences?start=2027-01-01").json()
    names = {r["name"] for r in rows}
    assert names == {"杨柳青灯展", "车展"} and all(r["uid"] for r in rows)
    assert all(r["note"] != "未公开场次" for r in rows)


def test_no_impact_link_when_no_app_registered_impact_data(events, monkeypatch):
    occ = events["lantern"].occurrence_set.first()
    monkeypatch.setattr(impact, "impact_data", [])
    assert impact.impact_url(occ) == ""


def test_impact_link_when_consumption_has_data_for_the_dates(events, monkeypatch):
    occ = events["lantern"].occurrence_set.get(year=2027)
    asked = []
    monkeypatch.setattr(impact, "impact_data", [lambda start, end: asked.append((start, end)) or start.year == 2027])
    monkeypatch.setattr(impact, "reverse", lambda name: "/consumption/impact/")
    assert impact.impact_url(occ) == "/consumption/impact/?start=2027-02-06&end=2027-02-21"
    assert asked == [(D(2027, 2, 6), D(2027, 2, 21))]
    other = events["lantern"].occurrence_set.get(year=2026)
    assert impact.impact_url(other) == ""


def test_a_failing_impact_check_hides_the_link_instead_of_breaking_the_page(client, events, monkeypatch):
    def boom(start, end):
        raise RuntimeError("engine down")
    monkeypatch.setattr(impact, "impact_data", [boom])
    assert client.get("/events/").status_code == 200


def test_event_sources_read_as_a_list_with_links_and_confidence_in_words(client, events):
    lantern = events["lantern"]
    lantern.sources = ("第28届 2025-01-29至02-13 — https://news.example.cn/a/1（medium-high）\n"
                       "历年日期 — http://a.example.cn/1 ; http://b.example.cn/2（low-medium）\n"
                       "区文旅局口头确认")
    actions.do_save_event(lantern, actor=None, created=False)
    html = client.get(lantern.get_absolute_url()).content.decode()
    assert '<a href="https://news.example.cn/a/1"' in html and '<a href="http://b.example.cn/2"' in html
    assert "可信度：中高" in html and "可信度：中低" in html and "区文旅局口头确认" in html
    # a <pre> kept long addresses on one line, 844 px wide on a phone
    assert "medium" not in html and "<pre" not in html
