"""The real Xiqing plan in Debian's Chromium: what a person sees on the overview and the responsibility matrix.

The live server runs in another thread, so data must be committed: ``seed_plan`` is the transactional variant of
conftest's ``xiqing_plan``. Every request the browser makes must stay on the local host (intranet deployment).
"""
from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCAL_HOSTS = {"localhost", "127.0.0.1"}
GROUPS = ["提升载体能级，打造区域地标商圈", "发挥资源优势，打造知名旅游目的地", "丰富产品供给，打造品质消费策源地",
          "创新业态模式，培育新型消费场景", "完善基础设施，打造优质消费环境"]


@pytest.fixture
def seed_plan(transactional_db):
    from iccity.orgs.actions import do_load_registry
    from iccity.plans.actions import XIQING_PLAN_FILE, XIQING_PLAN_SLUG, do_import_plan

    do_load_registry()
    return do_import_plan(XIQING_PLAN_FILE.read_bytes(), XIQING_PLAN_FILE.name, plan_slug=XIQING_PLAN_SLUG).version


@pytest.fixture
def requested_hosts(page):
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(urlparse(request.url).hostname or request.url))
    return hosts


def assert_only_local(hosts):
    outside = sorted({h for h in hosts if h not in LOCAL_HOSTS})
    assert outside == [], f"浏览器请求了外部主机：{outside}"


def test_overview_shows_the_plan_tasks_lead_marks_and_chart(seed_plan, live_server, page, requested_hosts):
    page.goto(live_server.url + "/plans/")
    assert page.url.endswith("/plans/xiqing-icc/")
    assert page.locator("h1").inner_text() == "西青区加快建设国际消费中心城市行动方案（2023—2027年）"
    assert page.locator(".task-group .task-card").count() == 21
    headings = page.locator("h3.group-title").all_inner_texts()
    assert len(headings) == 5 and all(title in heading for title, heading in zip(GROUPS, headings))
    lead = page.locator("#T1 .unit-chip.is-lead")
    assert lead.count() == 1 and "区商务局" in lead.inner_text() and "牵头" in lead.inner_text()
    assert page.locator("#guarantees-h").is_visible() and page.locator(".guarantees .task-card").count() == 6
    # ECharts drew the chart on a canvas; the fallback table folds away once the chart is there.
    canvas = page.locator("#unit-chart canvas")
    canvas.first.wait_for(state="visible")
    box = canvas.first.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 200
    assert page.locator("details.chart-table").get_attribute("open") is None
    # Collectives open to list their member towns.
    collective = page.locator("#T3 details.collective")
    collective.locator("summary").click()
    assert collective.locator(".member-list li").count() == 11
    assert_only_local(requested_hosts)


def test_matrix_filters_change_rows_and_columns(seed_plan, live_server, page, requested_hosts):
    page.goto(live_server.url + "/plans/xiqing-icc/matrix/")
    rows = page.locator("table.matrix tbody tr")
    columns = page.locator("table.matrix thead th.matrix-unit")
    assert rows.count() == 27 and columns.count() == 49

    page.select_option("select[name=group]", "1")           # htmx swaps only the table
    page.wait_for_function("document.querySelectorAll('table.matrix tbody tr').length === 3")
    assert re.search(r"[?&]group=1", page.url)               # hx-push-url keeps the filter in the address
    assert [r.get_attribute("data-task") for r in rows.all()] == ["T1", "T2", "T3"]
    group_columns = columns.count()
    assert 0 < group_columns < 49

    page.select_option("select[name=unit_type]", "town")
    page.wait_for_function(f"document.querySelectorAll('table.matrix thead th.matrix-unit').length !== {group_columns}")
    names = [c.get_attribute("data-unit") for c in columns.all()]
    assert names and all(name.endswith("镇政府") for name in names)
    assert set(names) == {"中北镇政府", "杨柳青镇政府", "张家窝镇政府", "大寺镇政府", "精武镇政府"}

    page.check("input[name=expand]")                          # collectives expanded: 辛口镇 etc. appear via 各镇…
    page.wait_for_function("document.querySelectorAll('table.matrix td.cell-via').length > 0")
    assert "辛口镇政府" in [c.get_attribute("data-unit") for c in columns.all()]

    page.go_back()                                            # history restores the previous filter state
    page.wait_for_function("!location.search.includes('expand')")
    page.reload()                                             # …and the address alone reproduces the table
    assert page.locator("select[name=unit_type]").input_value() == "town"
    assert_only_local(requested_hosts)


def test_staff_overrides_a_role_with_htmx(seed_plan, live_server, page, django_user_model):
    django_user_model.objects.create_user("office", password="office-pass-123", is_staff=True, is_superuser=True)
    page.goto(live_server.url + "/admin/login/?next=/plans/xiqing-icc/tasks/T1/")
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", "office-pass-123")
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url("**/tasks/T1/")
    row = page.locator("tr", has_text="区协同办")
    row.locator("input[type=text]").fill("   ")               # a blank reason (the browser blocks an empty one)
    row.locator("button[type=submit]").click()                 # the server's Chinese error appears in the row
    page.locator("text=调整牵头/配合角色必须说明理由").wait_for()
    row = page.locator("tr", has_text="区协同办")
    row.locator("select").select_option("lead")
    row.locator("input[type=text]").fill("领导小组办公室会议决定")
    row.locator("button[type=submit]").click()
    page.locator("text=已将 区协同办 调整为牵头").wait_for()
    page.locator("#history-panel", has_text="领导小组办公室会议决定").wait_for()   # the history panel reloaded itself


def test_pages_fit_a_phone_screen(seed_plan, live_server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/plans/xiqing-icc/", "/plans/xiqing-icc/tasks/T14/", "/plans/xiqing-icc/matrix/", "/orgs/units/"):
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} 在手机宽度下横向溢出 {overflow}px"
