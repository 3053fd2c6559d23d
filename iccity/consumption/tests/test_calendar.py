import datetime as dt

import pytest

from iccity.consumption.calendar_dim import calendar_table
from iccity.core.models_calendar import HolidayOverride

D = dt.date


def rows(start, end):
    return {r["date"]: r for r in calendar_table(start, end).to_pylist()}


@pytest.mark.django_db
def test_spring_festival_2024_holidays_and_makeup_working_days():
    cal = rows(D(2024, 2, 1), D(2024, 2, 29))
    for day in range(10, 18):
        assert cal[D(2024, 2, day)]["is_holiday"] and not cal[D(2024, 2, day)]["is_workday"]
    for makeup in (D(2024, 2, 4), D(2024, 2, 18)):  # Sundays worked
        r = cal[makeup]
        assert (r["weekday"], r["is_weekend"], r["is_makeup_workday"], r["is_workday"]) == (7, True, True, True)
        assert r["holiday_name"] == "春节"
    assert cal[D(2024, 2, 10)]["festival"] == "春节" and cal[D(2024, 2, 9)]["festival"] == "除夕"
    assert cal[D(2024, 2, 10)]["data_status"] == "official"


@pytest.mark.django_db
def test_spring_festival_2025_includes_new_eve_and_makeup_days():
    cal = rows(D(2025, 1, 20), D(2025, 2, 15))
    assert cal[D(2025, 1, 28)]["is_holiday"] and cal[D(2025, 1, 28)]["festival"] == "除夕"
    assert cal[D(2025, 1, 29)]["lunar_label"] == "正月初一"
    assert cal[D(2025, 2, 4)]["is_holiday"] and not cal[D(2025, 2, 5)]["is_holiday"]
    assert cal[D(2025, 1, 26)]["is_makeup_workday"] and cal[D(2025, 2, 8)]["is_makeup_workday"]


@pytest.mark.django_db
@pytest.mark.parametrize("lantern", [D(2024, 2, 24), D(2025, 2, 12), D(2026, 3, 3)])
def test_lantern_festival_follows_the_lunar_calendar(lantern):
    cal = rows(lantern - dt.timedelta(days=20), lantern + dt.timedelta(days=3))
    r = cal[lantern]
    assert (r["festival"], r["lunar_month"], r["lunar_day"], r["lunar_label"]) == ("元宵", 1, 15, "正月十五")
    assert "灯会" in r["festival_window"].split(",")
    assert "灯会" not in cal[lantern + dt.timedelta(days=2)]["festival_window"]
    new_year = lantern - dt.timedelta(days=14)
    assert cal[new_year]["festival_window"] == "春节,灯会"
    assert cal[new_year - dt.timedelta(days=1)]["festival_window"] == "春节"


@pytest.mark.django_db
def test_years_without_holiday_data_are_unknown_not_guessed():
    r = rows(D(2027, 10, 1), D(2027, 10, 1))[D(2027, 10, 1)]
    assert r["data_status"] == "unknown"
    assert (r["is_holiday"], r["is_makeup_workday"], r["is_workday"]) == (None, None, None)
    assert r["weekday"] == 5 and r["lunar_label"]  # weekday and lunar date are still known


@pytest.mark.django_db
def test_admin_override_covers_a_year_without_package_data():
    HolidayOverride.objects.create(date=D(2027, 10, 1), kind="holiday", name="国庆节", source="测试通知")
    r = rows(D(2027, 10, 1), D(2027, 10, 1))[D(2027, 10, 1)]
    assert (r["data_status"], r["is_holiday"], r["holiday_name"]) == ("override", True, "国庆节")


@pytest.mark.django_db
def test_leap_month_is_marked():
    r = rows(D(2023, 3, 22), D(2023, 3, 22))[D(2023, 3, 22)]  # 闰二月初一, 2023
    assert (r["is_leap_month"], r["lunar_month"], r["lunar_label"]) == (True, 2, "闰二月初一")


@pytest.mark.django_db
def test_ensure_calendar_extends_the_visible_table(tmp_path):
    from iccity.consumption import storage
    from iccity.consumption.calendar_dim import ensure_calendar
    import pyarrow.parquet as pq

    ensure_calendar(D(2024, 1, 1), D(2024, 1, 31))
    files = ensure_calendar(D(2024, 3, 1), D(2024, 3, 31))
    dates = pq.read_table(files[0]).column("date").to_pylist()
    assert (dates[0], dates[-1], len(dates)) == (D(2024, 1, 1), D(2024, 3, 31), 91)
    assert files == storage.visible_files("calendar")


@pytest.mark.django_db
@pytest.mark.parametrize("start,end", [(D(2023, 1, 1), D(2023, 12, 31)),  # 闰二月
                                       (D(2033, 10, 1), D(2034, 3, 31))])  # 闰十一月 across the solar new year
def test_lunar_columns_match_lunar_python_day_by_day(start, end):
    from lunar_python import Solar

    day = start
    table = rows(start, end)
    while day <= end:
        lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
        r = table[day]
        assert (r["lunar_year"], r["lunar_month"], r["lunar_day"], r["is_leap_month"], r["lunar_label"]) == (
            lunar.getYear(), abs(lunar.getMonth()), lunar.getDay(), lunar.getMonth() < 0,
            f"{lunar.getMonthInChinese()}月{lunar.getDayInChinese()}"), day
        day += dt.timedelta(days=1)


@pytest.mark.django_db
def test_festivals_fall_on_lunar_python_dates():
    from lunar_python import Lunar

    from iccity.consumption.calendar_dim import DEFAULT_FESTIVAL_RULES

    table = rows(D(2024, 1, 1), D(2030, 12, 31))
    for rule in DEFAULT_FESTIVAL_RULES["festivals"]:
        for lunar_year in range(2024, 2030):
            solar = Lunar.fromYmd(lunar_year, *rule["anchor"]).getSolar()
            day = D(solar.getYear(), solar.getMonth(), solar.getDay()) + dt.timedelta(days=rule["offset"])
            assert table[day]["festival"] == rule["name"], (rule, lunar_year)
