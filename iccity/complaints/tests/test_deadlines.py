"""Legal time limits of cases: working days across holidays with 调休, the Order 121 switch, missing years, pauses."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from iccity.complaints import sla
from iccity.complaints.actions import case_due, do_accept, do_pause, do_resume, do_start_mediation, do_transition
from iccity.complaints.rules import ACCEPT_DECISION, MEDIATION_LIMIT, REPORT_VERIFICATION
from iccity.core import clock
from iccity.core.calendar import CalendarDataMissing
from iccity.core.models import HolidayYear


def aware(*args):
    return timezone.make_aware(dt.datetime(*args))


def test_accept_limit_across_spring_festival_2026_counts_makeup_saturdays(register):
    case = register(dt.datetime(2026, 2, 13, 16, 30), occurred_on="2026-02-10")[0]  # Friday before 春节
    # 2/14 (Sat, 调休上班) = 1; 2/15–2/23 off; 2/24–2/27 = 2–5; 2/28 (Sat, 调休上班) = 6; 3/2 = 7
    assert case.accept_due == dt.date(2026, 3, 2)
    assert case.deadline_rules[ACCEPT_DECISION]["version"] == 1  # Order 20 era row (received before 2026-04-15)


def test_accept_limit_across_national_day_2025(register):
    case = register(dt.datetime(2025, 9, 26, 10), occurred_on="2025-09-20")[0]
    # 9/28 (Sun, 调休上班) = 1; 9/29, 9/30 = 2, 3; 10/1–10/8 off; 10/9, 10/10 = 4, 5; 10/11 (Sat) = 6; 10/13 = 7
    assert case.accept_due == dt.date(2025, 10, 13)


def test_first_contact_sla_is_24_hours_round_the_clock_and_separate_from_the_legal_limit(register):
    case = register(dt.datetime(2026, 2, 13, 16, 30), occurred_on="2026-02-10")[0]
    assert case.first_contact_due == aware(2026, 2, 14, 16, 30)
    with clock.travel(aware(2026, 2, 15, 9)):
        status = sla.case_sla(case)
    assert status["fast_response"].overdue and not status["legal"].overdue
    assert status["legal"].label.startswith("受理决定：剩余")


@pytest.mark.parametrize("received, version, expected", [
    (dt.datetime(2026, 4, 14, 15), 1, dt.date(2026, 6, 22)),  # Order 20: 45 working days from acceptance
    (dt.datetime(2026, 4, 15, 9), 2, dt.date(2026, 6, 15)),  # Order 121: 60 days → Sun 6/14, rolled to Monday
])
def test_mediation_limit_depends_on_the_rules_in_force_on_the_receipt_date(register, world, received, version,
                                                                           expected):
    case = register(received, occurred_on="2026-04-10")[0]
    with clock.travel(aware(2026, 4, 15, 11)):  # both accepted on the day Order 121 took effect
        case = do_accept(case, actor=world["handler"])
    entry = case.deadline_rules[MEDIATION_LIMIT]
    assert entry["version"] == version
    assert entry["value"]["unit"] == ("working_days" if version == 1 else "calendar_days")
    assert case.handle_due == expected


def test_a_year_without_holiday_data_is_refused_clearly_but_the_case_is_kept(register, world):
    case = register(dt.datetime(2026, 12, 28, 10), occurred_on="2026-12-20")[0]  # 7 working days reach into 2027
    assert case.pk and case.accept_due is None and "CALENDAR_MISSING" in case.flags
    with pytest.raises(CalendarDataMissing, match="2027年的法定节假日安排尚无数据"):
        case_due(case, ACCEPT_DECISION)
    with clock.travel(aware(2026, 12, 29, 9)):
        status = sla.legal_status(case)
    assert status.due is None and "2027年" in status.problem
    HolidayYear.objects.create(year=2027, source="测试：国务院办公厅关于2027年部分节假日安排的通知")
    assert case_due(case, ACCEPT_DECISION) == dt.date(2027, 1, 6)  # no overrides entered: 1/1 counts as a working day


def test_appraisal_pause_extends_the_mediation_limit(register, world):
    case = register(dt.datetime(2026, 5, 28, 9), occurred_on="2026-05-20")[0]
    handler = world["handler"]
    with clock.travel(aware(2026, 6, 1, 9)):
        case = do_accept(case, actor=handler)
        case = do_start_mediation(case, actor=handler)
    assert case.handle_due == dt.date(2026, 7, 31)  # 60 days after 6/1
    with clock.travel(aware(2026, 6, 10, 10)):
        case = do_pause(case, actor=handler, reason="委托检测机构检测酸奶样品")
    assert case.state == "appraisal_pending" and case.paused_since is not None
    with clock.travel(aware(2026, 6, 15, 9)):
        status = sla.legal_status(case)
        assert status.paused and not status.overdue and status.due == dt.date(2026, 8, 5)  # paused 6/10–6/14 so far
    with clock.travel(aware(2026, 6, 20, 10)):
        case = do_resume(case, actor=handler)
    assert case.state == "mediating" and case.paused_since is None and len(case.pauses) == 1
    assert case.handle_due == dt.date(2026, 8, 10)  # 6/10–6/19 paused: 10 days later (Mon)


def test_identity_wait_pauses_the_acceptance_limit(register, world):
    case = register(dt.datetime(2026, 6, 1, 9), occurred_on="2026-05-20", person_id_number="", person_id_type="")[0]
    assert "IDENTITY_TO_VERIFY" in case.flags
    assert case.accept_due == dt.date(2026, 6, 10)
    handler = world["handler"]
    with clock.travel(aware(2026, 6, 2, 9)):
        case = do_transition(case, "awaiting_identity", actor=handler)
    assert case.notices.filter(document_type="限期提供身份证明材料通知书").exists()
    with clock.travel(aware(2026, 6, 9, 9)):  # 6/2–6/8 paused: 5 working days
        case = do_accept(case, actor=handler)
    assert case.accept_due == dt.date(2026, 6, 17)


def test_report_pause_without_state_change_extends_verification(register, world):
    report = register(dt.datetime(2026, 6, 1, 9), case_type="report", occurred_on="2026-05-20")[0]
    assert report.accept_due == dt.date(2026, 6, 23)
    with clock.travel(aware(2026, 6, 3, 9)):
        report = do_pause(report, actor=world["handler"], reason="抽样送检")
    assert report.state == "verifying" and report.paused_since is not None
    with clock.travel(aware(2026, 6, 5, 9)):
        report = do_resume(report, actor=world["handler"])
    assert report.accept_due == dt.date(2026, 6, 25)  # 6/3 and 6/4 not counted
    assert report.deadline_rules[REPORT_VERIFICATION]["value"]["amount"] == 15


def test_unit_dashboard_counts_with_one_query(register, world, django_assert_num_queries):
    from iccity.complaints.models import RoutingRule

    RoutingRule.objects.create(priority=50, town="张家窝镇", unit=world.other_town)
    late = register(dt.datetime(2026, 6, 1, 9), occurred_on="2026-05-20")[0]  # accept due 6/10
    register(dt.datetime(2026, 6, 8, 9), occurred_on="2026-05-20")  # accept due 6/17
    done = register(dt.datetime(2026, 6, 8, 10), occurred_on="2026-05-20", town="张家窝镇")[0]
    with clock.travel(aware(2026, 6, 9, 9)):
        from iccity.complaints.actions import do_reject
        do_reject(done, "ART16_3", actor=world["other_liaison"])
    units = [world.bureau, world.other_town, world.town]
    with clock.travel(aware(2026, 6, 15, 9)), django_assert_num_queries(1):
        rows = sla.unit_dashboard(units, dt.date(2026, 6, 15))
    by_name = {row["unit"].name: row for row in rows}
    assert by_name["区市场监管局"] == {"unit": world.bureau, "open": 2, "closed": 0, "overdue": 1, "due_soon": 1,
                                   "first_contact_overdue": 2}
    assert by_name["张家窝镇"]["closed"] == 1 and by_name["张家窝镇"]["open"] == 0
    assert by_name["杨柳青镇"]["open"] == 0
    assert late.accept_due == dt.date(2026, 6, 10)
