"""The public form: a complaint, a report, both (two linked receipts), anonymous reports, Chinese messages next to the
fields, the receipt page, and the lookup by receipt number + phone digits or by token (no personal data shown)."""
from __future__ import annotations

import re

import pytest

from iccity.complaints.models import Case

from .factories import ID_NUMBER, NAME, PHONE, clear_cache, form_data, frozen_today, register, site  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_form_renders_with_csrf_and_a_signed_start(client, site):
    response = client.get("/complaints/new/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in html and 'name="started"' in html and 'name="website"' in html
    assert "餐饮服务" in html and "两者都有" in html
    assert 'name="viewport"' in html


def test_csrf_is_enforced(site):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/complaints/new/", form_data())
    assert response.status_code == 403 and Case.objects.count() == 0


def test_a_complaint_gets_a_receipt(client, site):
    response = client.post("/complaints/new/", form_data(), follow=True)
    html = response.content.decode()
    case = Case.objects.get()
    assert case.case_type == "complaint" and case.channel == "web" and case.unit == site.bureau
    assert case.receipt_number in html and case.lookup_token in html
    assert "受理决定时限" in html and "/complaints/track/" in html
    assert case.consent_publish is True and case.requests == ["退款"]


def test_both_become_two_linked_cases_with_two_receipts(client, site):
    response = client.post("/complaints/new/", form_data(case_type="both"), follow=True)
    cases = list(Case.objects.order_by("case_type"))
    assert [c.case_type for c in cases] == ["complaint", "report"]
    assert cases[0].linked_case == cases[1] and cases[1].linked_case == cases[0]
    html = response.content.decode()
    assert all(c.receipt_number in html for c in cases) and "分别处理" in html


def test_anonymous_report_needs_a_concrete_lead(client, site):
    thin = form_data(case_type="report", anonymous="on", person_name="", person_phone="", person_id_number="",
                     person_id_type="", respondent_address="", description="有问题")
    response = client.post("/complaints/new/", thin)
    assert response.status_code == 400 and Case.objects.count() == 0
    html = response.content.decode()
    assert "匿名举报须提供被举报经营者的地址" in html
    concrete = {**thin, "respondent_address": "西青区中北镇2号",
                "description": "该餐馆后厨使用过期食材，每天晚上从后门运进无标签的冻肉，已持续一个月。"}
    response = client.post("/complaints/new/", concrete, follow=True)
    case = Case.objects.get()
    assert case.anonymous and case.person_name == "" and case.receipt_number in response.content.decode()


def test_field_errors_are_shown_next_to_the_fields_in_chinese(client, site):
    response = client.post("/complaints/new/", form_data(person_phone="12345", occurred_on="2099-01-01",
                                                         amount="12.345", respondent_name=""))
    assert response.status_code == 400 and Case.objects.count() == 0
    html = response.content.decode()
    for field, text in (("person_phone", "电话号码格式不正确"), ("occurred_on", "发生日期不能晚于今天"),
                        ("amount", "两位小数"), ("respondent_name", "经营者名称")):
        block = re.search(rf'<div class="c-field has-error" id="field-{field}">(.*?)</div>', html, re.S)
        assert block and text in block.group(1), field
    # what was typed is kept, and the form carries a fresh start time
    assert 'value="12345"' in html and 'name="started"' in html


def test_complaints_cannot_be_anonymous(client, site):
    response = client.post("/complaints/new/", form_data(anonymous="on"))
    assert response.status_code == 400 and "投诉须实名" in response.content.decode()


def test_lookup_by_receipt_number_and_phone_digits(client, site):
    case = register()[0]
    response = client.post("/complaints/track/", {"receipt_number": case.receipt_number, "phone_last4": PHONE[-4:]})
    html = response.content.decode()
    assert response.status_code == 200 and "已分送承办单位" in html and "区市场监管局" in html
    for secret in (PHONE, ID_NUMBER, NAME, "杨柳青镇1号"):
        assert secret not in html
    assert case.description not in html  # the description often holds personal data


def test_lookup_by_token(client, site):
    case = register()[0]
    response = client.post("/complaints/track/", {"token": case.lookup_token})
    assert response.status_code == 200 and case.receipt_number in response.content.decode()


def test_a_wrong_phone_or_token_finds_nothing(client, site):
    case = register()[0]
    for data in ({"receipt_number": case.receipt_number, "phone_last4": "0000"},
                 {"receipt_number": "XQ000", "phone_last4": PHONE[-4:]}, {"token": "nope"}):
        response = client.post("/complaints/track/", data)
        assert response.status_code == 404 and "未找到对应的案件" in response.content.decode()
    response = client.post("/complaints/track/", {"receipt_number": case.receipt_number, "phone_last4": "12"})
    assert response.status_code == 400


def test_the_receipt_page_without_a_submission_goes_to_the_form(client, site):
    response = client.get("/complaints/receipt/")
    assert response.status_code == 302 and response["Location"].endswith("/complaints/new/")


def test_an_empty_form_shows_one_message_per_field(client, site):
    """Django's own "required" check and the core validation used to both speak for the same field."""
    import html as htmllib

    empty = {k: "" for k in form_data() if k not in ("started", "requests")}
    empty["started"] = form_data()["started"]
    response = client.post("/complaints/new/", empty)
    assert response.status_code == 400 and Case.objects.count() == 0
    page = response.content.decode()
    blocks = re.findall(r'<div class="c-field[^"]*" id="field-([a-z_]+)">(.*?)</div>', page, re.S)
    errors = {name: re.findall(r'class="form-error"[^>]*>(.*?)</p>', body, re.S) for name, body in blocks}
    flagged = {name: msgs for name, msgs in errors.items() if msgs}
    assert {"respondent_name", "description", "person_name"} <= set(flagged)
    assert all(len(msgs) == 1 for msgs in flagged.values()), flagged
    assert "这个字段是必填项" not in htmllib.unescape(page)


def test_a_refused_form_lists_what_to_fix_above_the_form_with_links_to_the_fields(client, site):
    """On a phone the page opens at the top after a refused submission: the summary there names each field to fix."""
    empty = {k: "" for k in form_data() if k not in ("started", "requests")}
    empty["started"] = form_data()["started"]
    page = client.post("/complaints/new/", empty).content.decode()
    summary = page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert page.index('id="error-summary"') < page.index('<form method="post"')
    linked = re.findall(r'href="#field-([a-z_]+)"', summary)
    flagged = re.findall(r'<div class="c-field has-error" id="field-([a-z_]+)">', page)
    assert {"respondent_name", "description", "person_name"} <= set(linked) and linked == flagged  # in page order
    assert "error-summary" not in client.get("/complaints/new/").content.decode()
