"""The one masking function behind every public surface: what it finds in free text and what it leaves alone."""
from __future__ import annotations

import pytest

from iccity.core.privacy import Person, contains_personal_data, id_check_digit_ok, luhn_ok, mask_public_text

VALID_ID = "11010519491231002X"  # GB 11643's own example


def test_the_gb11643_and_luhn_checks():
    assert id_check_digit_ok(VALID_ID) and not id_check_digit_ok("110105194912310021")
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")


@pytest.mark.parametrize("text, secret, shown", [
    ("请联系13812341234", "13812341234", "138****1234"),
    ("电话 +86 138-1234-1234 找我", "1234-1234", "138****1234"),
    ("手机１３８１２３４１２３４", "１３８１２３４", "138****1234"),
    ("座机022-27391234转5", "27391234", "022-****1234"),
    ("座机(022)27391234", "27391234", "022-****1234"),
    ("身份证" + VALID_ID, VALID_ID, "11**************2X"),
    ("身份证110105194912310021（校验位写错）", "19491231", "11**************21"),
    ("旧证号110105491231002", "491231", "11***********02"),
    ("卡号6222 0212 3456 7894 退款", "3456", "************7894"),
    ("卡号4111111111111111", "41111111", "************1111"),
    ("邮箱 zhang.san@example.com", "zhang.san", "z***@example.com"),
])
def test_numbers_and_addresses_in_free_text_are_masked(text, secret, shown):
    masked = mask_public_text(text)
    assert secret not in masked and shown in masked
    assert contains_personal_data(text)


@pytest.mark.parametrize("text", [
    "2026年11月20日受理，涉及金额58.50元，订单号20261120",
    "已分送区市场监管局，受理编号 XQ20261127-0001",
    "与XQ2026051100009合并办理",  # a receipt number whose digits happen to pass Luhn
    "请拨打12315或12345热线",
    "统一社会信用代码91350100M000100Y43",
])
def test_ordinary_text_is_left_alone(text):
    assert mask_public_text(text) == text and not contains_personal_data(text)


def test_the_persons_own_name_phone_id_and_address_are_masked():
    person = Person(name="张三丰", phone="13812341234", id_number=VALID_ID, address="天津市西青区杨柳青镇某小区1号")
    text = "已电话联系张三丰（13812341234），核对证件11010519491231002X，住杨柳青镇某小区1号，已上门。"
    masked = mask_public_text(text, people=[person])
    for secret in ("张三丰", "13812341234", VALID_ID, "某小区1号"):
        assert secret not in masked
    assert "张**" in masked and "已上门" in masked


def test_masking_is_idempotent_and_never_returns_none():
    text = "张三 13812341234 " + VALID_ID
    once = mask_public_text(text, people=[Person(name="张三")])
    assert mask_public_text(once, people=[Person(name="张三")]) == once
    assert mask_public_text(None) == ""
