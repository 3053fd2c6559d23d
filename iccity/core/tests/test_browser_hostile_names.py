"""Stored XSS: a hostile name (`<img src=x onerror=alert(1)>`) in every chart and tooltip, in Debian's Chromium.

The map page is loaded for real with a place of that name; the other chart scripts (plan overview, consumption,
composite index, indicator, command screen) are loaded from static files into a page whose JSON data carry the name
everywhere a name goes (categories, series, legends, targets, breaks). Each chart's tooltip is shown; the test fails
if a dialog opens, if any <img src=x> reaches the document, or if the name is not shown as text.
"""
from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = "<img src=x onerror=alert(1)>"


def _watch(page) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


SHOW_ALL_TIPS = """(selector) => {
    const shown = [];
    for (const el of document.querySelectorAll(selector)) {
        const chart = echarts.getInstanceByDom(el);
        if (!chart) continue;
        const series = chart.getOption().series || [];
        series.forEach((s, i) => chart.dispatchAction({type: 'showTip', seriesIndex: i, dataIndex: 0}));
        shown.push(el.id);
    }
    return shown;
}"""

TIP_TEXT = """(id) => Array.from(document.getElementById(id).querySelectorAll('div'))
    .filter(d => d.style.position === 'absolute' || d.style.zIndex).map(d => d.textContent).join(' ')"""


def test_a_hostile_place_name_shows_as_text_in_the_map_tooltip(live_server, page):
    from iccity.places.models import Place, PlaceKind

    district = Place.objects.create(name=HOSTILE + "商圈", kind=PlaceKind.DISTRICT)
    Place.objects.create(name=HOSTILE, kind=PlaceKind.SHOPPING, latitude="39.1390", longitude="117.0100",
                         district=district)
    dialogs = _watch(page)
    page.goto(live_server.url + "/places/")
    page.locator("#place-map[data-state]").wait_for(timeout=15000)
    page.wait_for_function("() => document.querySelectorAll('#place-map canvas').length > 0")
    # hover the point as a user would
    point = page.evaluate("""() => { const c = echarts.getInstanceByDom(document.getElementById('place-map'));
        const i = c.getOption().series.findIndex(s => s.type === 'effectScatter');
        const p = c.getOption().series[i].data.find(p => p.name.includes('onerror'));
        return c.convertToPixel({seriesIndex: i}, p.value); }""")
    box = page.locator("#place-map").bounding_box()
    page.mouse.move(box["x"] + point[0] + 40, box["y"] + point[1] + 40)
    page.mouse.move(box["x"] + point[0], box["y"] + point[1], steps=5)
    page.wait_for_timeout(500)
    tip = page.evaluate(TIP_TEXT, "place-map")
    assert HOSTILE in tip and f"（{HOSTILE}商圈）" in tip
    assert page.locator("img[src=x]").count() == 0
    assert dialogs == []


def _harness(static: str) -> str:
    h = HOSTILE
    plan = {"units": [h, "区商务局"], "labels": {"lead": h, "co": "配合"}, "lead": [3, 1], "co": [1, 2]}
    consumption_bar = {"labels": [h, "二月"], "name": h, "values": [1, 2]}
    consumption_stack = {"labels": [h, "二月"], "series": [{"name": h, "values": [1, 2]}, {"name": "乙", "values": [2, 1]}]}
    index = {"weights": {"labels": [h, "乙"], "title": h, "values": [0.6, 0.4]},
             "results": {"units": [h, "乙"], "dimensions": [{"name": h, "values": [50, 60]}],
                         "overall": {"name": h, "values": [55, 58]}}}
    indicator = {"labels": {"value": h, "break": h}, "kind": "line", "values": [1, 2, 3], "categories": [h, "2025", "2026"],
                 "targets": [{"label": h, "value": 5}], "breaks": ["2025"], "trajectories": [{"name": h, "data": [1, 2, 4]}],
                 "unit": h}
    series = [{"name": h, "data": [1, 2], "color": "#f00"}, {"name": "乙", "data": [2, 1], "color": "#0f0"}]
    command = {"group": {"names": [h, "乙"], "series": series}, "force": {"names": [h, "乙"], "series": series},
               "dims": {"names": [h, "乙"], "series": series}, "trend": {"months": [h, "2026-02"], "counts": [1, 2], "label": h}}

    def data(id_, value):
        # as Django's json_script writes it: < > & escaped inside the script element
        text = json.dumps(value, ensure_ascii=False).replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
        return f'<script type="application/json" id="{id_}">{text}</script>'

    box = 'style="width:640px;height:360px"'
    return f"""<!doctype html><html><head><meta charset="utf-8"></head><body>
{data("plan-data", plan)}{data("c-bar", consumption_bar)}{data("c-stack", consumption_stack)}
{data("index-data", index)}{data("indicator-data", indicator)}{data("command-data", command)}
<div><div id="plan" class="x-chart" data-chart-source="plan-data" {box}></div></div>
<div><div id="cbar" class="x-chart" data-consumption-chart="bar" data-chart-data="c-bar" {box}></div></div>
<div><div id="cstack" class="x-chart" data-consumption-chart="stack" data-chart-data="c-stack" {box}></div></div>
<div><div id="iw" class="x-chart" data-index-chart="weights" data-source="index-data" {box}></div></div>
<div><div id="ir" class="x-chart" data-index-chart="results" data-source="index-data" {box}></div></div>
<div><div id="ind" class="x-chart" data-indicator-chart="indicator-data" {box}></div></div>
<div><div id="cmd-group" class="x-chart" data-chart="group" {box}></div></div>
<div><div id="cmd-trend" class="x-chart" data-chart="trend" {box}></div></div>
<script src="{static}vendor/echarts/echarts.min.js"></script>
<script src="{static}iccity/safe.js"></script>
<script src="{static}iccity/charts.js"></script>
<script src="{static}consumption/charts.js"></script>
<script src="{static}indicators/index-charts.js"></script>
<script src="{static}indicators/indicator-chart.js"></script>
<script src="{static}evaluation/command.js"></script>
</body></html>"""


def test_a_hostile_name_shows_as_text_in_every_chart_and_tooltip(live_server, page, settings):
    dialogs = _watch(page)
    url = live_server.url + "/__hostile_charts__/"
    page.route(url, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8",
                                                body=_harness(live_server.url + settings.STATIC_URL)))
    page.goto(url)
    page.wait_for_function("() => document.querySelectorAll('.x-chart canvas').length >= 8")
    shown = page.evaluate(SHOW_ALL_TIPS, ".x-chart")
    assert sorted(shown) == sorted(["plan", "cbar", "cstack", "iw", "ir", "ind", "cmd-group", "cmd-trend"])
    page.wait_for_timeout(400)
    for chart in shown:
        # each tooltip in turn, so every chart's own tooltip is read
        page.evaluate("""(id) => { const c = echarts.getInstanceByDom(document.getElementById(id));
            c.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0}); }""", chart)
        page.wait_for_timeout(150)
        assert HOSTILE in page.evaluate(TIP_TEXT, chart), chart
    # hovering the legends and axis labels as a user would
    for chart in shown:
        box = page.locator(f"#{chart}").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 12)
        page.mouse.move(box["x"] + 60, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    assert page.locator("img[src=x]").count() == 0
    assert dialogs == []
