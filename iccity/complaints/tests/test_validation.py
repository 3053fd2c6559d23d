"""validate_submission and its helpers (pure: no database)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from iccity.complaints.submission import FLAG_LABELS, validate_submission
from iccity.core.validation import id_check_digit, id_number_error, is_valid_phone, parse_amount, uscc_check_char, uscc_status

from .conftest import VALID_ID, VALID_USCC, submission

TODAY = dt.date(2026, 11, 27)


def check(**over):
    return validate_submission(submission(**over), today=TODAY)


def test_a_complete_complaint_is_clean():
    cleaned, errors, flags = check()
    assert errors == {} and flags == []
    assert cleaned["amount"] == Decimal("58.50") and cleaned["occurred_on"] == dt.date(2026, 11, 20)
    assert cleaned["consent_publish"] is True and cleaned["anonymous"] is False


@pytest.mark.parametrize("phone, ok", [
    ("13812341234", True), ("138-1234-1234", True), ("+86 138 1234 1234", True), ("19912341234", True),
    ("022-27391234", True), ("02227391234", True), ("0755-8888888", True), ("022-27391234-801", True),
    ("12812341234", False), ("1381234123", False), ("27391234", False), ("abc", False), ("400-810-1234", False),
])
def test_phones(phone, ok):
    assert is_valid_phone(phone) is ok


def test_service_numbers_only_for_businesses():
    assert is_valid_phone("400-810-1234", business=True)
    assert check(respondent_phone="400-810-1234")[1] == {}


def test_mobile_is_stored_without_separators():
    assert check(person_phone="+86 138-1234-1234")[0]["person_phone"] == "13812341234"


# IDs computed with the GB 11643 weights; 11010519491231002X is the standard's own example.
@pytest.mark.parametrize("number, problem", [
    (VALID_ID, None), ("120111199003071238", None), ("120111200002294566", None),
    ("110105194912310021", "校验位"), ("120111199003071230", "校验位"), ("12011119900230123X", "出生日期"),
    ("120111203001011234", "出生日期"), ("12011119900307123", "18位"), ("1201111990030712X8", "18位"),
])
def test_resident_id_check_digit(number, problem):
    result = id_number_error(number, today=TODAY)
    assert (result is None) if problem is None else (problem in result)


def test_id_check_digit_function_matches_the_standard_example():
    assert id_check_digit("11010519491231002") == "X"


def test_lowercase_x_and_passports_and_permits():
    assert check(person_id_number=VALID_ID.lower())[1] == {}
    assert check(person_id_type="passport", person_id_number="E12345678")[1] == {}
    assert check(person_id_type="hk_macao_permit", person_id_number="H12345678")[1] == {}
    assert "person_id_number" in check(person_id_type="passport", person_id_number="E1")[1]
    assert "person_id_type" in check(person_id_type="driving_licence")[1]


@pytest.mark.parametrize("raw, amount, error", [
    ("58.5", Decimal("58.50"), None), ("0", Decimal("0.00"), None), ("1,234.50", Decimal("1234.50"), None),
    ("１２３．４５", Decimal("123.45"), None), ("￥99元", Decimal("99.00"), None), (Decimal("3.10"), Decimal("3.10"), None),
    ("12.345", None, "两位小数"), ("-1", None, "负数"), ("12,34", None, "千分位"), ("abc", None, "数字"),
    (12.5, None, "浮点数"), ("1e3", None, "数字"),
])
def test_amounts_are_decimals_in_yuan(raw, amount, error):
    value, problem = parse_amount(raw)
    assert value == amount
    assert (problem is None) if error is None else (error in problem)


def test_dates_not_in_the_future_and_old_ones_flagged():
    assert "occurred_on" in check(occurred_on="2026-11-28")[1]
    assert "occurred_on" in check(occurred_on="2026-02-30")[1]
    assert check(occurred_on="2023-11-27")[2] == []  # exactly three years: still in time
    _, errors, flags = check(occurred_on="2023-11-26")
    assert errors == {} and flags == ["ART16_4_LIKELY"] and "第16条第4项" in FLAG_LABELS["ART16_4_LIKELY"]
    assert check(case_type="report", occurred_on="2020-01-01")[2] == []  # reports have no complaint limitation


def test_anonymous_complaint_is_refused():
    assert "anonymous" in check(anonymous=True)[1]
    assert "anonymous" in check(anonymous=True, case_type="both")[1]


def test_anonymous_report_needs_a_concrete_lead():
    base = dict(case_type="report", anonymous=True, person_name="", person_phone="")
    cleaned, errors, flags = check(**base)
    assert errors == {} and flags == ["ANONYMOUS_REPORT"] and cleaned["person_name"] == ""
    errors = check(**base, respondent_address="", respondent_uscc="", description="卖过期食品")[1]
    assert set(errors) == {"respondent_address", "description"}
    assert check(**base, respondent_address="")[1] == {}  # the USCC is enough


def test_identified_submissions_need_name_and_phone_and_respondent():
    errors = check(person_name="", person_phone="", respondent_name="")[1]
    assert set(errors) == {"person_name", "person_phone", "respondent_name"}
    assert "实名" in errors["person_name"][0]
    assert check(person_id_number="", person_id_type="")[2] == ["IDENTITY_TO_VERIFY"]


def test_uscc_valid_invalid_and_suspicious():
    assert uscc_status(VALID_USCC) == "valid"
    assert uscc_status("91350100M000100Y44") == "bad_check"
    suspicious = "95120111MA05K1234"  # 工商 (9) has no organisation type 5
    assert uscc_status(suspicious + uscc_check_char(suspicious)) == "suspicious"
    assert uscc_status("91350100M000100YI3") == "bad_format"  # I is not in the alphabet
    assert uscc_status("9135010") == "bad_format"
    assert check(respondent_uscc="91350100m000100y43")[0]["respondent_uscc"] == VALID_USCC
    assert check(respondent_uscc="91350100M000100Y44")[1:] == ({}, ["USCC_CHECK_FAILED"])
    assert check(respondent_uscc=suspicious + uscc_check_char(suspicious))[2] == ["USCC_SUSPICIOUS"]
    assert "respondent_uscc" in check(respondent_uscc="123")[1]


def test_script_in_description_is_stripped_and_flagged():
    cleaned, errors, flags = check(description='酸奶过期<script>alert("x")</script><b>要求退款</b><img src=x onerror=alert(1)>')
    assert errors == {} and flags == ["HTML_STRIPPED"]
    assert cleaned["description"] == "酸奶过期要求退款"
    assert "description" in check(description="<script>alert(1)</script>")[1]  # nothing left
    assert check(description="价格 3<5 元")[0]["description"] == "价格 3<5 元"  # not markup: kept as typed
    assert check(person_name="<i>张三</i>")[0]["person_name"] == "张三"


def test_description_required_and_limited():
    assert "description" in check(description="  ")[1]
    assert "description" in check(description="字" * 4001)[1]
    assert check(description="字" * 4000)[1] == {}


def test_consent_flags_are_booleans():
    assert check(consent_publish="on")[0]["consent_publish"] is True
    assert check(consent_publish="false")[0]["consent_publish"] is False
    assert "consent_publish" in check(consent_publish="maybe")[1]
    assert check(case_type="report", consent_entrusted_mediation=True)[0]["consent_entrusted_mediation"] is False


def test_requests_and_case_type():
    assert check(requests="退款、赔偿")[0]["requests"] == ["退款", "赔偿"]
    assert "requests" in check(requests=["退一赔十万"])[1]
    assert "case_type" in check(case_type="praise")[1]
