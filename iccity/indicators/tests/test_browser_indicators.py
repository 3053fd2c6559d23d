"""The office's data path in Debian's Chromium: upload an Excel file, read the dry run, confirm, and open the
indicator page with its chart (target line in the ECharts option), table and status. No request leaves the host.

The live server runs in another thread, so data is committed (transactional tests); the platform clock is moved to
a fixed day so the 2023–2025 values and their release date are in the past whatever day the test runs.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest
from openpyxl import Workbook

from iccity.core import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCAL_HOSTS = {"localhost", "127.0.0.1"}
TODAY = dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def brands(transactional_db, django_user_model):
    """津农精品品牌数 with the plan's target (≥25 by 2027, linear path from 2023) and an office user."""
    from iccity.indicators.models import Dimension, Framework, Indicator, IndicatorDimension, IndicatorTarget

    framework = Framework.objects.create(code="xiqing-2023", name="西青区行动方案五维度", source="西青区行动方案")
    dimension = Dimension.objects.create(framework=framework, code="activity", name="商业活跃度", position=2)
    indicator = Indicator.objects.create(
        code="jinnong_brands", name="津农精品品牌数", definition="经认定的“津农精品”品牌个数", unit="个",
        value_kind="count", trajectory_method="linear", source_org="区农业农村委", published=True,
        plausible_min=0, plausible_max=1000)
    IndicatorDimension.objects.create(indicator=indicator, dimension=dimension)
    IndicatorTarget.objects.create(indicator=indicator, kind="absolute", comparator=">=", value=25, unit="个",
                                   year=2027, baseline_year=2023, status="adopted",
                                   source_document="西青区加快建设国际消费中心城市行动方案")
    django_user_model.objects.create_user("office", password="office-pass-123", is_staff=True, is_superuser=True)
    with clock.travel(TODAY):
        yield indicator


@pytest.fixture
def requested_hosts(page):
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(urlparse(request.url).hostname or request.url))
    return hosts


def workbook(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.append(["指标代码", "地区", "期间", "分组类型", "分组值", "数值", "公布增速(%)", "累计", "备注"])
    for year, value in ((2023, 10), (2024, 14), (2025, 18)):
        sheet.append(["jinnong_brands", "西青区", str(year), None, None, value, None, None, None])
    path = tmp_path / "津农精品.xlsx"
    book.save(path)
    return path


def test_office_uploads_confirms_and_sees_the_chart_with_its_target(brands, live_server, page, requested_hosts,
                                                                    tmp_path):
    page.goto(live_server.url + "/admin/login/?next=/indicators/import/")
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", "office-pass-123")
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url("**/indicators/import/")

    page.set_input_files("input[name=file]", str(workbook(tmp_path)))
    page.fill("input[name=title]", "2025年津农精品品牌认定名单")
    page.fill("input[name=publisher]", "区农业农村委")
    page.fill("input[name=published_on]", "2026-02-20")
    page.click(".upload-form button[type=submit]")
    page.locator("#result-h", has_text="预检结果").wait_for()
    assert page.locator(".error-count").inner_text() == "0"
    assert page.locator(".new-count").inner_text() == "3"
    assert page.locator(".import-preview tbody tr").count() == 3

    page.click("button[name=confirm]")
    page.locator("h1", has_text="导入完成").wait_for()
    assert page.locator(".created-count").inner_text() == "3"
    page.click(".affected-list a:has-text('津农精品品牌数')")
    page.wait_for_url("**/indicators/jinnong_brands/")

    canvas = page.locator("#indicator-chart canvas")
    canvas.first.wait_for(state="visible")
    box = canvas.first.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 150
    option = page.evaluate("echarts.getInstanceByDom(document.getElementById('indicator-chart')).getOption()")
    lines = option["series"][0]["markLine"]["data"]
    assert any(line.get("yAxis") == 25 for line in lines)                        # the 2027 target line
    assert option["series"][1]["lineStyle"]["type"] == "dashed"                 # the expected trajectory
    assert option["series"][1]["data"] == [10, 13.75, 17.5, 21.25, 25]
    assert [r.get_attribute("data-period") for r in page.locator(".series-row").all()] == ["2023", "2024", "2025"]
    assert "2025年津农精品品牌认定名单" in page.locator(".series-table").inner_text()
    badge = page.locator(".status-headline .status-badge")
    assert badge.inner_text() == "正常推进" and badge.get_attribute("data-status") == "on_track"
    reason = page.locator(".status-reason").inner_text()
    assert "年均增加4个" in reason and "实现目标需年均增加3.75个" in reason

    # switching the vintage redraws the chart through htmx (no full page load)
    page.check("input[name=vintage][value=first]")
    page.wait_for_function("location.search.includes('vintage=first')")
    page.locator("#indicator-chart[data-ready='1'] canvas").first.wait_for(state="visible")
    assert "首次发布" in page.locator("#series-h").inner_text()
    outside = sorted({h for h in requested_hosts if h not in LOCAL_HOSTS})
    assert outside == [], f"浏览器请求了外部主机：{outside}"


def test_indicator_pages_fit_a_phone_screen(brands, live_server, page):
    from iccity.indicators.models import Release, Observation

    rel = Release.objects.create(title="2025年名单", publisher="区农业农村委", published_on=dt.date(2026, 2, 20))
    for year, value in ((2023, 10), (2024, 14), (2025, 18)):
        Observation.objects.create(indicator=brands, release=rel, period=str(year),
                                   period_end=dt.date(year, 12, 31), value=value)
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/indicators/", "/indicators/jinnong_brands/", "/indicators/index/"):
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} 在手机宽度下横向溢出 {overflow}px"


def test_catalogue_search_and_status_filter_swap_the_results(brands, live_server, page, requested_hosts):
    page.goto(live_server.url + "/indicators/")
    cards = page.locator(".indicator-card")
    assert cards.count() == 1 and page.locator("#dim-activity").is_visible()
    page.fill("input[name=q]", "零售")                       # htmx swaps the results after typing stops
    page.wait_for_function("document.querySelectorAll('.indicator-card').length === 0")
    assert "q=" in page.url
    page.fill("input[name=q]", "")
    page.select_option("select[name=status]", "insufficient_data")
    page.wait_for_function("document.querySelectorAll('.indicator-card').length === 1")
    assert cards.first.get_attribute("data-status") == "insufficient_data"
    outside = sorted({h for h in requested_hosts if h not in LOCAL_HOSTS})
    assert outside == [], f"浏览器请求了外部主机：{outside}"
