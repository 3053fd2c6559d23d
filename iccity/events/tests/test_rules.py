"""Yearly date rules, lunar and solar, become real dates; the loaded festivals match their published dates."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from iccity.core import clock
from iccity.core.actions import ActionRefused
from iccity.events import actions, initial_data
from iccity.events.lunar import lunar_to_solar
from iccity.events.models import Event, Occurrence

D = dt.date


def lunar_event(**kw) -> Event:
    base = dict(name="测试", kind="lantern", date_rule="lunar", start_month=1, start_day=1, end_month=1, end_day=16)
    return Event(**{**base, **kw})


@pytest.mark.parametrize("year, start, end", [
    (2025, D(2025, 1, 29), D(2025, 2, 13)),  # 28th lantern show, 初一–十六 (xiqing-facts §4)
    (2026, D(2026, 2, 17), D(2026, 3, 4)),   # 29th lit up on 初一 2026-02-17
    (2024, D(2024, 2, 10), D(2024, 2, 25)),
    (2027, D(2027, 2, 6), D(2027, 2, 21)),
    (2033, D(2033, 1, 31), D(2033, 2, 15)),  # Spring Festival 2033-01-31; lunar 2033 has the rare 闰十一月
])
def test_lantern_show_rule_gives_the_new_year_to_lantern_festival_span(year, start, end):
    assert lunar_event().occurrences(year) == [(start, end)]


@pytest.mark.parametrize("year, opening", [(2018, D(2018, 2, 8)), (2023, D(2023, 1, 14))])
def test_folk_festival_rule_starts_on_xiaonian_of_the_previous_lunar_year(year, opening):
    # 15th opened 2018-02-08 and 19th opened 2023-01-14 (xiqing-facts §4): both 腊月二十三
    [(start, end)] = lunar_event(start_month=12, start_day=23).occurrences(year)
    assert start == opening and end == lunar_event().occurrences(year)[0][1]


def test_leap_month_rule_uses_the_ordinary_month_in_years_without_it_and_clamps_day_30():
    assert lunar_to_solar(2025, 6, 1, leap=True) == D(2025, 7, 25)   # 2025 has 闰六月
    assert lunar_to_solar(2025, 6, 1, leap=False) == D(2025, 6, 25)
    assert lunar_to_solar(2024, 6, 1, leap=True) == lunar_to_solar(2024, 6, 1)  # no leap month in 2024
    assert lunar_to_solar(2025, 6, 30, leap=True) == D(2025, 8, 22)  # 闰六月 has 29 days


def test_solar_rule_across_the_new_year_ends_in_the_next_year():
    event = Event(name="跨年", kind="other", date_rule="solar", start_month=12, start_day=20, end_month=1, end_day=5)
    assert event.occurrences(2026) == [(D(2026, 12, 20), D(2027, 1, 5))]
    radish = Event(name="萝卜日", kind="harvest", date_rule="solar", start_month=11, start_day=18, end_month=11, end_day=18)
    assert radish.occurrences(2030) == [(D(2030, 11, 18), D(2030, 11, 18))]


@pytest.mark.django_db
def test_an_impossible_rule_is_refused_in_chinese_and_nothing_is_written():
    with pytest.raises(ActionRefused, match="月份须在1—12之间"):
        actions.do_save_event(lunar_event(start_month=13), actor=None, created=True)
    with pytest.raises(ActionRefused, match="公历日期不存在"):
        actions.do_save_event(Event(name="x", kind="other", date_rule="solar", start_month=2, start_day=30,
                                    end_month=3, end_day=1), actor=None, created=True)
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_generating_twice_keeps_the_uid_and_a_rule_change_raises_the_sequence():
    event = actions.do_save_event(lunar_event(), actor=None, created=True)
    [occ] = actions.do_generate_occurrences(event, [2027])
    assert actions.do_generate_occurrences(event, [2027]) == []
    uid, seq = occ.uid, occ.sequence
    event.end_day = 15
    actions.do_save_event(event, actor=None, created=False)
    actions.do_generate_occurrences(event, [2027])
    occ.refresh_from_db()
    assert occ.uid == uid and occ.ends_on == D(2027, 2, 20) and occ.sequence == seq + 1


@pytest.mark.django_db
def test_a_rescheduled_edition_is_not_overwritten_by_the_rule():
    event = actions.do_save_event(lunar_event(), actor=None, created=True)
    [occ] = actions.do_generate_occurrences(event, [2027])
    actions.do_reschedule_occurrence(occ, starts_on=D(2027, 2, 7), ends_on=D(2027, 2, 21), reason="主办方公告")
    actions.do_generate_occurrences(event, [2027])
    occ.refresh_from_db()
    assert occ.starts_on == D(2027, 2, 7)
    with pytest.raises(ActionRefused, match="早于"):
        actions.do_reschedule_occurrence(occ, starts_on=D(2027, 2, 7), ends_on=D(2027, 2, 1), reason="x")


@pytest.mark.django_db
def test_bootstrap_loads_real_editions_and_the_next_lantern_show():
    with clock.travel(D(2026, 11, 27)):
        initial_data.load(io.StringIO())
        initial_data.load(io.StringIO())  # safe twice
    lantern = Event.objects.get(name="杨柳青灯展")
    editions = {o.starts_on.year: o for o in lantern.occurrence_set.all()}
    assert sorted(editions) == [2019, 2024, 2025, 2026, 2027]  # none invented for 2020–2023
    assert (editions[2025].starts_on, editions[2025].ends_on, editions[2025].edition) == (D(2025, 1, 29), D(2025, 2, 13), "第28届")
    assert editions[2019].ends_on == D(2019, 2, 20)  # 正月十四–十六 that year
    assert editions[2027].status == "TENTATIVE" and editions[2027].edition == ""
    assert Occurrence.objects.filter(event__name="中国国际矿业大会").count() == 5
    assert Event.objects.get(name="中国国际矿业大会").venue is None  # places not loaded in this test
    assert not Occurrence.objects.filter(event__name="海河国际消费季").exists()
