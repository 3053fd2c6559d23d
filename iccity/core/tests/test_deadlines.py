"""Deadline engine, worked by hand in the comments (schedules from chinesecalendar 1.11.0, see test_calendar.py).

March 2026 has no holidays: Mon 2, 9, 16, 23, 30 Mar. April 2026: 清明 Sat 4 – Mon 6 Apr.
"""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from iccity.core.calendar import CalendarDataMissing, OverrideDay, WorkdayCalendar
from iccity.core.deadlines import (
    DeadlineRule,
    compute_deadline,
    deadline_for,
    deadline_moment,
    remaining,
    rule_from_value,
)
from iccity.core.models import Rule

D = dt.date
TJ = ZoneInfo("Asia/Shanghai")
SEVEN_WD = DeadlineRule("working_days", 7)
SIXTY_DAYS = DeadlineRule("calendar_days", 60)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TJ)


@pytest.fixture
def cal():
    return WorkdayCalendar(overrides={}, covered_years=())


# -- rules from values ------------------------------------------------------------------------------------------------


def test_rule_from_value_defaults_and_aliases():
    rule = rule_from_value({"unit": "working_days", "amount": 7, "start": "next_day"})
    assert (rule.unit, rule.amount, rule.start, rule.roll_to_workday) == ("working_days", 7, "next_day", False)
    assert rule.describe() == "7个工作日（自收到次日起算）"
    sixty = rule_from_value({"unit": "calendar_day", "amount": 60, "note": "六十日"})
    assert (sixty.unit, sixty.start, sixty.roll_to_workday) == ("calendar_days", "next_day", True)
    assert sixty.extra == {"note": "六十日"}
    minutes = rule_from_value({"unit": "minute_24x7", "amount": 15})
    assert (minutes.unit, minutes.start) == ("minutes_24x7", "same_moment")
    assert rule_from_value({"working_days": 3}) == DeadlineRule("working_days", 3)  # shorthand used in test_rules


@pytest.mark.parametrize("value, message", [
    ({"unit": "weeks", "amount": 2}, "未知的期限单位"),
    ({"unit": "working_days"}, "缺少 amount"),
    ({"unit": "working_days", "amount": "7"}, "正整数"),
    ({"unit": "working_days", "amount": 0}, "正整数"),
    ({"unit": "working_days", "amount": 7, "start": "tomorrow"}, "起算方式"),
    ({"unit": "minutes_24x7", "amount": 15, "start": "next_day"}, "same_moment"),
    ({"unit": "hours_24x7", "amount": 2, "roll_to_workday": True}, "不顺延"),
    ({"amount": 7}, "缺少 unit"),
    ([7], "字典"),
])
def test_malformed_rule_values_are_refused(value, message):
    with pytest.raises(ValueError, match=message):
        rule_from_value(value)


# -- working days -----------------------------------------------------------------------------------------------------


def test_seven_working_days_from_the_day_before_spring_festival_2026(cal):
    # Received on the 调休 Saturday 14 Feb (the last working day before the break), 10:00:
    # [15–23 Feb off] 24 1, 25 2, 26 3, 27 4, Sat 28 (调休) 5, [Sun 1 Mar] Mon 2 6, Tue 3 Mar 7.
    assert compute_deadline(at(2026, 2, 14, 10, 0), SEVEN_WD, calendar=cal) == D(2026, 3, 3)


def test_seven_working_days_from_the_day_before_national_day(cal):
    # 2025: Tue 30 Sep → [1–8 Oct] 9, 10, Sat 11 (调休), 13, 14, 15, Thu 16 Oct.
    assert compute_deadline(D(2025, 9, 30), SEVEN_WD, calendar=cal) == D(2025, 10, 16)
    # 2026: Wed 30 Sep → [1–7 Oct] 8, 9, Sat 10 (调休), 12, 13, 14, Thu 15 Oct.
    assert compute_deadline(D(2026, 9, 30), SEVEN_WD, calendar=cal) == D(2026, 10, 15)


def test_receipt_late_in_the_evening_uses_the_local_date(cal):
    # 2026-10-09 16:30 UTC is Sat 10 Oct 00:30 in Tianjin (a 调休 working day, not counted as the receipt day):
    # 12 1, 13 2, 14 3, 15 4, 16 5, 19 6, Tue 20 Oct 7.
    received = dt.datetime(2026, 10, 9, 16, 30, tzinfo=dt.UTC)
    assert compute_deadline(received, SEVEN_WD, calendar=cal) == D(2026, 10, 20)
    # Counted from Fri 9 Oct it would have been Mon 19 Oct (10 is a 调休 working day).
    assert compute_deadline(D(2026, 10, 9), SEVEN_WD, calendar=cal) == D(2026, 10, 19)
    # A request that activated another time zone does not move legal deadlines off Tianjin time.
    with timezone.override("UTC"):
        assert compute_deadline(received, SEVEN_WD, calendar=cal) == D(2026, 10, 20)


def test_one_working_day_from_the_moment_of_dispatch(cal):
    rule = DeadlineRule("working_days", 1, start="same_moment")
    # Fri 9 Oct 2026 15:00 → the next working day is the 调休 Saturday 10 Oct, same clock time.
    assert compute_deadline(at(2026, 10, 9, 15, 0), rule, calendar=cal) == at(2026, 10, 10, 15, 0)
    # Received on a holiday (Sat 3 Oct 11:00): the clock starts at 00:00 on Thu 8 Oct and runs one full working day.
    assert compute_deadline(at(2026, 10, 3, 11, 0), rule, calendar=cal) == at(2026, 10, 9, 0, 0)


# -- calendar days ----------------------------------------------------------------------------------------------------


def test_calendar_day_period_ending_on_a_holiday_rolls_to_the_next_working_day(cal):
    # Tue 4 Aug 2026 + 60 days = Sat 3 Oct (Aug 4 → Sep 3 is 30 days, → Oct 3 is 30 more), inside 国庆 (1–7 Oct):
    # the last day moves to Thu 8 Oct (民法典 Art. 203).
    assert compute_deadline(D(2026, 8, 4), SIXTY_DAYS, calendar=cal) == D(2026, 10, 8)
    assert compute_deadline(D(2026, 8, 4), DeadlineRule("calendar_days", 60, roll_to_workday=False),
                            calendar=cal) == D(2026, 10, 3)
    # Tue 11 Aug + 60 = Sat 10 Oct, a 调休 working day: no roll.
    assert compute_deadline(D(2026, 8, 11), SIXTY_DAYS, calendar=cal) == D(2026, 10, 10)
    # Wed 12 Aug + 60 = Sun 11 Oct, an ordinary weekend: rolls to Mon 12 Oct.
    assert compute_deadline(D(2026, 8, 12), SIXTY_DAYS, calendar=cal) == D(2026, 10, 12)


def test_calendar_days_from_the_moment_roll_keep_the_clock_time(cal):
    rule = DeadlineRule("calendar_days", 3, start="same_moment")
    # Tue 29 Sep 2026 09:30 + 3 days = Fri 2 Oct 09:30 (holiday) → Thu 8 Oct 09:30.
    assert compute_deadline(at(2026, 9, 29, 9, 30), rule, calendar=cal) == at(2026, 10, 8, 9, 30)


# -- pauses -----------------------------------------------------------------------------------------------------------


def test_a_pause_of_three_working_days_extends_by_three_working_days(cal):
    # Mon 9 Mar 2026 + 7 WD: 10, 11, 12, 13, 16, 17, Wed 18 Mar.
    assert compute_deadline(D(2026, 3, 9), SEVEN_WD, calendar=cal) == D(2026, 3, 18)
    # Appraisal from Wed 11 until results arrive Sat 14 (half-open: 11, 12, 13 paused = 3 working days):
    # 10 1, [11 12 13], 16 2, 17 3, 18 4, 19 5, 20 6, Mon 23 7 = 18 Mar + 3 WD (19, 20, 23).
    assert compute_deadline(D(2026, 3, 9), SEVEN_WD, pauses=[(D(2026, 3, 11), D(2026, 3, 14))],
                            calendar=cal) == D(2026, 3, 23)


def test_paused_weekend_days_do_not_count_for_working_day_rules(cal):
    # Pause Fri 13 – Mon 16 Mar inclusive ([13, 17)): only Fri 13 and Mon 16 are working days → +2 WD → Fri 20 Mar.
    assert compute_deadline(D(2026, 3, 9), SEVEN_WD, pauses=[(D(2026, 3, 13), D(2026, 3, 17))],
                            calendar=cal) == D(2026, 3, 20)


def test_overlapping_pauses_count_once(cal):
    pauses = [(D(2026, 3, 11), D(2026, 3, 13)), (D(2026, 3, 12), D(2026, 3, 14)), (D(2026, 3, 11), D(2026, 3, 12))]
    assert compute_deadline(D(2026, 3, 9), SEVEN_WD, pauses=pauses, calendar=cal) == D(2026, 3, 23)
    # Datetimes work too: 11 Mar 10:00 → 14 Mar 09:00 covers the days 11, 12, 13.
    assert compute_deadline(D(2026, 3, 9), SEVEN_WD, pauses=[(at(2026, 3, 11, 10), at(2026, 3, 14, 9))],
                            calendar=cal) == D(2026, 3, 23)


def test_pauses_outside_the_period_change_nothing(cal):
    before = (D(2026, 3, 2), D(2026, 3, 9))  # ends on the receipt day: nothing after receipt is paused
    after = (D(2026, 3, 19), D(2026, 3, 25))  # starts after the deadline of 18 Mar
    assert compute_deadline(D(2026, 3, 9), SEVEN_WD, pauses=[before, after], calendar=cal) == D(2026, 3, 18)


def test_pause_on_a_calendar_day_rule_extends_by_days(cal):
    # Mon 2 Mar 2026 + 60 days = Fri 1 May (holiday 1–5 May) → Wed 6 May. With 10 paused days (10–19 Mar):
    # 1 May + 10 = Mon 11 May, a working day. (2026 makes up Sat 9 May.)
    assert compute_deadline(D(2026, 3, 2), SIXTY_DAYS, calendar=cal) == D(2026, 5, 6)
    assert compute_deadline(D(2026, 3, 2), SIXTY_DAYS, pauses=[(D(2026, 3, 10), D(2026, 3, 20))],
                            calendar=cal) == D(2026, 5, 11)


def test_bad_pauses_are_refused(cal):
    with pytest.raises(ValueError, match="结束早于开始"):
        compute_deadline(D(2026, 3, 9), SEVEN_WD, pauses=[(D(2026, 3, 12), D(2026, 3, 11))], calendar=cal)
    with pytest.raises(ValueError, match="当前时间"):
        compute_deadline(D(2026, 3, 9), SEVEN_WD, pauses=[(D(2026, 3, 12), None)], calendar=cal)


# -- 24×7 clocks -------------------------------------------------------------------------------------------------------


def test_minutes_rule_crosses_midnight_and_holidays_unchanged():
    rule = rule_from_value({"unit": "minutes_24x7", "amount": 30})
    # 30 Sep 2026 23:50 + 30 min = 1 Oct 00:20, the first day of 国庆: no holiday logic, no calendar needed.
    assert compute_deadline(at(2026, 9, 30, 23, 50), rule) == at(2026, 10, 1, 0, 20)
    hours = DeadlineRule("hours_24x7", 24)
    assert compute_deadline(at(2026, 2, 14, 18, 0), hours) == at(2026, 2, 15, 18, 0)


def test_minutes_rule_with_overlapping_pauses():
    rule = DeadlineRule("minutes_24x7", 30)
    # Paused 23:55–00:05 and 00:00–00:10 → one 15-minute pause (23:55–00:10): 00:20 + 15 min = 00:35.
    pauses = [(at(2026, 9, 30, 23, 55), at(2026, 10, 1, 0, 5)), (at(2026, 10, 1, 0, 0), at(2026, 10, 1, 0, 10))]
    assert compute_deadline(at(2026, 9, 30, 23, 50), rule, pauses=pauses) == at(2026, 10, 1, 0, 35)
    # A pause that starts after the deadline changes nothing.
    late = [(at(2026, 10, 1, 1, 0), at(2026, 10, 1, 2, 0))]
    assert compute_deadline(at(2026, 9, 30, 23, 50), rule, pauses=late) == at(2026, 10, 1, 0, 20)


def test_minutes_rule_needs_a_moment():
    with pytest.raises(ValueError, match="时刻"):
        compute_deadline(D(2026, 10, 1), DeadlineRule("minutes_24x7", 15))


def test_minutes_rule_works_in_years_without_holiday_data():
    # A 24×7 clock never asks the calendar, so 2028 is fine.
    assert compute_deadline(at(2028, 1, 1, 0, 0), DeadlineRule("minutes_24x7", 15)) == at(2028, 1, 1, 0, 15)


# -- remaining ---------------------------------------------------------------------------------------------------------


def test_remaining_counts_working_days(cal):
    due = D(2026, 3, 3)
    assert deadline_moment(due) == at(2026, 3, 4, 0, 0)
    # Fri 27 Feb: after today come Sat 28 (调休), Mon 2, Tue 3 → 3 working days left.
    left = remaining(at(2026, 2, 27, 10, 0), due, SEVEN_WD, calendar=cal)
    assert (left.overdue, left.units_left, left.label) == (False, 3, "剩余3个工作日")
    assert remaining(at(2026, 3, 3, 23, 59), due, SEVEN_WD, calendar=cal).label == "今日到期"
    late = remaining(at(2026, 3, 5, 9, 0), due, SEVEN_WD, calendar=cal)
    assert (late.overdue, late.units_left, late.label) == (True, -2, "已超期2个工作日")
    # Overdue on a weekend right after a Friday deadline: no working day has passed yet.
    assert remaining(at(2026, 3, 7, 9, 0), D(2026, 3, 6), SEVEN_WD, calendar=cal).label == "已超期"


def test_remaining_for_calendar_days_and_minutes():
    assert remaining(at(2026, 10, 1, 8, 0), D(2026, 10, 8), SIXTY_DAYS).label == "剩余7天"
    rule = DeadlineRule("minutes_24x7", 30)
    due = at(2026, 10, 1, 0, 20)
    assert remaining(at(2026, 10, 1, 0, 5), due, rule).label == "剩余15分钟"
    assert remaining(at(2026, 10, 1, 1, 25), due, rule).label == "已超时1小时5分钟"


# -- rules in force on the receipt date --------------------------------------------------------------------------------


@pytest.fixture
def acceptance_rules(db):
    # Fictional amounts: only the change of version on 15 Apr 2026 matters here.
    Rule.objects.create(key="complaint-acceptance", version=1, title="受理决定时限",
                        value={"unit": "working_days", "amount": 7, "start": "next_day"},
                        effective_from=D(2020, 1, 1), effective_to=D(2026, 4, 15), source="测试规则 v1")
    Rule.objects.create(key="complaint-acceptance", version=2, title="受理决定时限",
                        value={"unit": "working_days", "amount": 5, "start": "next_day"},
                        effective_from=D(2026, 4, 15), source="测试规则 v2")


def test_a_case_is_judged_by_the_rule_in_force_on_its_receipt_date(acceptance_rules):
    # Tue 14 Apr 2026 (v1, 7 WD): 15, 16, 17, 20, 21, 22, Thu 23 Apr.
    old = deadline_for("complaint-acceptance", at(2026, 4, 14, 9, 0))
    assert (old.source_rule.version, old.due) == (1, D(2026, 4, 23))
    # Wed 15 Apr 00:30 in Tianjin (still 14 Apr in UTC) is under v2 (5 WD): 16, 17, 20, 21, Wed 22 Apr.
    new = deadline_for("complaint-acceptance", dt.datetime(2026, 4, 14, 16, 30, tzinfo=dt.UTC))
    assert (new.source_rule.version, new.due, new.due_at) == (2, D(2026, 4, 22), at(2026, 4, 23, 0, 0))


def test_deadline_for_refuses_a_year_without_data(acceptance_rules):
    with pytest.raises(CalendarDataMissing, match="2027年的法定节假日安排尚无数据"):
        deadline_for("complaint-acceptance", at(2026, 12, 28, 9, 0))
    # Once admins enter 2027 (元旦 Fri 1 Jan) and confirm the year:
    # Mon 28 Dec + 5 WD: 29, 30, 31, [1 Jan off, weekend], Mon 4, Tue 5 Jan 2027.
    cal = WorkdayCalendar(overrides={D(2027, 1, 1): OverrideDay("holiday", "元旦")}, covered_years=[2027])
    assert deadline_for("complaint-acceptance", at(2026, 12, 28, 9, 0), calendar=cal).due == D(2027, 1, 5)


@pytest.mark.django_db
def test_deadline_queries_are_constant(acceptance_rules, django_assert_num_queries):
    # 7 WD / 60 days across 国庆 2026, with a month-long pause: 1 rule lookup + 2 calendar loads, however long the walk.
    # (Mon 3 Aug + 60 = Fri 2 Oct; paused 10 Aug – 9 Sep = 31 days → Mon 2 Nov.)
    with django_assert_num_queries(3):
        deadline_for("complaint-acceptance", D(2026, 8, 3))
    with django_assert_num_queries(2):
        assert compute_deadline(D(2026, 8, 3), SIXTY_DAYS, pauses=[(D(2026, 8, 10), D(2026, 9, 10))]) == D(2026, 11, 2)
