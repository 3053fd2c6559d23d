"""USCC (GB 32100-2015) on merchants: the complaint module's validator, reused; failures flagged, not rejected."""
import pytest

from iccity.core.actions import ActionRefused

from ..actions import do_register_merchant, do_review_uscc
from .conftest import VALID_USCC, tianjin_uscc

pytestmark = pytest.mark.django_db


def test_valid_code_is_stored_normalised_and_not_flagged(today):
    merchant = do_register_merchant("甲公司", uscc=" " + VALID_USCC.lower() + " ")
    assert merchant.uscc == VALID_USCC and merchant.uscc_check == "valid" and not merchant.needs_uscc_review


def test_wrong_check_digit_is_kept_and_flagged_for_manual_review(today, office_admin):
    merchant = do_register_merchant("乙公司", uscc="91350100M000100Y44")
    assert merchant.uscc_check == "bad_check" and merchant.needs_uscc_review
    merchant = do_review_uscc(merchant, confirmed=True, note="登记机关核实为早期试点代码", actor=office_admin)
    assert not merchant.needs_uscc_review and "早期试点代码" in merchant.uscc_review_note


def test_odd_structure_is_flagged_as_suspicious(today):
    from iccity.core.validation import uscc_check_char

    first17 = "9A350100M000100Y4"  # authority 9 does not issue type A
    merchant = do_register_merchant("丙公司", uscc=first17 + uscc_check_char(first17))
    assert merchant.uscc_check == "suspicious" and merchant.needs_uscc_review


@pytest.mark.parametrize("code", ["9135010", "91350100M000100YI3", "91350100M000100Y4OO"])
def test_values_that_are_not_a_code_at_all_are_refused(today, code):
    with pytest.raises(ActionRefused, match="18位"):
        do_register_merchant("丁公司", uscc=code)


def test_flagged_codes_are_listed_for_the_office(client, today, office_admin):
    do_register_merchant("乙公司", uscc="91350100M000100Y44")
    do_register_merchant("好公司", uscc=tianjin_uscc("MA0000001"))
    client.force_login(office_admin)
    page = client.get("/credit/office/").content.decode()
    assert "乙公司" in page and "好公司" not in page


def test_office_page_is_not_public(client, today):
    assert client.get("/credit/office/").status_code == 302


def test_individual_business_needs_its_operator_for_masking(today):
    with pytest.raises(ActionRefused, match="经营者姓名"):
        do_register_merchant("张三烧烤店", kind="individual_business")
