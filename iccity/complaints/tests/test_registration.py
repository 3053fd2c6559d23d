"""Registration: validation, splitting a complaint-and-report, receipt numbers, routing, flags, ODR."""
from __future__ import annotations

import datetime as dt

import pytest

from iccity.complaints.actions import (SubmissionInvalid, do_reassign, do_register_case, do_return_misrouted,
                                       do_route, do_transition)
from iccity.complaints.models import Case, CaseEvent, Category, RoutingRule
from iccity.core import clock
from iccity.core.actions import ActionRefused
from iccity.core.models import AuditEvent

from .conftest import submission


def test_both_is_split_into_a_linked_complaint_and_report(register):
    complaint, report = register(case_type="both")
    assert (complaint.case_type, report.case_type) == ("complaint", "report")
    assert complaint.linked_case == report and report.linked_case == complaint
    assert complaint.state == "forwarded" and report.state == "verifying"
    assert complaint.consent_entrusted_mediation and not report.consent_entrusted_mediation
    assert report.requests == [] and complaint.requests == ["退款", "赔偿"]
    assert complaint.deadline_rules.keys() >= {"complaints.accept_decision", "complaints.first_contact_sla"}
    assert "complaints.report_verification" in report.deadline_rules
    assert complaint.lookup_token != report.lookup_token and len(complaint.lookup_token) >= 24


def test_receipt_numbers_are_unique_and_sequential_per_day(register):
    first = register()[0]
    pair = register(case_type="both")
    later = register(dt.datetime(2026, 11, 28, 9))[0]
    numbers = [first.receipt_number, *(c.receipt_number for c in pair)]
    assert numbers == ["XQ2026112700001", "XQ2026112700002", "XQ2026112700003"]
    assert later.receipt_number == "XQ2026112800001"
    assert Case.objects.values("receipt_number").distinct().count() == 4


def test_invalid_submission_writes_nothing(world):
    with clock.travel(dt.datetime(2026, 11, 27, 9)), pytest.raises(SubmissionInvalid) as info:
        do_register_case(submission(person_phone="12345", respondent_name="", category="no-such"))
    assert set(info.value.errors) == {"person_phone", "respondent_name", "category"}
    assert not Case.objects.exists() and not AuditEvent.objects.filter(action__startswith="complaints.case").exists()


def test_old_facts_are_flagged_not_rejected(register):
    case = register(occurred_on="2023-05-01")[0]
    assert case.state == "forwarded" and "ART16_4_LIKELY" in case.flags


def test_uscc_check_failure_is_a_flag(register):
    case = register(respondent_uscc="91350100M000100Y44")[0]
    assert "USCC_CHECK_FAILED" in case.flags


def test_anonymous_report_keeps_no_personal_data_and_has_no_contact_sla(register):
    report = register(case_type="report", anonymous=True, person_name="不应保存", person_phone="13812341234")[0]
    assert report.anonymous and report.person_name == "" and report.person_phone == ""
    assert report.first_contact_due is None and "ANONYMOUS_REPORT" in report.flags


def test_routing_default_goes_to_the_district_bureau_with_a_reason(register, world):
    case = register()[0]
    assert case.unit == world.bureau
    assert "区市场监管局承办" in case.events.get(action="forward").note


def test_routing_by_town_business_district_and_category(register, world):
    food = Category.objects.get(code="food")
    RoutingRule.objects.create(priority=50, town="杨柳青镇", unit=world.town)
    RoutingRule.objects.create(priority=10, business_district="杨柳青古镇商圈", category=food, unit=world.other_town)
    assert register()[0].unit == world.town  # town rule
    assert register(business_district="杨柳青古镇商圈")[0].unit == world.other_town  # higher priority
    assert register(business_district="杨柳青古镇商圈", category="catering")[0].unit == world.town
    assert register(town="辛口镇", category="catering")[0].unit == world.bureau  # no rule, no default
    Category.objects.filter(code="catering").update(default_unit=world.other_town)
    case = register(town="辛口镇", category="catering")[0]
    assert case.unit == world.other_town and "默认承办单位" in case.events.get(action="forward").note


def test_misrouted_case_goes_back_to_the_office_and_is_reassigned(register, world):
    RoutingRule.objects.create(priority=50, town="杨柳青镇", unit=world.town)
    case = register()[0]
    with pytest.raises(ActionRefused, match="须说明理由"):
        do_return_misrouted(case, " ", actor=world["town_liaison"])
    case = do_return_misrouted(case, "被投诉人实际在张家窝镇经营", actor=world["town_liaison"])
    assert case.state == "registered" and case.unit is None
    with pytest.raises(ActionRefused, match="领导小组办公室"):
        do_reassign(case, world.other_town, actor=world["town_liaison"])
    case = do_reassign(case, world.other_town, actor=world["office"])
    assert case.state == "forwarded" and case.unit == world.other_town
    assert case.notices.filter(document_type="分送通知书").count() == 2
    with pytest.raises(ActionRefused, match="不能再分派"):
        do_route(case, actor=world["office"])


def test_odr_complaint_negotiates_first_then_goes_to_the_bureau(register, world):
    case = register(odr=True)[0]
    assert case.state == "odr_negotiating" and case.unit is None and case.paused_since is not None
    assert case.handle_due == dt.date(2026, 12, 11)  # 10 working days
    with clock.travel(dt.datetime(2026, 12, 3, 9)):
        case = do_transition(case, "odr_failed", actor=None, note="企业未在期限内和解")
        case = do_route(case, actor=None)
    assert case.state == "forwarded" and case.unit == world.bureau and case.handle_due is None
    assert len(case.pauses) == 1
    # the ODR days (11/27 – 12/2) do not count; counting resumes on 12/3: 12/3, 4, 7, 8, 9, 10, 11 (else 12/8)
    assert case.accept_due == dt.date(2026, 12, 11)
    assert CaseEvent.objects.filter(case=case, action="odr_start").exists()


def test_initial_data_is_safe_to_load_twice(db):
    import io

    from iccity.complaints import initial_data
    from iccity.core import initial_data as core_data
    from iccity.core.models import Rule

    out = io.StringIO()
    for _ in range(2):  # bootstrap's order: core's step creates every declared rule, then the categories
        core_data.load(out)
        initial_data.load(out)
    assert Category.objects.count() == 10 and Category.objects.get(code="prepaid").name == "预付式消费"
    assert Rule.objects.filter(key="complaints.mediation_limit").count() == 2
    assert "新增默认规则" in out.getvalue() and out.getvalue().count("新增默认类别") == 1
    order20 = Rule.objects.get(key="complaints.mediation_limit", version=1)
    assert order20.effective_to == dt.date(2026, 4, 15) and "第20号" in order20.source
    local = Rule.objects.get(key="complaints.first_contact_sla")
    assert "不是法定时限" in local.source
