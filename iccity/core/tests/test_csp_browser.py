"""The pages work in Chromium with the Content-Security-Policy enforced: charts draw, the map loads its data, htmx
swaps, the auto-submitting select submits, and the browser reports no CSP violation. (The other browser tests bypass
the CSP because Playwright's own wait_for_function runs through eval; this one does not.)"""
from __future__ import annotations

import io

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seed(transactional_db):
    from iccity.orgs.actions import do_load_registry
    from iccity.places.initial_data import load
    from iccity.plans.actions import XIQING_PLAN_FILE, XIQING_PLAN_SLUG, do_import_plan

    do_load_registry()
    do_import_plan(XIQING_PLAN_FILE.read_bytes(), XIQING_PLAN_FILE.name, plan_slug=XIQING_PLAN_SLUG)
    edited = XIQING_PLAN_FILE.read_text(encoding="utf-8").replace("9. 推动老字号品牌创新。", "9. 推动老字号品牌传承创新。")
    do_import_plan(edited.encode(), "第二稿.txt", plan_slug=XIQING_PLAN_SLUG)  # a 2nd version: the version switcher
    load(io.StringIO())


@pytest.fixture
def strict_page(browser):
    context = browser.new_context(bypass_csp=False)
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: violations.append(str(e)))
    yield page, violations
    context.close()


def test_pages_work_with_the_csp_enforced(seed, live_server, strict_page):
    page, violations = strict_page
    response = page.goto(live_server.url + "/plans/xiqing-icc/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator("#unit-chart canvas").first.wait_for(state="visible")       # ECharts from static files

    page.select_option("#version-select", "1")                                # data-autosubmit, no inline onchange
    page.wait_for_url("**version=1**")

    page.goto(live_server.url + "/plans/xiqing-icc/matrix/")
    page.select_option("select[name=group]", "1")                             # htmx swap
    page.locator("table.matrix tbody tr").nth(2).wait_for()
    page.wait_for_url("**group=1**")

    page.goto(live_server.url + "/places/")
    page.locator("#place-map[data-state=boundary]").wait_for(timeout=15000)  # map.js fetched its GeoJSON
    page.goto(live_server.url + "/api/docs")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=15000)       # Swagger UI from ninja's static files
    assert page.locator(".swagger-ui .errors-wrapper").count() == 0            # and it parsed the schema
    assert violations == []
