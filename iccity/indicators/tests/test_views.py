"""Indicator pages as people see them: the catalogue by dimension, one indicator (status, chart, table, vintages,
breakdowns, areas, metadata, targets, downloads), single values and uploads by the office, composite index editions
and the admin. Query counts stay flat when indicators and observations grow tenfold."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from iccity.core import clock
from iccity.indicators.models import (
    Dimension, Framework, IndexEdition, Indicator, IndicatorDimension, IndicatorTarget, Observation, Release,
)
from iccity.plans.tests.factories import make_plan

TODAY = dt.date(2026, 3, 1)
HTMX = {"HTTP_HX_REQUEST": "true"}
DIMENSIONS = [("popularity", "国际知名度"), ("prosperity", "消费繁荣度"), ("activity", "商业活跃度"),
              ("convenience", "通达便利度"), ("policy", "政策引领度")]
TOWNS = ["杨柳青镇", "张家窝镇", "中北镇"]


@pytest.fixture(autouse=True)
def today():
    with clock.travel(TODAY):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# ---------------------------------------------------------------- data

def release(title: str, published_on: dt.date, status: str = "final") -> Release:
    return Release.objects.create(title=title, publisher="西青区统计局", published_on=published_on, status=status)


def obs(indicator, rel, period: str, value, *, area="西青区", kind="", town="", note="", growth=None) -> Observation:
    return Observation.objects.create(
        indicator=indicator, release=rel, area=area, period=period, period_end=dt.date(int(period), 12, 31),
        breakdown_kind=kind, breakdown_value=town, value=Decimal(str(value)),
        growth_rate=None if growth is None else Decimal(str(growth)), note=note)


def indicator(code: str, name: str, dimension: Dimension | None = None, **fields) -> Indicator:
    defaults = {"definition": f"{name}的统计口径", "unit": "亿元", "source_org": "西青区统计局", "published": True}
    ind = Indicator.objects.create(code=code, name=name, **{**defaults, **fields})
    if dimension is not None:
        IndicatorDimension.objects.create(indicator=ind, dimension=dimension)
    return ind


class World:
    """The Xiqing framework with 津农精品品牌数 (target ≥25 by 2027 on a linear path from 2023), 社零 without a
    target, an unpublished indicator, and ``grow`` to add indicators and observations for query counts."""

    def __init__(self):
        self.framework = Framework.objects.create(code="xiqing-2023", name="西青区行动方案五个维度", version="2023",
                                                  source="西青区加快建设国际消费中心城市行动方案")
        self.dims = [Dimension.objects.create(framework=self.framework, code=c, name=n, position=i)
                     for i, (c, n) in enumerate(DIMENSIONS)]
        self.r2023 = release("2023年津农精品品牌名录", dt.date(2024, 2, 1))
        self.r2024 = release("2024年西青区统计公报", dt.date(2025, 3, 20), "preliminary")
        self.r2025 = release("2025年西青区统计公报", dt.date(2026, 2, 20))
        brands = self.brands = indicator("jinnong_brands", "津农精品品牌数", self.dims[2], unit="个", value_kind="count",
                                         trajectory_method="linear", source_org="区农业农村委",
                                         breakdowns=["town"], limitations="只统计区级认定品牌")
        obs(brands, self.r2023, "2023", 10)
        obs(brands, self.r2024, "2024", 13)                                            # first published
        obs(brands, self.r2025, "2024", 14, note="口径调整：纳入新认定品牌")               # revised
        obs(brands, self.r2025, "2025", 18, growth="28.6")
        obs(brands, self.r2025, "2025", 7, kind="town", town="杨柳青镇")
        obs(brands, self.r2025, "2025", 5, kind="town", town="张家窝镇")
        obs(brands, self.r2025, "2025", 150, area="天津市")
        self.target = IndicatorTarget.objects.create(
            indicator=brands, kind="absolute", comparator=">=", value=25, unit="个", year=2027, baseline_year=2023,
            source_document="西青区加快建设国际消费中心城市行动方案", source_clause="津农精品品牌达到25个以上",
            status="adopted")
        self.draft = IndicatorTarget.objects.create(
            indicator=brands, kind="absolute", comparator=">=", value=21, unit="个", year=2026, baseline_year=2023,
            source_document="内部测算草稿", status="draft")
        self.retail = indicator("retail_sales", "社会消费品零售总额", self.dims[1])
        for year, value in ((2022, 500), (2023, 530), (2024, 560), (2025, 600)):
            obs(self.retail, self.r2025, str(year), value)
        self.hidden = indicator("night_footfall", "夜间客流", self.dims[1], unit="万人次", published=False)
        obs(self.hidden, self.r2025, "2025", 321)
        self.size = 0

    def grow(self, n: int):
        """n more indicators (each with four years of values) and n more revisions of the brands series."""
        for _ in range(n):
            self.size += 1
            k = self.size
            ind = indicator(f"extra_{k}", f"附加指标{k}", self.dims[k % 5])
            rel = release(f"附加发布{k}", dt.date(2025, 1, 1) + dt.timedelta(days=k))
            for year in range(2021, 2025):
                obs(ind, rel, str(year), 100 + k + year - 2021)
            obs(self.brands, rel, "2023", 10, note=f"复核{k}")
            obs(self.brands, rel, "2022", 8 + k % 2)
            obs(self.brands, rel, "2025", 5 + k % 3, kind="town", town=TOWNS[k % 3])


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def reporter(db, django_user_model):
    return django_user_model.objects.create_user("reporter", password="reporter-pass-123")


def html(response) -> str:
    return response.content.decode()


def chart_json(response) -> dict:
    page = html(response)
    return json.loads(page.split('id="indicator-chart-data" type="application/json">')[1].split("</script>")[0])


DETAIL = "/indicators/jinnong_brands/"


# ---------------------------------------------------------------- catalogue

def test_catalogue_lists_the_five_dimensions_with_latest_values_and_statuses(world, client):
    response = client.get("/indicators/")
    page = html(response)
    assert response.status_code == 200
    for _code, name in DIMENSIONS:
        assert f"{name}" in page and f'id="dim-{_code}"' in page
    card = page.split('data-code="jinnong_brands"')[1].split("</li>")[0]
    assert "<b>18</b> 个" in card and "2025" in card
    assert 'data-status="on_track"' in card and "正常推进" in card
    retail = page.split('data-code="retail_sales"')[1].split("</li>")[0]
    assert "<b>600</b> 亿元" in retail and 'data-status="on_track"' in retail     # 6.2%/year without a target
    sections = response.context["sections"]
    activity = next(s for s in sections if s["dimension"] and s["dimension"].code == "activity")
    assert activity["summary"] == [("on_track", "正常推进", 1)]
    assert "该维度暂无指标" in page                                                 # 国际知名度 is empty


def test_catalogue_filters_by_status_and_search_and_answers_htmx_with_the_results_only(world, client, reporter):
    client.force_login(reporter)     # staff see unpublished indicators too
    page = html(client.get("/indicators/?status=insufficient_data"))
    assert 'data-code="night_footfall"' in page and 'data-code="jinnong_brands"' not in page
    page = html(client.get("/indicators/?q=津农"))
    assert 'data-code="jinnong_brands"' in page and 'data-code="retail_sales"' not in page
    partial = client.get("/indicators/?q=零售", HTTP_HX_TARGET="catalogue-results", **HTMX)
    assert partial.templates[0].name == "indicators/_catalogue_results.html"
    assert 'data-code="retail_sales"' in html(partial) and "<header" not in html(partial)
    assert client.get("/indicators/?status=bogus").status_code == 200              # invalid filter → everything


def test_catalogue_can_switch_framework(world, client):
    other = Framework.objects.create(code="mofcom", name="商务部评价框架", source="商务部")
    dim = Dimension.objects.create(framework=other, code="comfort", name="消费舒适度")
    IndicatorDimension.objects.create(indicator=world.retail, dimension=dim)
    page = html(client.get("/indicators/?framework=mofcom"))
    assert "消费舒适度" in page and "未归入本框架维度的指标" in page
    assert "消费舒适度" not in html(client.get("/indicators/")).split("<main")[1].split("</select>")[1]


# ---------------------------------------------------------------- indicator page

def test_indicator_page_headline_status_reason_table_and_metadata(world, client):
    make_plan("xiqing-icc")
    world.brands.tasks.set(world.brands.tasks.model.objects.filter(key="T2"))
    response = client.get(DETAIL)
    page = html(response)
    assert response.status_code == 200
    assert "<h1>津农精品品牌数" in page
    assert 'class="badge status-badge status-on_track"' in page
    assert "2023—2025年年均增加4个，实现目标需年均增加3.75个" in page           # the reason sentence
    rows = response.context["rows"]
    assert [(r["point"].period, r["value"]) for r in rows] == [("2023", "10"), ("2024", "14"), ("2025", "18")]
    assert "2025年西青区统计公报" in page and "2026-02-20" in page and "最终" in page
    assert "28.6" in page                                                           # published growth as published
    assert 'class="series-row is-break"' not in page                                # a revision is not a break
    assert "区农业农村委" in page and "只统计区级认定品牌" in page and "商业活跃度" in page
    assert reverse("plans:task", args=["xiqing-icc", "T2"]) in page
    assert "基期" in page and "2023年" in page and "已采用" in page
    assert "草拟" not in page                                                        # drafts are internal


def test_staff_see_draft_targets(world, client, reporter):
    client.force_login(reporter)
    page = html(client.get(DETAIL))
    assert "草拟" in page and "内部测算草稿" in page


def test_indicator_chart_has_target_line_and_trajectory(world, client):
    data = chart_json(client.get(DETAIL))
    assert data["categories"] == ["2023", "2024", "2025", "2026", "2027"]
    assert data["values"] == [10.0, 14.0, 18.0, None, None]
    assert data["kind"] == "bar" and data["unit"] == "个"
    assert {"value": 25.0, "label": "2027年目标 ≥25个", "year": 2027} in data["targets"]
    path = next(t for t in data["trajectories"] if t["name"].startswith("2027"))
    assert path["data"] == [10.0, 13.75, 17.5, 21.25, 25.0]                         # linear from the 2023 baseline
    assert data["breaks"] == []


def test_vintage_switch_shows_first_published_values(world, client):
    response = client.get(DETAIL + "?vintage=first")
    assert [(r["point"].period, r["value"]) for r in response.context["rows"]][1] == ("2024", "13")
    assert "2024年西青区统计公报" in html(response) and "初步" in html(response)
    assert "首次发布" in html(response)


def test_breakdown_and_area_switches_read_the_values_present(world, client):
    response = client.get(DETAIL)
    assert response.context["breakdowns"] == [("town:张家窝镇", "镇街：张家窝镇"), ("town:杨柳青镇", "镇街：杨柳青镇")]
    assert response.context["areas"] == ["西青区", "天津市"]
    town = client.get(DETAIL + "?breakdown=town:杨柳青镇")
    assert [r["value"] for r in town.context["rows"]] == ["7"]
    assert "镇街：杨柳青镇" in html(town)
    city = client.get(DETAIL + "?area=天津市")
    assert [r["value"] for r in city.context["rows"]] == ["150"]
    assert chart_json(city)["targets"] == []                                        # targets are Xiqing's
    bogus = client.get(DETAIL + "?area=北京市&breakdown=town:不存在镇&vintage=x")
    assert [r["value"] for r in bogus.context["rows"]] == ["10", "14", "18"]


def test_switches_answer_htmx_with_the_series_panel_only(world, client):
    response = client.get(DETAIL + "?vintage=first", HTTP_HX_TARGET="series-panel", **HTMX)
    page = html(response)
    assert response.templates[0].name == "indicators/_series_panel.html"
    assert page.lstrip().startswith('<section id="series-panel"') or 'id="series-panel"' in page.split("\n")[1]
    assert "<h1>" not in page and "indicator-chart-data" in page


def test_cumulative_indicators_show_year_to_date_figures_by_default(world, client):
    retail = indicator("retail_monthly", "社零（月度）", world.dims[1], frequency="monthly", publication="cumulative")
    for month, ytd in ((1, 50), (2, 98), (3, 151)):
        Observation.objects.create(indicator=retail, release=world.r2025, period=f"2025-{month:02d}", is_cumulative=True,
                                   period_end=dt.date(2025, month, 28), value=ytd)
    Observation.objects.create(indicator=retail, release=world.r2025, period="2025-03", period_end=dt.date(2025, 3, 31),
                               value=53)
    url = f"/indicators/{retail.code}/"
    response = client.get(url)
    assert [r["value"] for r in response.context["rows"]] == ["50", "98", "151"] and response.context["both_kinds"]
    monthly = client.get(url + "?cumulative=0")
    assert [r["value"] for r in monthly.context["rows"]] == ["53"]
    assert f"{url}data.csv?cumulative=0" in html(monthly)                       # downloads keep the choice
    assert "53" in client.get(f"{url}data.csv?cumulative=0").content.decode("utf-8-sig")


def test_page_without_data_and_unknown_indicator(world, client):
    empty = indicator("empty_one", "暂无数据指标", world.dims[0])
    response = client.get(f"/indicators/{empty.code}/")
    assert response.status_code == 200 and "暂无数据" in html(response)
    assert "indicator-chart-data" not in html(response)
    assert 'status-insufficient_data' in html(response)
    assert client.get("/indicators/nope/").status_code == 404


# ---------------------------------------------------------------- downloads

def test_csv_download_is_the_shown_series_with_release_columns(world, client):
    response = client.get("/indicators/jinnong_brands/data.csv?vintage=first")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:6] == ["指标代码", "指标名称", "地区", "分组", "期间", "期间截止日"]
    assert "发布名称" in rows[0] and "发布日期" in rows[0] and "发布状态" in rows[0]
    assert [r[4] for r in rows[1:]] == ["2023", "2024", "2025"]
    r2024 = rows[2]
    assert r2024[6] == "13" and r2024[9] == "2024年西青区统计公报" and "2025-03-20" in r2024 and "初步" in r2024
    town = client.get("/indicators/jinnong_brands/data.csv?breakdown=town:张家窝镇").content.decode("utf-8-sig")
    assert "镇街：张家窝镇" in town and len(town.strip().splitlines()) == 2


def test_excel_download_has_numbers_releases_and_notes(world, client):
    response = client.get("/indicators/jinnong_brands/data.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["数据"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][9] == "发布名称"
    assert [r[6] for r in rows[1:]] == [10, 14, 18]
    assert rows[2][9] == "2025年西青区统计公报" and rows[2][14].startswith("口径调整")
    assert book["说明"]["B1"].value == "津农精品品牌数"


# ---------------------------------------------------------------- office: single values

def test_office_sees_the_entry_form_others_do_not(world, client, office_admin, reporter):
    client.force_login(reporter)
    assert "录入单个数值" not in html(client.get(DETAIL))
    client.force_login(office_admin)
    page = html(client.get(DETAIL))
    assert "录入单个数值" in page and reverse("indicators:import") in page


def test_office_adds_a_value_with_a_new_release_then_with_the_same_release(world, client, office_admin):
    client.force_login(office_admin)
    url = reverse("indicators:add_observation", args=["jinnong_brands"])
    form = {"period": "2025", "value": "6", "area": "西青区", "breakdown_kind": "town", "breakdown_value": "中北镇",
            "release": "", "title": "2025年镇街品牌统计", "publisher": "区农业农村委", "published_on": "2026-02-25",
            "release_status": "final"}
    response = client.post(url, form, follow=True)
    assert "已录入 津农精品品牌数 2025 的数据" in html(response)
    new = Observation.objects.get(indicator=world.brands, breakdown_value="中北镇")
    assert new.value == 6 and new.release.title == "2025年镇街品牌统计" and new.release.publisher == "区农业农村委"
    again = client.post(url, {**form, "release": new.release_id, "title": ""}, follow=True)
    assert "已存在" in html(again) and Observation.objects.filter(breakdown_value="中北镇").count() == 1


def test_single_value_errors_are_shown_in_chinese_and_nothing_is_written(world, client, office_admin, reporter):
    client.force_login(office_admin)
    url = reverse("indicators:add_observation", args=["jinnong_brands"])
    before = Observation.objects.count()
    response = client.post(url, {"period": "2025", "value": "", "area": "西青区", "release_status": "final"},
                           follow=True)
    assert "请填写数值或公布增速" in html(response) and "请填写发布名称" in html(response)
    response = client.post(url, {"period": "2031", "value": "3", "area": "西青区", "release": world.r2025.pk},
                           follow=True)
    assert "尚未结束" in html(response) and 'value="2031"' in html(response)     # the input is kept
    assert "<details open>" in html(response)
    assert Observation.objects.count() == before
    client.force_login(reporter)
    assert client.post(url, {"period": "2025", "value": "1"}).status_code == 403


# ---------------------------------------------------------------- upload

def workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.append(["指标代码", "地区", "期间", "分组类型", "分组值", "数值", "公布增速(%)", "累计", "备注"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


RELEASE_FORM = {"title": "2025年西青区统计年鉴", "publisher": "西青区统计局", "published_on": "2026-02-26",
                "release_status": "final"}


def test_upload_is_office_only(world, client, reporter):
    assert client.get("/indicators/import/").status_code == 302
    client.force_login(reporter)
    assert client.get("/indicators/import/").status_code == 403
    assert client.get("/indicators/import/template.xlsx").status_code == 403


def test_templates_download(world, client, office_admin):
    client.force_login(office_admin)
    xlsx = client.get("/indicators/import/template.xlsx")
    assert "jinnong_brands" in [c.value for c in load_workbook(io.BytesIO(xlsx.content))["代码表"]["A"]]
    assert client.get("/indicators/import/template.csv").content.decode("utf-8-sig").startswith("指标代码")


def test_dry_run_lists_problems_by_row_and_column_and_writes_nothing(world, client, office_admin):
    client.force_login(office_admin)
    data = workbook([["jinnong_brands", "西青区", "2025", "town", "中北镇", "5个", None, None, None],
                     ["no_such", "西青区", "2025", None, None, "1", None, None, None]])
    before = Observation.objects.count()
    response = client.post("/indicators/import/", {**RELEASE_FORM, "file": SimpleUploadedFile("bad.xlsx", data)})
    page = html(response)
    assert "文件有问题，未写入任何数据" in page
    errors = response.context["outcome"].report.errors
    assert [(e.row, e.column) for e in errors] == [(2, "数值"), (3, "指标代码")]
    assert "带有单位" in page and "指标代码“no_such”不存在" in page
    assert "确认导入（" not in page and Observation.objects.count() == before


def test_clean_file_is_checked_then_imported_from_the_kept_copy(world, client, office_admin, settings):
    client.force_login(office_admin)
    data = workbook([["jinnong_brands", "西青区", "2025", "town", "中北镇", 6, None, None, None],
                     ["retail_sales", "西青区", "2025", None, None, 601.5, 7.1, None, None]])
    response = client.post("/indicators/import/", {**RELEASE_FORM, "file": SimpleUploadedFile("ok.xlsx", data)})
    page = html(response)
    token = response.context["token"]
    kept = Path(settings.MEDIA_ROOT) / "imports" / token
    assert kept.read_bytes() == data and "确认导入（新增 2 条）" in page
    assert f'name="token" value="{token}"' in page
    assert Observation.objects.filter(release__title=RELEASE_FORM["title"]).count() == 0
    done = client.post("/indicators/import/", {**RELEASE_FORM, "step": "confirm", "token": token,
                                               "filename": "ok.xlsx"})
    page = html(done)
    assert done.templates[0].name == "indicators/import_done.html"
    assert '<b class="created-count">2</b>' in page and '<b class="unchanged-count">0</b>' in page
    assert reverse("indicators:detail", args=["jinnong_brands"]) in page
    assert reverse("indicators:detail", args=["retail_sales"]) in page
    assert Observation.objects.filter(release__title=RELEASE_FORM["title"]).count() == 2
    assert not kept.exists()
    # the same confirm again: the file is gone, nothing happens twice
    again = client.post("/indicators/import/", {**RELEASE_FORM, "step": "confirm", "token": token,
                                                "filename": "ok.xlsx"})
    assert "上传的文件已失效" in html(again)


def test_upload_refuses_bad_tokens_and_file_types(world, client, office_admin):
    client.force_login(office_admin)
    response = client.post("/indicators/import/", {**RELEASE_FORM, "step": "confirm", "token": "../../etc/passwd"})
    assert "上传凭据无效" in html(response)
    response = client.post("/indicators/import/", {**RELEASE_FORM, "file": SimpleUploadedFile("x.docx", b"PK")})
    assert "不支持的文件类型" in html(response)
    assert "请选择要导入的数据文件" in html(client.post("/indicators/import/", RELEASE_FORM))


# ---------------------------------------------------------------- composite index

@pytest.fixture
def towns(world):
    """Three towns with a value for two indicators of two dimensions, so an edition can be computed."""
    rel = release("2024年镇街数据", dt.date(2025, 4, 1))
    for i, town in enumerate(TOWNS):
        obs(world.brands, rel, "2024", 3 + 2 * i, kind="town", town=town)
        obs(world.retail, rel, "2024", 80 - 10 * i, kind="town", town=town)
    return world


def test_office_creates_an_edition_and_its_page_shows_method_weights_results_and_inputs(towns, client, office_admin):
    client.force_login(office_admin)
    page = html(client.get("/indicators/index/"))
    assert "还没有综合指数版次" in page and "生成并冻结" in page
    response = client.post("/indicators/index/new/", {
        "name": "2024年镇街指数", "framework": towns.framework.code, "year": 2024, "as_of": "2026-01-01",
        "method": "equal", "by": "town", "units": ""}, follow=True)
    edition = IndexEdition.objects.get()
    assert response.redirect_chain[-1][0] == reverse("indicators:edition", args=[edition.pk])
    page = html(response)
    assert "已生成综合指数版次" in page
    assert "本版次冻结于" in page and "使用 2026年1月1日 前发布的数据（1 个发布版次）" in page
    assert "等权" in page and "加权算术平均" in page and "2024年镇街数据" in page
    units = response.context["units"]
    assert [u["unit"] for u in units] == ["杨柳青镇", "张家窝镇", "中北镇"] or len(units) == 3
    assert "排名区间" in page and "逐一调整" in page
    assert "消费繁荣度" in page and "商业活跃度" in page
    chart = json.loads(page.split('id="edition-chart-data" type="application/json">')[1].split("</script>")[0])
    assert len(chart["results"]["units"]) == 3 and sum(chart["weights"]["values"]) == pytest.approx(1)
    assert edition.name in html(client.get("/indicators/index/"))


def test_edition_refusals_are_shown_on_the_form(towns, client, office_admin, reporter):
    client.force_login(office_admin)
    response = client.post("/indicators/index/new/", {
        "name": "无数据", "framework": towns.framework.code, "year": 2019, "as_of": "2026-01-01",
        "method": "entropy", "by": "town", "units": "杨柳青镇、张家窝镇"})
    assert response.status_code == 200 and "form-error" in html(response) and not IndexEdition.objects.exists()
    client.force_login(reporter)
    assert client.post("/indicators/index/new/", {}).status_code == 403
    assert "生成并冻结" not in html(client.get("/indicators/index/"))


# ---------------------------------------------------------------- admin

@pytest.mark.parametrize("model", ["framework", "dimension", "indicator", "indicatordimension", "indicatortarget",
                                   "release", "observation", "indexedition"])
def test_admin_pages_open_in_chinese(world, client, office_admin, model):
    client.force_login(office_admin)
    response = client.get(f"/admin/indicators/{model}/")
    assert response.status_code == 200
    if model in ("release", "observation", "indexedition"):
        assert client.get(f"/admin/indicators/{model}/add/").status_code == 403   # records enter through actions


def test_admin_adopts_a_draft_target_through_the_action(world, client, office_admin):
    client.force_login(office_admin)
    response = client.post("/admin/indicators/indicatortarget/", {
        "action": "adopt_targets", "_selected_action": [world.draft.pk]}, follow=True)
    assert response.status_code == 200
    world.draft.refresh_from_db()
    assert world.draft.status == "adopted"


# ---------------------------------------------------------------- queries and offline assets

def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/indicators/", DETAIL, DETAIL + "?breakdown=town:杨柳青镇", "/indicators/jinnong_brands/data.csv",
                                 "/indicators/jinnong_brands/data.xlsx"])
def test_queries_do_not_grow_with_indicators_and_observations(world, client, office_admin, url):
    client.force_login(office_admin)
    world.grow(1)
    small = _count(client, url)
    world.grow(9)
    assert _count(client, url) == small, f"{url}: {small} queries at 1×"


def test_templates_load_nothing_from_the_internet():
    root = Path(__file__).resolve().parents[1]
    for path in list((root / "templates").rglob("*.html")) + list((root / "static").rglob("*.js")):
        text = path.read_text()
        assert 'src="http' not in text and 'href="http' not in text and "//cdn" not in text, path


def test_a_series_break_is_marked_where_the_new_stretch_starts(world, client):
    population = indicator("resident_population", "常住人口", world.dims[1], unit="万人", series_breaks=[2020])
    for year, value in ((2018, "86.34"), (2019, "86.64"), (2022, "118.62"), (2023, "119.47")):
        obs(population, world.r2025, str(year), value)
    response = client.get(reverse("indicators:detail", args=["resident_population"]))
    rows = response.context["rows"]
    assert [r["is_break"] for r in rows] == [False, False, True, False]
    assert chart_json(response)["breaks"] == ["2022"]
    assert 'class="series-row is-break"' in html(response) and "口径变化" in html(response)
