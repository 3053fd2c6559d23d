"""Masking, and who sees a complainant's personal data."""
from __future__ import annotations

import datetime as dt

import pytest

from iccity.complaints.privacy import can_see_personal_data, case_for_display, public_case_view
from iccity.core.privacy import mask_address, mask_id, mask_name, mask_phone
from iccity.orgs.permissions import Actor

from .conftest import VALID_ID


def test_masks():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("022-27391234") == "022-****1234"
    assert mask_name("张三") == "张*" and mask_name("欧阳娜娜") == "欧***" and mask_name("李") == "*"
    assert mask_id(VALID_ID) == "11" + "*" * 14 + "2X"
    assert mask_address("天津市西青区杨柳青镇某小区1号") == "天津市西青区****"
    assert mask_name("") == mask_phone("") == mask_id("") == ""


@pytest.mark.parametrize("who, sees", [
    ("handler", True), ("head", True), ("office", True),
    ("leader", False), ("town_liaison", False), ("other_liaison", False),
])
def test_who_sees_personal_data(register, world, who, sees):
    case = register()[0]
    assert can_see_personal_data(world[who], case) is sees
    shown = case_for_display(case, world[who])
    assert shown["personal_data_visible"] is sees
    if sees:
        assert (shown["person_name"], shown["person_phone"], shown["person_id_number"]) == ("张三", "13812341234", VALID_ID)
    else:
        assert (shown["person_name"], shown["person_phone"]) == ("张*", "138****1234")
        assert VALID_ID not in str(shown) and "13812341234" not in str(shown)


def test_the_public_and_anonymous_users_see_nothing_personal(register, world):
    case = register()[0]
    assert not can_see_personal_data(Actor(user=None), case)
    assert not can_see_personal_data(None, case)


def test_the_assigned_handler_keeps_access_after_reassignment(register, world):
    from iccity.complaints.actions import do_accept, do_reassign
    case = register()[0]
    case = do_accept(case, actor=world["handler"])
    case = do_reassign(case, world.town, actor=world["office"])
    assert case.handler is None  # a reassignment clears the handler
    assert not can_see_personal_data(world["handler"], case)
    assert can_see_personal_data(world["town_liaison"], case)


def test_public_view_never_shows_personal_data_or_the_description(register):
    case = register()[0]
    view = public_case_view(case)
    text = str(view)
    for secret in ("张三", "13812341234", VALID_ID, "杨柳青镇某小区", "酸奶"):
        assert secret not in text
    assert view["status"] == "open" and view["state_label"] == "已分送承办单位"
    assert view["respondent_name"] == "天津某某超市有限公司"  # the complainant consented
    assert view["status_notes"] == "分送承办单位" and view["agency_responsible"] == "区市场监管局"


def test_public_view_hides_the_respondent_without_consent_and_for_reports(register):
    complaint = register(consent_publish=False)[0]
    assert public_case_view(complaint)["respondent_name"] == ""
    report = register(dt.datetime(2026, 11, 27, 10), case_type="report", consent_publish=True)[0]
    assert public_case_view(report)["respondent_name"] == "" and public_case_view(report)["lat"] is None


def test_anonymous_report_display(register, world):
    report = register(case_type="report", anonymous=True)[0]
    assert case_for_display(report, world["handler"])["person_name"] == "（匿名）"
