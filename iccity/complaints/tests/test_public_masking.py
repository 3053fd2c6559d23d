"""The outside review's attack on the public lookup: a handler writes a public note holding a phone, an ID number and
the complainant's name; the lookup page and Open311 (JSON and XML) show it masked, through the one masking function."""
from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from iccity.complaints.actions import do_transition

from .factories import ID_NUMBER, NAME, PHONE, clear_cache, frozen_today, register, site  # noqa: F401

pytestmark = pytest.mark.django_db

OTHER_PHONE = "13698765432"  # a relative's number, not the complainant's
CARD = "6222021234567894"  # Luhn-valid
NOTE = f"已联系投诉人{NAME}（电话{PHONE}，身份证{ID_NUMBER}），其家属{OTHER_PHONE}，退款至卡{CARD}，邮箱 wxm@example.com"
SECRETS = (NAME, PHONE, ID_NUMBER, OTHER_PHONE, CARD, "wxm@example.com")


@pytest.fixture
def noted_case(site):
    case = register()[0]
    return do_transition(case, "accepted", actor=site.handler, public_note=NOTE)


def test_a_public_note_with_phone_id_and_name_is_masked_on_the_lookup_page(client, noted_case):
    response = client.post("/complaints/track/", {"receipt_number": noted_case.receipt_number,
                                                  "phone_last4": PHONE[-4:]})
    html = response.content.decode()
    assert response.status_code == 200
    for secret in SECRETS:
        assert secret not in html, secret
    assert "王**" in html and "139****5678" in html and "11**************2X" in html and "136****5432" in html
    assert "已联系投诉人" in html  # the note itself is still shown


def test_the_same_note_is_masked_in_open311_json_and_xml(client, noted_case):
    url = f"/open311/v2/requests/{noted_case.receipt_number}"
    notes = client.get(url + ".json").json()[0]["status_notes"]
    xml = client.get(url + ".xml").content
    xml_notes = ET.fromstring(xml).find("request/status_notes").text
    for text in (notes, xml_notes, client.get("/open311/v2/requests.json").content.decode()):
        for secret in SECRETS:
            assert secret not in text, secret
    assert "已联系投诉人王**" in notes and notes == xml_notes


def test_the_handler_is_warned_when_a_public_note_holds_personal_data(client, site):
    case = register()[0]
    client.force_login(site.head)
    page = client.post(f"/complaints/cases/{case.pk}/transition/", {"to_state": "accepted", "public_note": NOTE},
                       follow=True).content.decode()
    assert "已自动遮蔽" in page
    other = register()[0]
    page = client.post(f"/complaints/cases/{other.pk}/transition/", {"to_state": "accepted", "public_note": "已受理"},
                       follow=True).content.decode()
    assert "已自动遮蔽" not in page


def test_the_disclosure_page_and_csv_mask_a_phone_in_a_business_name(client, site):
    register(respondent_name="西青区好味道餐馆（老板电话13612345678）")
    for url in ("/complaints/disclosure/", "/complaints/disclosure.csv"):
        body = client.get(url).content.decode("utf-8-sig")
        assert "好味道餐馆" in body and "13612345678" not in body and "136****5678" in body, url
