"""Working-day calendar: package data, admin overrides, refusal for years without data, constant queries.

Holiday schedules used below, read from chinesecalendar 1.11.0 (State Council notices):
- 春节 2026: off Sun 15 Feb – Mon 23 Feb; 调休上班 Sat 14 Feb and Sat 28 Feb.
- 国庆 2025: off Wed 1 Oct – Wed 8 Oct (6 Oct is 中秋); 调休上班 Sun 28 Sep and Sat 11 Oct.
- 国庆 2026: off Thu 1 Oct – Wed 7 Oct; 调休上班 Sun 20 Sep and Sat 10 Oct (中秋 Fri 25 – Sun 27 Sep).
"""
import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from iccity.core.actions_calendar import (
    do_confirm_holiday_year,
    do_delete_holiday_override,
    do_set_holiday_override,
    do_unconfirm_holiday_year,
)
from iccity.core.calendar import (
    PACKAGE_FIRST_YEAR,
    PACKAGE_LAST_YEAR,
    CalendarDataMissing,
    OverrideDay,
    WorkdayCalendar,
)
from iccity.core.models import AuditEvent, HolidayOverride

D = dt.date
TEST_SOURCE = "测试数据（非真实通知）"


@pytest.fixture
def cal():
    """A calendar with no overrides, built without the database."""
    return WorkdayCalendar(overrides={}, covered_years=())


def test_package_covers_2004_to_2026_only():
    # chinesecalendar 1.11.0 (Nov 2025) carries notices up to 2026; 2027 must come from admins.
    assert (PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR) == (2004, 2026)


def test_spring_festival_2026(cal):
    assert cal.is_makeup_workday(D(2026, 2, 14)) and cal.is_workday(D(2026, 2, 14))
    for day in range(15, 24):
        assert cal.is_holiday(D(2026, 2, day)) and not cal.is_workday(D(2026, 2, day))
        assert cal.holiday_name(D(2026, 2, day)) == "春节"
    assert cal.is_workday(D(2026, 2, 24)) and not cal.is_holiday(D(2026, 2, 24))
    assert cal.is_makeup_workday(D(2026, 2, 28)) and cal.holiday_name(D(2026, 2, 28)) == "春节"
    # An ordinary weekend is a rest day but not a holiday.
    assert not cal.is_workday(D(2026, 3, 1)) and not cal.is_holiday(D(2026, 3, 1))
    assert cal.day_info(D(2026, 3, 1)).label == "周末"
    assert cal.day_info(D(2026, 2, 28)).label == "春节调休上班"


def test_national_day_2025_and_2026(cal):
    assert cal.is_makeup_workday(D(2025, 9, 28)) and cal.is_makeup_workday(D(2025, 10, 11))
    assert all(cal.is_holiday(D(2025, 10, d)) for d in range(1, 9))
    assert cal.holiday_name(D(2025, 10, 6)) == "中秋"  # 中秋 fell inside the National Day break in 2025
    assert cal.is_makeup_workday(D(2026, 9, 20)) and cal.is_makeup_workday(D(2026, 10, 10))
    assert all(cal.is_holiday(D(2026, 10, d)) for d in range(1, 8)) and cal.is_workday(D(2026, 10, 8))


def test_next_workday_skips_a_long_holiday(cal):
    assert cal.next_workday(D(2026, 9, 30)) == D(2026, 10, 8)
    assert cal.next_workday(D(2026, 10, 9)) == D(2026, 10, 10)  # the 调休 Saturday counts
    assert cal.next_workday(D(2026, 10, 8), inclusive=True) == D(2026, 10, 8)
    assert cal.previous_workday(D(2026, 10, 8)) == D(2026, 9, 30)


def test_add_workdays_across_spring_festival_2026(cal):
    # From Fri 13 Feb: Sat 14 (调休) 1, [15–23 off], 24 2, 25 3, 26 4, 27 5, Sat 28 (调休) 6, [Sun 1 Mar], Mon 2 Mar 7.
    assert cal.add_workdays(D(2026, 2, 13), 7) == D(2026, 3, 2)
    # From the 调休 Saturday itself (the day before the break): 24,25,26,27,28 = 5, Mon 2 Mar 6, Tue 3 Mar 7.
    assert cal.add_workdays(D(2026, 2, 14), 7) == D(2026, 3, 3)
    assert cal.add_workdays(D(2026, 3, 3), -7) == D(2026, 2, 14)
    assert cal.add_workdays(D(2026, 2, 14), 0) == D(2026, 2, 14)


def test_add_workdays_across_national_day(cal):
    # 2025, from Tue 30 Sep: [1–8 Oct off], Thu 9 1, Fri 10 2, Sat 11 (调休) 3, Mon 13 4, 14 5, 15 6, Thu 16 7.
    assert cal.add_workdays(D(2025, 9, 30), 7) == D(2025, 10, 16)
    # 2025, from Fri 26 Sep: [Sat 27 off], Sun 28 (调休) 1, 29 2, 30 3, Oct 9 4, 10 5, Sat 11 6, Mon 13 7.
    assert cal.add_workdays(D(2025, 9, 26), 7) == D(2025, 10, 13)
    # 2026, from Wed 30 Sep: [1–7 Oct off], Thu 8 1, Fri 9 2, Sat 10 (调休) 3, Mon 12 4, 13 5, 14 6, Thu 15 7.
    assert cal.add_workdays(D(2026, 9, 30), 7) == D(2026, 10, 15)


def test_workdays_between_is_the_inverse_of_add_workdays(cal):
    assert cal.workdays_between(D(2026, 2, 13), D(2026, 3, 2)) == 7
    assert cal.workdays_between(D(2026, 3, 2), D(2026, 2, 13)) == -7
    assert cal.workdays_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    for n in (1, 5, 20):
        assert cal.workdays_between(D(2025, 9, 26), cal.add_workdays(D(2025, 9, 26), n)) == n


def test_datetimes_use_the_local_date(cal):
    # 2026-10-07 17:00 UTC is 2026-10-08 01:00 in Tianjin: a working day.
    assert cal.is_workday(dt.datetime(2026, 10, 7, 17, 0, tzinfo=dt.UTC))


def test_year_without_data_is_refused(cal):
    with pytest.raises(CalendarDataMissing) as exc:
        cal.is_workday(D(2028, 3, 1))
    assert str(exc.value) == "2028年的法定节假日安排尚无数据，请在管理后台录入当年放假调休安排"
    # A walk that runs into a year without data is refused too, never guessed as Monday–Friday.
    with pytest.raises(CalendarDataMissing, match="2027年"):
        cal.add_workdays(D(2026, 12, 28), 7)
    with pytest.raises(CalendarDataMissing):
        WorkdayCalendar(overrides={}, covered_years=()).is_workday(D(2003, 5, 1))


def test_overrides_alone_do_not_cover_a_year_until_confirmed():
    overrides = {D(2027, 1, 1): OverrideDay("holiday", "元旦", TEST_SOURCE)}
    with pytest.raises(CalendarDataMissing):
        WorkdayCalendar(overrides=overrides, covered_years=()).is_workday(D(2027, 1, 1))
    cal = WorkdayCalendar(overrides=overrides, covered_years=[2027])
    # Mon 28 Dec 2026: 29 1, 30 2, 31 3, [Fri 1 Jan 2027 元旦 off, weekend], Mon 4 4, 5 5, 6 6, Thu 7 7.
    assert cal.add_workdays(D(2026, 12, 28), 7) == D(2027, 1, 7)


def test_an_ad_hoc_day_off_beats_the_package():
    cal = WorkdayCalendar(
        overrides={
            D(2026, 3, 12): OverrideDay("holiday", "临时放假", TEST_SOURCE),  # a Thursday
            D(2026, 2, 23): OverrideDay("workday", "", TEST_SOURCE),  # the package says 春节 off
        },
        covered_years=(),
    )
    assert cal.is_holiday(D(2026, 3, 12)) and cal.holiday_name(D(2026, 3, 12)) == "临时放假"
    assert cal.day_info(D(2026, 3, 12)).from_override
    assert cal.is_workday(D(2026, 2, 23)) and not cal.is_holiday(D(2026, 2, 23))
    # Mon 9 Mar 2026 + 4 working days: 10, 11, [12 off], 13, 16.
    assert cal.add_workdays(D(2026, 3, 9), 4) == D(2026, 3, 16)


@pytest.mark.django_db
def test_admin_actions_make_a_new_year_usable_and_are_audited():
    assert not WorkdayCalendar().covers_year(2027)
    do_set_holiday_override(date=D(2027, 1, 1), kind="holiday", name="元旦", source=TEST_SOURCE)
    row = do_set_holiday_override(date=D(2027, 1, 1), kind="holiday", name="元旦", source=TEST_SOURCE, note="改备注")
    assert HolidayOverride.objects.count() == 1 and row.note == "改备注"
    with pytest.raises(CalendarDataMissing):
        WorkdayCalendar().is_workday(D(2027, 1, 4))
    year = do_confirm_holiday_year(year=2027, source=TEST_SOURCE)
    cal = WorkdayCalendar()
    assert cal.is_holiday(D(2027, 1, 1)) and cal.is_workday(D(2027, 1, 4))
    assert cal.coverage_source(2027) == "管理后台录入并确认"
    do_delete_holiday_override(row)
    do_unconfirm_holiday_year(year)
    assert not WorkdayCalendar().covers_year(2027)
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "core.holidayoverride.created", "core.holidayoverride.updated", "core.holidayyear.confirmed",
        "core.holidayoverride.deleted", "core.holidayyear.unconfirmed",
    ]


@pytest.mark.django_db
def test_override_needs_a_source():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        do_set_holiday_override(date=D(2026, 3, 12), kind="holiday", name="临时放假", source="")
    assert not HolidayOverride.objects.exists()


@pytest.mark.django_db
def test_database_overrides_win():
    do_set_holiday_override(date=D(2026, 3, 12), kind="holiday", name="临时放假", source=TEST_SOURCE)
    assert WorkdayCalendar().is_holiday(D(2026, 3, 12))


@pytest.mark.django_db
def test_queries_stay_constant_over_60_days(django_assert_num_queries):
    do_set_holiday_override(date=D(2026, 3, 12), kind="holiday", name="临时放假", source=TEST_SOURCE)
    cal = WorkdayCalendar()
    start = D(2026, 2, 1)
    with django_assert_num_queries(2):  # overrides + confirmed years, loaded once
        flags = [cal.is_workday(start + dt.timedelta(days=i)) for i in range(60)]
        cal.add_workdays(start, 30)
        cal.workdays_between(start, start + dt.timedelta(days=59))
    # 1 Feb – 1 Apr 2026. Feb: 20 weekdays − 6 春节 weekdays (16–20, 23) + 2 调休 Saturdays (14, 28) = 16;
    # March: 22 weekdays − the override on Thu 12 = 21; Wed 1 Apr = 1. Total 38.
    assert flags.count(True) == 38


@pytest.mark.django_db
def test_admin_pages_save_through_actions(client, office_admin):
    client.force_login(office_admin)
    assert client.get("/admin/core/holidayoverride/").status_code == 200
    response = client.post("/admin/core/holidayoverride/add/", {
        "date": "2026-03-12", "kind": "holiday", "name": "临时放假", "source": TEST_SOURCE, "note": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEvent.objects.filter(action="core.holidayoverride.created", actor=office_admin).exists()
    response = client.post("/admin/core/holidayyear/add/", {"year": "2027", "source": TEST_SOURCE, "note": ""})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="core.holidayyear.confirmed").exists()


@pytest.mark.django_db
def test_calendar_command_show_and_check():
    out = StringIO()
    call_command("calendar", "show", "2026-10", stdout=out)
    text = out.getvalue()
    assert "2026年10月（工作日 18 天" in text
    assert "10-01 周四 休 国庆节放假" in text and "10-10 周六 班 国庆节调休上班" in text
    out = StringIO()
    call_command("calendar", "check", "2026", stdout=out)
    assert "2026年：已有节假日数据" in out.getvalue()
    with pytest.raises(CommandError, match="2027年的法定节假日安排尚无数据"):
        call_command("calendar", "check", "2027")
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("calendar", "show", "2026/10")
