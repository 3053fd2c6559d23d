"""Handler pages: who may open them, the unit's list with legal deadlines and the local SLA apart, actions through the
state machine (reason codes, refusals, conflicts), notices as .docx, the timeline, workload, masked exports, admin."""
from __future__ import annotations

import csv
import io

import pytest

from iccity.complaints.models import Case, Open311Key

from .factories import ID_NUMBER, NAME, PHONE, clear_cache, frozen_today, register, site  # noqa: F401

pytestmark = pytest.mark.django_db


def test_anonymous_people_go_to_the_login_page(client, site):
    response = client.get("/complaints/cases/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_people_without_a_unit_role_are_refused(client, site):
    client.force_login(site.outsider)
    assert client.get("/complaints/cases/").status_code == 403


def test_the_unit_sees_its_cases_and_other_units_do_not(client, site):
    case = register()[0]
    client.force_login(site.handler)
    html = client.get("/complaints/cases/").content.decode()
    assert case.receipt_number in html and "法定时限" in html and "本地标准·首次联系" in html
    client.force_login(site.other)
    assert case.receipt_number not in client.get("/complaints/cases/").content.decode()
    assert client.get(f"/complaints/cases/{case.pk}/").status_code == 404
    client.force_login(site.office)
    assert case.receipt_number in client.get("/complaints/cases/?show=all").content.decode()


def test_list_tabs_new_due_soon_overdue(client, site):
    case = register()[0]
    client.force_login(site.handler)
    assert case.receipt_number in client.get("/complaints/cases/?show=new").content.decode()
    assert case.receipt_number not in client.get("/complaints/cases/?show=overdue").content.decode()
    Case.objects.filter(pk=case.pk).update(accept_due="2026-05-01")
    assert case.receipt_number in client.get("/complaints/cases/?show=overdue").content.decode()
    assert case.receipt_number not in client.get("/complaints/cases/?show=closed").content.decode()


def test_detail_shows_personal_data_to_the_unit(client, site):
    case = register()[0]
    client.force_login(site.handler)
    html = client.get(f"/complaints/cases/{case.pk}/").content.decode()
    assert NAME in html and PHONE in html and ID_NUMBER in html
    assert "受理" in html and 'data-target="accepted"' in html and 'data-target="rejected"' in html
    assert "ART16_4" in html  # the reason select for 不予受理


def test_accept_mediate_agree_through_the_buttons(client, site):
    case = register()[0]
    client.force_login(site.handler)
    url = f"/complaints/cases/{case.pk}/transition/"
    response = client.post(url, {"to_state": "accepted", "lock_version": case.lock_version}, follow=True)
    assert "已办理：已受理" in response.content.decode()
    case.refresh_from_db()
    client.post(url, {"to_state": "mediating", "lock_version": case.lock_version})
    response = client.post(url, {"to_state": "mediated_agreement", "note": "经营者退款128.50元"}, follow=True)
    case.refresh_from_db()
    assert case.state == "mediated_agreement" and case.outcome_note == "经营者退款128.50元"
    html = response.content.decode()
    assert "受理决定书" in html and "调解书" in html and ".docx" in html
    assert html.index('data-to="accepted"') < html.index('data-to="mediating"') < html.index('data-to="mediated_agreement"')


def test_refusals_are_shown_not_raised(client, site):
    case = register()[0]
    client.force_login(site.handler)
    url = f"/complaints/cases/{case.pk}/transition/"
    response = client.post(url, {"to_state": "rejected"}, follow=True)  # no reason code
    assert "须选择法定理由" in response.content.decode()
    response = client.post(url, {"to_state": "mediating"}, follow=True)  # illegal jump
    assert "不能从" in response.content.decode()
    stale = case.lock_version
    client.post(url, {"to_state": "accepted", "lock_version": stale})
    response = client.post(url, {"to_state": "rejected", "reason_code": "ART16_4", "lock_version": stale}, follow=True)
    assert "已被他人处理" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "accepted"
    response = client.post(url, {"to_state": "mediated_agreement"}, follow=True)
    assert Case.objects.get(pk=case.pk).state == "accepted"


def test_reject_with_a_reason_code(client, site):
    case = register()[0]
    client.force_login(site.head)
    client.post(f"/complaints/cases/{case.pk}/transition/", {"to_state": "rejected", "reason_code": "ART16_3",
                                                              "public_note": "不属于生活消费"})
    case.refresh_from_db()
    assert case.state == "rejected" and case.reason_code == "ART16_3"


def test_the_notice_downloads_as_docx(client, site):
    case = register()[0]
    client.force_login(site.handler)
    client.post(f"/complaints/cases/{case.pk}/transition/", {"to_state": "accepted"})
    notice = case.notices.get(document_type="受理决定书")
    response = client.get(f"/complaints/cases/{case.pk}/notices/{notice.pk}.docx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    client.force_login(site.other)
    assert client.get(f"/complaints/cases/{case.pk}/notices/{notice.pk}.docx").status_code == 404


def test_first_contact_button(client, site):
    case = register()[0]
    client.force_login(site.handler)
    client.post(f"/complaints/cases/{case.pk}/first-contact/")
    assert Case.objects.get(pk=case.pk).first_contact_at is not None


def test_workload_per_unit_and_per_handler(client, site):
    register(), register()
    client.force_login(site.office)
    html = client.get("/complaints/cases/workload/").content.decode()
    assert "区市场监管局" in html and 'id="unit-dashboard"' in html and 'id="per-handler"' in html


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_export_is_masked_and_personal_data_only_for_the_office(client, site):
    register()
    client.force_login(site.handler)
    rows = _csv_rows(client.get("/complaints/cases/export.csv"))
    text = "\n".join(",".join(r) for r in rows)
    assert PHONE not in text and NAME not in text and "139****5678" in text
    assert client.get("/complaints/cases/export.csv?personal=1").status_code == 403
    client.force_login(site.office)
    rows = _csv_rows(client.get("/complaints/cases/export.csv?personal=1"))
    text = "\n".join(",".join(r) for r in rows)
    assert PHONE in text and ID_NUMBER in text
    from iccity.core.models import AuditEvent
    assert AuditEvent.objects.filter(action="complaints.export.personal").exists()


def test_the_nav_has_the_complaints_link(client, site):
    assert 'href="/complaints/new/"' in client.get("/complaints/track/").content.decode()


def test_admin_creates_an_open311_key_shown_once(admin_client, site):
    response = admin_client.post("/admin/complaints/open311key/add/", {"name": "12345热线", "active": "on"}, follow=True)
    html = response.content.decode()
    key = Open311Key.objects.get(name="12345热线")
    import hashlib
    import re
    clear = re.search(r"(o311_[\w-]+)", html).group(1)
    assert hashlib.sha256(clear.encode()).hexdigest() == key.key_sha256
    assert clear not in admin_client.get(f"/admin/complaints/open311key/{key.pk}/change/").content.decode()


def test_admin_cases_are_read_only(admin_client, site):
    case = register()[0]
    assert admin_client.get("/admin/complaints/case/add/").status_code == 403
    page = admin_client.get(f"/admin/complaints/case/{case.pk}/change/").content.decode()
    assert PHONE not in page and 'name="_save"' not in page
