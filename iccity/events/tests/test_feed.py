"""The iCalendar feed follows RFC 5545 and is checked by parsing the raw bytes back."""
from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from iccity.core import clock
from iccity.events import actions
from iccity.events.models import Event
from iccity.places.models import Place

pytestmark = pytest.mark.django_db
D = dt.date
LONG_NOTE = ("第三十届杨柳青元宵灯会在大运河国家文化公园举办，共设四十余组灯组、三百五十架无人机表演，"
             "免费开放；请乘坐公共交通，停车场：机关停车位，社会停车场；现场有志愿者服务\\咨询。")


@pytest.fixture
def calendar_data():
    venue = Place.objects.create(name="梅江会展中心", kind="exhibition", address="友谊南路与外环线交口",
                                 latitude=39.05, longitude=117.2)
    lantern = actions.do_save_event(Event(name="杨柳青灯展", kind="lantern", date_rule="lunar", start_month=1,
                                          start_day=1, end_month=1, end_day=16, is_published=True,
                                          internal_note="内部：预算待批"), actor=None, created=True)
    occ_2027, occ_2028 = (actions.do_generate_occurrences(lantern, [y])[0] for y in (2027, 2028))
    actions.do_annotate_occurrence(occ_2027, note=LONG_NOTE)
    expo = actions.do_save_event(Event(name="中国国际矿业大会", kind="exhibition", venue=venue, is_published=True),
                                 actor=None, created=True)
    expo_occ = actions.do_add_occurrence(expo, starts_on=D(2027, 10, 20), ends_on=D(2027, 10, 22),
                                         internal_note="内部：场馆合同未签")
    draft = actions.do_save_event(Event(name="草稿活动不应公开", kind="other"), actor=None, created=True)
    actions.do_add_occurrence(draft, starts_on=D(2027, 5, 1), ends_on=D(2027, 5, 1))
    hidden = actions.do_add_occurrence(expo, starts_on=D(2028, 10, 20), ends_on=D(2028, 10, 22), is_published=False)
    return {"lantern": lantern, "occ_2027": occ_2027, "occ_2028": occ_2028, "expo_occ": expo_occ, "hidden": hidden}


def fetch(client) -> bytes:
    response = client.get("/events/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def parse(raw: bytes) -> dict:
    cal = Calendar.from_ical(raw)
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    return {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}


def test_lines_end_in_crlf_and_fold_at_75_octets_without_splitting_chinese(client, calendar_data):
    raw = fetch(client)
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    lines = raw.split(b"\r\n")[:-1]
    for line in lines:
        assert len(line) <= 75, line
        line.decode("utf-8")  # a multi-byte character cut in two would fail here
    folded = [line for line in lines if line.startswith(b" ") and any(b >= 0x80 for b in line)]
    assert folded, "the long Chinese description must be folded"
    ev = parse(raw)[calendar_data["occ_2027"].uid]
    assert LONG_NOTE in str(ev["DESCRIPTION"])  # commas, semicolons and backslashes survive the round trip


def test_each_event_has_uid_dtstamp_dates_and_status(client, calendar_data):
    with clock.travel(dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)):
        events = parse(fetch(client))
    ev = events[calendar_data["occ_2027"].uid]
    assert ev["DTSTAMP"].dt == dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)
    assert ev["DTSTART"].dt == D(2027, 2, 6) and ev["DTEND"].dt == D(2027, 2, 22)  # exclusive end
    assert "DURATION" not in ev
    assert str(ev["STATUS"]) == "TENTATIVE" and str(ev["SUMMARY"]) == "杨柳青灯展"
    expo = events[calendar_data["expo_occ"].uid]
    assert str(expo["STATUS"]) == "CONFIRMED"
    assert str(expo["LOCATION"]) == "梅江会展中心，友谊南路与外环线交口"
    assert expo["GEO"].latitude == pytest.approx(39.05) and expo["GEO"].longitude == pytest.approx(117.2)


def test_a_cancellation_stays_in_the_feed_with_a_higher_sequence(client, calendar_data):
    occ = calendar_data["occ_2028"]
    before = parse(fetch(client))[occ.uid]
    actions.do_cancel_occurrence(occ, reason="天气原因")
    after = parse(fetch(client))[occ.uid]
    assert str(after["STATUS"]) == "CANCELLED"
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert "天气原因" in str(after["DESCRIPTION"])


def test_every_change_through_actions_raises_the_sequence_and_it_never_falls(client, calendar_data):
    occ, lantern = calendar_data["occ_2027"], calendar_data["lantern"]
    seen = [int(parse(fetch(client))[occ.uid]["SEQUENCE"])]
    actions.do_confirm_occurrence(occ, edition="第30届")
    seen.append(int(parse(fetch(client))[occ.uid]["SEQUENCE"]))
    lantern.name = "杨柳青元宵灯会"
    actions.do_save_event(lantern, actor=None, created=False)
    ev = parse(fetch(client))[occ.uid]
    seen.append(int(ev["SEQUENCE"]))
    assert str(ev["SUMMARY"]) == "杨柳青元宵灯会"
    lantern.internal_note = "内部备注改了，订阅者看不到"
    actions.do_save_event(lantern, actor=None, created=False)
    seen.append(int(parse(fetch(client))[occ.uid]["SEQUENCE"]))
    assert seen[0] < seen[1] < seen[2] == seen[3]


def test_feed_hides_drafts_unpublished_editions_and_internal_notes(client, calendar_data):
    raw = fetch(client)
    text = Calendar.from_ical(raw).to_ical().decode("utf-8").replace("\r\n ", "")
    assert "草稿活动不应公开" not in text and "内部" not in text
    assert calendar_data["hidden"].uid not in parse(raw)


def test_the_uid_survives_regeneration(client, calendar_data):
    uid = calendar_data["occ_2027"].uid
    actions.do_generate_occurrences(calendar_data["lantern"], [2027])
    assert uid in parse(fetch(client))
