"""The league table in Debian's Chromium: a district leader logs in, picks a period, reads ranks and rank changes,
and follows a unit to the record behind a deduction. Nothing is loaded from outside localhost."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest

from iccity.evaluation import scoring
from iccity.orgs.models import Person, Role, RoleAssignment

from .scoring_fixtures import World, today, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LOCAL_HOSTS = {"localhost", "127.0.0.1"}
D = dt.date


def test_a_leader_reads_the_league_table_and_traces_a_deduction(world: World, live_server, page, django_user_model):
    user = django_user_model.objects.create_user("leader1", password="pass-123456")
    RoleAssignment.objects.create(person=Person.objects.create(user=user, name="区领导"), role=Role.LEADER)
    feb, mar = world.cycle(2026, 2), world.cycle(2026, 3)
    world.report(feb, world.lead)
    world.report(feb, world.co, submitted=D(2026, 3, 2))
    world.report(mar, world.lead, submitted=D(2026, 4, 1))
    missing = world.report(mar, world.co)
    scoring.do_score_period("2026-02")
    scoring.do_score_period("2026-03")

    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(urlparse(request.url).hostname or request.url))
    page.goto(live_server.url + "/evaluation/league/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "leader1")
    page.fill("input[name=password]", "pass-123456")
    page.click("button[type=submit]")
    page.locator("#league-table").wait_for()

    page.select_option("#id_period", "2026-03")
    page.click("#league-period button[type=submit]")
    page.wait_for_url("**period=2026-03**")
    rows = page.locator("#league-table tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-unit") == "区商务局"
    assert rows.nth(0).locator(".rank-change").inner_text().strip() == "▲1"
    assert rows.nth(1).locator(".rank-change").inner_text().strip() == "▼1"
    assert rows.nth(1).locator(".total").inner_text().strip() == "90"

    rows.nth(1).locator("a").click()
    page.locator("#entries").wait_for()
    entries = page.locator("#entries").inner_text()
    assert "缺报进展报告" in entries and "missing_report" not in entries  # the event in words, not its code
    page.locator("#entries a").first.click()
    page.wait_for_url(f"**/delivery/reports/{missing.pk}/")
    assert set(hosts) <= LOCAL_HOSTS, hosts
