"""The outside review's stuffing attack on the public questionnaire, and what stops it: a per-address cap per wave,
anomaly flags that hold responses out of the index until the office accepts them, and single-use start tokens."""
from __future__ import annotations

import time

import pytest
from django.test import Client

from iccity.core import publicforms
from iccity.core.actions import ActionRefused
from iccity.core.models import AuditEvent
from iccity.orgs.models import Person, Role, RoleAssignment

from ..actions import do_freeze_wave, do_review_response
from ..models import Response
from ..results import compute
from ..stuffing import params

ATTACKER = "203.0.113.7"


def post_fresh(wave, ip, *, score="9", took=120, area="zhongbei"):
    """One response as a script sends it: a new client (fresh cookies), the form fetched, answered, posted."""
    client = Client(REMOTE_ADDR=ip)
    page = client.get(f"/surveys/{wave.code}/{area}/")
    form = page.context["form"]
    data = {name: score for name, _ in form.items}
    data["started"] = publicforms.sign_started(time.time() - took)
    return client, data, client.post(f"/surveys/{wave.code}/{area}/", data)


def index_count(wave, area="zhongbei") -> int:
    return next(a["responses"] for a in compute(wave)["areas"] if a["code"] == area)


def office_user(django_user_model, name="office-reviewer"):
    user = django_user_model.objects.create_user(name, password="pass-123456")
    person = Person.objects.create(user=user, name=name)
    RoleAssignment.objects.create(person=person, role=Role.OFFICE_ADMIN)
    return user


def test_sixty_responses_with_fresh_cookies_from_one_address_are_capped_and_kept_out_of_the_index(wave):
    rule = params()
    statuses = [post_fresh(wave, ATTACKER)[2].status_code for _ in range(60)]
    stored = Response.objects.filter(wave=wave)
    assert stored.count() == rule["per_address_cap"] == statuses.count(302)
    assert set(statuses[rule["per_address_cap"]:]) == {429}
    # only the responses before the burst threshold are counted; every later one waits for review
    assert index_count(wave) == rule["burst_per_address"] - 1
    held = stored.filter(held=True)
    assert held.count() == rule["per_address_cap"] - rule["burst_per_address"] + 1
    assert all("address_burst" in r.flags for r in held)
    assert compute(wave)["held_for_review"] == held.count()
    page = Client().get(f"/surveys/{wave.code}/").content.decode()
    assert f"{held.count()}份" in page and "待审核" in page
    assert ATTACKER not in str(list(stored.values()))  # the address itself is never stored


def test_a_flagged_response_counts_only_after_the_office_accepts_it_and_the_decision_is_audited(wave, django_user_model):
    for _ in range(3):
        post_fresh(wave, ATTACKER)
    flagged = Response.objects.get(held=True)
    assert index_count(wave) == 2
    liaison = django_user_model.objects.create_user("liaison", password="pass-123456")
    with pytest.raises(ActionRefused, match="只有领导小组办公室"):
        do_review_response(flagged, "accepted", actor=liaison)
    office = office_user(django_user_model)
    do_review_response(flagged, "accepted", actor=office, note="核实为商场Wi-Fi下的真实顾客")
    assert index_count(wave) == 3
    event = AuditEvent.objects.get(action="surveys.response.accepted")
    assert event.actor == office and event.after["flags"] == ["address_burst", "identical_pattern"]
    assert Client().get(f"/surveys/{wave.code}/").status_code == 200


def test_a_burst_from_one_subnet_and_too_fast_completion_are_flagged(wave):
    rule = params()
    for n in range(1, rule["burst_per_subnet"] + 1):
        post_fresh(wave, f"198.51.100.{n}", score=str(1 + n % 10))
    last = Response.objects.order_by("-pk").first()
    assert last.flags == ["subnet_burst"] and last.held
    assert Response.objects.filter(held=True).count() == 1
    post_fresh(wave, "192.0.2.50", took=5)  # 17 items in 5 seconds
    assert Response.objects.order_by("-pk").first().flags == ["too_fast"]


def test_a_replayed_start_token_is_refused(wave):
    _, data, first = post_fresh(wave, "192.0.2.60")
    assert first.status_code == 302
    replay = Client(REMOTE_ADDR="192.0.2.61")
    replay.get(f"/surveys/{wave.code}/zhongbei/")  # a fresh device cookie
    again = replay.post(f"/surveys/{wave.code}/zhongbei/", data)
    assert again.status_code == 400 and "此表单已提交过" in again.content.decode()
    assert Response.objects.count() == 1


def test_freezing_waits_for_the_review_and_then_erases_the_address_hashes(wave, django_user_model):
    import datetime as dt

    from iccity.core import clock

    for _ in range(3):
        post_fresh(wave, ATTACKER)
    with clock.travel(dt.date(2026, 7, 2)):
        with pytest.raises(ActionRefused, match="待审核"):
            do_freeze_wave(wave)
        do_review_response(Response.objects.get(held=True), "rejected", actor=office_user(django_user_model))
        wave = do_freeze_wave(wave)
    assert wave.frozen_results["overall"]["responses"] == 2
    assert not Response.objects.exclude(address_key="").exists()


def test_the_office_accepts_a_flagged_response_from_the_admin(wave, client, django_user_model):
    for _ in range(3):
        post_fresh(wave, ATTACKER)
    flagged = Response.objects.get(held=True)
    office = office_user(django_user_model)
    office.is_staff = office.is_superuser = True
    office.save()
    client.force_login(office)
    listing = client.get("/admin/surveys/response/?held__exact=1").content.decode()
    assert "同一地址短时间内多次提交" in listing
    client.post("/admin/surveys/response/", {"action": "accept", "_selected_action": [flagged.pk]})
    flagged.refresh_from_db()
    assert flagged.review == "accepted" and flagged.reviewed_by == office and index_count(wave) == 3


def test_survey_pages_pass_their_texts_through_the_masking_function(wave):
    """An office typo puts a contact phone into a wave title: the public pages show it masked."""
    from ..models import Wave

    Wave.objects.filter(pk=wave.pk).update(title="2026年测评（联系人13812341234）")
    for url in ("/surveys/", f"/surveys/{wave.code}/", f"/surveys/{wave.code}/zhongbei/thanks/"):
        html = Client().get(url).content.decode()
        assert "13812341234" not in html and "138****1234" in html, url
