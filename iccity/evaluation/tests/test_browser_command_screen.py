"""The command screen and its league table in Debian's Chromium: the office logs in, the four ECharts charts draw on
canvases, the league table lists the units, and no request leaves the local host."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCAL_HOSTS = {"localhost", "127.0.0.1"}


@pytest.fixture
def seeded(transactional_db, django_user_model):
    from iccity.core.rules import do_ensure_declared_rules
    from iccity.evaluation import lights
    from iccity.orgs.actions import do_load_registry
    from iccity.orgs.models import Role
    from iccity.plans.actions import XIQING_PLAN_FILE, XIQING_PLAN_SLUG, do_import_plan

    from .conftest import Builder, make_user

    do_load_registry()
    version = do_import_plan(XIQING_PLAN_FILE.read_bytes(), XIQING_PLAN_FILE.name, plan_slug=XIQING_PLAN_SLUG).version
    do_ensure_declared_rules(keys=[lights.RULE_KEY])
    builder = Builder(version).build(1)
    make_user(django_user_model, "office1", Role.OFFICE_ADMIN)
    return builder


def test_office_sees_the_command_screen_charts_and_league_table(seeded, live_server, page):
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(urlparse(request.url).hostname or request.url))
    page.goto(live_server.url + "/evaluation/command/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "office1")
    page.fill("input[name=password]", "pass-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/evaluation/command/")
    assert page.locator("h1").inner_text() == "国际消费中心城市建设指挥大屏"
    for chart in ("#chart-group", "#chart-force", "#chart-trend", "#chart-dims"):
        canvas = page.locator(f"{chart} canvas").first
        canvas.wait_for(state="visible")
        box = canvas.bounding_box()
        assert box and box["width"] > 150 and box["height"] > 150, chart
    # with the charts drawn, the fallback tables fold away
    assert page.locator("details.chart-table[open]").count() == 0
    rows = page.locator("#league table.league-table tbody tr")
    assert rows.count() == len(seeded.units)
    assert rows.first.locator("td").nth(1).inner_text() == seeded.units[0].name
    # the minute's refresh swaps the data region in place (no page reload) and the charts draw again on new nodes
    page.evaluate("() => { window.sameScreen = true; document.querySelector('#chart-group').dataset.old = '1'; }")
    with page.expect_response("**/evaluation/command/"):
        page.evaluate("() => { const main = document.querySelector('main');"
                      " htmx.ajax('GET', main.getAttribute('hx-get'), {source: main, target: main, swap: 'innerHTML'}); }")
    page.locator("#chart-group:not([data-old]) canvas").first.wait_for(state="visible")
    assert page.evaluate("() => window.sameScreen === true")
    outside = sorted({h for h in hosts if h not in LOCAL_HOSTS})
    assert outside == [], f"浏览器请求了外部主机：{outside}"
    # a leader opening it on a phone: the panels take the screen's width (a 420 px minimum column went off the side)
    page.set_viewport_size({"width": 360, "height": 800})
    page.reload()
    page.locator("#chart-group canvas").first.wait_for(state="visible")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360


def test_office_rates_a_task_in_place_with_htmx(seeded, live_server, page):
    from iccity.evaluation.models import DeliveryRating

    page.goto(live_server.url + "/evaluation/ratings/?quarter=2026Q4")
    page.fill("input[name=username]", "office1")
    page.fill("input[name=password]", "pass-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/evaluation/ratings/**")
    t1 = seeded.version.tasks.get(key="T1")
    row = page.locator(f"#task-{t1.pk}")
    row.locator("td.rating-action a").click()
    form = row.locator("form.rating-form")
    form.wait_for(state="visible")
    for name, value in (("level", "amber_red"), ("planning", "green"), ("capacity", "amber_green"),
                        ("stage", "amber_red"), ("evidence", "amber_red")):
        page.select_option(f"#task-{t1.pk} select[name={name}]", value)
    page.fill(f"#task-{t1.pk} textarea[name=reasoning]", "招商进度偏慢")
    page.click(f"#task-{t1.pk} form.rating-form button[type=submit]")
    page.locator(f"#task-{t1.pk} .rating-amber_red").wait_for(state="visible")
    assert "重新评定" in page.locator(f"#task-{t1.pk} td.rating-action").inner_text()
    current = DeliveryRating.objects.get(task=t1, quarter="2026Q4", superseded_by__isnull=True)
    assert (current.level, current.computed_colour) == ("amber_red", "red")
    assert current.supersedes is not None                         # the builder's earlier rating stays in history
