"""Data entry by file: every mistake is reported by row and column before anything is written; a clean file imports
in one go; importing it again changes nothing; revisions become new releases."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from iccity.core import clock
from iccity.core.models import AuditEvent
from iccity.indicators.actions.observations import AUDIT_ACTION, do_import_observations
from iccity.indicators.importing import check_file, read_table, template_csv, template_xlsx
from iccity.indicators.models import Indicator, Observation, Release

TODAY = dt.date(2025, 6, 15)
RELEASE = {"title": "2024年西青区统计数据", "publisher": "西青区统计局", "published_on": "2025-03-20"}
HEADER = ["指标代码", "地区", "期间", "分组类型", "分组值", "数值", "公布增速(%)", "累计", "备注"]


@pytest.fixture(autouse=True)
def today():
    with clock.travel(TODAY):
        yield


def make_catalogue() -> dict[str, Indicator]:
    common = {"definition": "测试口径", "source_org": "西青区统计局", "published": True}
    specs = [
        dict(code="retail_sales", name="社会消费品零售总额", unit="亿元", frequency="monthly", publication="cumulative",
             value_kind="level", plausible_min=0, plausible_max=10000, breakdowns=["town", "category"]),
        dict(code="service_retail", name="服务零售额", unit="%", frequency="monthly", publication="cumulative",
             value_kind="rate_only"),
        dict(code="jinnong_brands", name="津农精品品牌数", unit="个", frequency="annual", value_kind="count",
             plausible_min=0, plausible_max=1000),
        dict(code="night_footfall", name="夜间客流", unit="万人次", frequency="quarterly", plausible_min=0,
             breakdowns=["district"], published=False),
        dict(code="card_coverage", name="外卡受理覆盖率", unit="%", frequency="annual", value_kind="share",
             plausible_min=0, plausible_max=100),
    ]
    return {s["code"]: Indicator.objects.create(**{**common, **s}) for s in specs}


@pytest.fixture
def catalogue(db):
    return make_catalogue()


def xlsx(rows, header=HEADER, *, release=None, title_row=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    if title_row:
        ws.append([title_row])
    ws.append(header)
    for row in rows:
        ws.append(row)
    if release:
        info = wb.create_sheet("发布信息")
        for label, value in release.items():
            info.append([label, value])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(code, period, value=None, *, area="西青区", kind="", bvalue="", growth=None, cumulative="", note=""):
    return [code, area, period, kind, bvalue, value, growth, cumulative, note]


def counts():
    return Observation.objects.count(), Release.objects.count(), AuditEvent.objects.filter(action=AUDIT_ACTION).count()


def problems(report):
    return {(e.row, e.column, e.code) for e in report.errors}


@pytest.fixture
def stored(catalogue):
    """The release the messy file names already holds 社零 1—12月 = 1000."""
    release = Release.objects.create(title=RELEASE["title"], publisher=RELEASE["publisher"],
                                     published_on=dt.date(2025, 3, 20))
    Observation.objects.create(indicator=catalogue["retail_sales"], release=release, period="2024-12",
                               period_end=dt.date(2024, 12, 31), value=Decimal(1000), is_cumulative=True)
    return release


MESSY = [  # spreadsheet row 2 onwards; (row, column, code) each must produce
    (row("", "2024", 5), (2, "指标代码", "code_missing")),
    (row("no_such", "2024", 5), (3, "指标代码", "code_unknown")),
    (row("jinnong_brands", "", 5), (4, "期间", "period_missing")),
    (row("jinnong_brands", "2024年下旬", 5), (5, "期间", "period_format")),
    (row("jinnong_brands", "2026", 5), (6, "期间", "period_future")),
    (row("jinnong_brands", "2024-03", 5), (7, "期间", "period_frequency")),
    (row("retail_sales", "2024-01", "约5000", cumulative="是"), (8, "数值", "value_text")),
    (row("retail_sales", "2024-02", "5000亿元", cumulative="是"), (9, "数值", "value_unit")),
    (row("jinnong_brands", "2023"), (10, "数值", "value_missing")),
    (row("jinnong_brands", "2022", -3), (11, "数值", "value_negative")),
    (row("jinnong_brands", "2021", 5000), (12, "数值", "value_range")),
    (row("retail_sales", "2024-03", 100, growth="高", cumulative="是"), (13, "公布增速(%)", "growth_text")),
    (row("retail_sales", "2024-04", 100, growth=2000, cumulative="是"), (14, "公布增速(%)", "growth_range")),
    (row("jinnong_brands", "2020", 10), None),
    (row("jinnong_brands", "2020年", 10), (16, "指标代码", "duplicate_row")),
    (row("retail_sales", "2024年1-12月", 1200), (17, "数值", "already_stored")),
    (row("jinnong_brands", "2019", 8, kind="town", bvalue="张家窝镇"), (18, "分组类型", "breakdown_not_allowed")),
    (row("retail_sales", "2024-05", 100, bvalue="张家窝镇", cumulative="是"), (19, "分组类型", "breakdown_incomplete")),
    (row("jinnong_brands", "2018", 8, area="北京市"), (20, "地区", "area_unknown")),
    (row("night_footfall", "2024Q1", 30, cumulative="是"), (21, "累计", "cumulative_not_allowed")),
    (row("night_footfall", "2024Q2", 30, cumulative="对"), (22, "累计", "cumulative_flag")),
    (row("service_retail", "2024-03", 100, growth=5, cumulative="是"), (23, "数值", "rate_only_level")),
    (row("retail_sales", "2024-06", "12.123456", cumulative="是"), (24, "数值", "decimals")),
    (row("retail_sales", "2024-07", "=1+1", cumulative="是"), (25, "数值", "formula_no_value")),
    (row("jinnong_brands", "2017", 8, note="很长" * 151), (26, "备注", "text_too_long")),
    (row("retail_sales", "2024年1-8月", 900, cumulative="否"), (27, "累计", "cumulative_conflict")),
    (row("service_retail", "2024-04", cumulative="是"), (28, "公布增速(%)", "growth_missing")),
    (row("jinnong_brands", "2016", 8.5), (29, "数值", "count_fraction")),
    (row("service_retail", "2024-05", growth="5%%", cumulative="是"), (30, "公布增速(%)", "growth_text")),
]

CORRECTED = [
    row("jinnong_brands", "2024", 25, note="已核"),
    row("jinnong_brands", "2023", 20),
    row("retail_sales", "2024-01", "5,000.5", growth=3.2, cumulative="是"),
    row("retail_sales", "2024年1-2月", 830, cumulative=""),
    row("retail_sales", "2024-12", 1000, cumulative="是"),          # identical to the stored one
    row("retail_sales", "2024-05", 100, kind="镇街", bvalue="张家窝镇", cumulative="是"),
    row("night_footfall", "2024Q1", 30, kind="district", bvalue="梨园头商圈"),
    row("service_retail", "2024-03", growth="5.1%", cumulative="是"),
    row("card_coverage", "2024", "93.5%", area="天津"),
    row("retail_sales", "2024-06", 12.1235, area="天津市", cumulative="是"),
]


def test_a_file_with_every_kind_of_mistake_reports_each_one_and_writes_nothing(stored):
    header = HEADER + ["联系人"]
    data = xlsx([r + ["张三"] for r, _ in MESSY], header)
    before = counts()
    outcome = do_import_observations(data, "填报.xlsx", release_fields=RELEASE)
    expected = {e for _, e in MESSY if e}
    assert len({code for _, _, code in expected}) >= 26
    assert expected <= problems(outcome.report)
    # Exactly one problem per messy row, none for the good row 15 (the first of the duplicate pair).
    assert sorted(e.row for e in outcome.report.errors) == sorted(r for r, _, _ in expected)
    assert outcome.created == 0 and outcome.release == stored and not outcome.ok
    assert counts() == before
    assert [(w.row, w.column, w.code) for w in outcome.report.warnings] == [(1, "联系人", "unknown_column")]
    for error in outcome.report.errors:
        assert error.message.startswith(f"第{error.row}行“{error.column}”列：")
    by_code = {e.code: e.message for e in outcome.report.errors}
    assert "亿元" in by_code["value_unit"] and "只填数字" in by_code["value_unit"]
    assert "与第15行重复" in by_code["duplicate_row"]
    assert "新的发布版次" in by_code["already_stored"]


def test_the_corrected_file_imports_and_importing_it_again_changes_nothing(stored, django_user_model):
    official = django_user_model.objects.create_user("tongji", is_superuser=True)  # the office enters data
    data = xlsx(CORRECTED)
    dry = do_import_observations(data, "填报.xlsx", release_fields=RELEASE, dry_run=True)
    assert dry.ok and dry.created == 0 and dry.report.new == 9 and dry.unchanged == 1
    assert Observation.objects.count() == 1

    outcome = do_import_observations(data, "填报.xlsx", release_fields=RELEASE, actor=official)
    assert outcome.report.errors == []
    assert (outcome.created, outcome.unchanged, outcome.release) == (9, 1, stored)
    assert Observation.objects.filter(release=stored).count() == 10
    retail = Observation.objects.get(indicator__code="retail_sales", period="2024-01")
    assert retail.value == Decimal("5000.5") and retail.growth_rate == Decimal("3.2") and retail.is_cumulative
    assert retail.period_end == dt.date(2024, 1, 31) and retail.area == "西青区"
    assert Observation.objects.get(indicator__code="retail_sales", period="2024-02").is_cumulative  # from 1-2月
    town = Observation.objects.get(breakdown_kind="town")
    assert town.breakdown_value == "张家窝镇"
    service = Observation.objects.get(indicator__code="service_retail")
    assert service.value is None and service.growth_rate == Decimal("5.1")
    coverage = Observation.objects.get(indicator__code="card_coverage")
    assert coverage.value == Decimal("93.5") and coverage.area == "天津市"
    assert not Observation.objects.get(indicator__code="night_footfall").is_cumulative
    audit = AuditEvent.objects.get(action=AUDIT_ACTION)
    assert audit.actor == official and audit.object_id == str(stored.pk)
    assert audit.after["created"] == 9 and audit.after["unchanged"] == 1 and audit.after["rows"] == 10
    assert len(audit.after["sha256"]) == 64 and audit.after["file"] == "填报.xlsx"

    before = counts()
    again = do_import_observations(data, "填报.xlsx", release_fields=RELEASE, actor=official)
    assert again.ok and (again.created, again.unchanged) == (0, 10)
    assert counts() == before   # no rows, no release, no second audit record


def test_a_revision_in_a_new_release_keeps_the_old_observation(catalogue):
    first = do_import_observations(xlsx([row("jinnong_brands", "2024", 20)]), "a.xlsx", release_fields=RELEASE)
    assert first.created == 1
    changed = xlsx([row("jinnong_brands", "2024", 22)])
    refused = do_import_observations(changed, "b.xlsx", release_fields=RELEASE)
    assert problems(refused.report) == {(2, "数值", "already_stored")}
    revision = {"title": "2024年西青区统计数据（修订）", "publisher": "西青区统计局", "published_on": "2025-05-10",
                "status": "修订"}
    second = do_import_observations(changed, "b.xlsx", release_fields=revision)
    assert second.created == 1 and second.release != first.release and second.release.status == "revised"
    values = Observation.objects.filter(indicator__code="jinnong_brands", period="2024").order_by("release__published_on")
    assert [o.value for o in values] == [20, 22]
    assert Release.objects.count() == 2


def test_release_information_is_required_and_checked(catalogue):
    data = xlsx([row("jinnong_brands", "2024", 20)])
    report = check_file(data, "a.xlsx", release_fields={})
    assert problems(report) == {(0, "发布名称", "release_missing"), (0, "发布机构", "release_missing"),
                                (0, "发布日期", "release_missing")}
    report = check_file(data, "a.xlsx", release_fields={**RELEASE, "published_on": "2025-13-01", "status": "草稿"})
    assert problems(report) == {(0, "发布日期", "release_date_format"), (0, "状态", "release_status")}
    report = check_file(data, "a.xlsx", release_fields={**RELEASE, "published_on": "2025年7月1日"})
    assert problems(report) == {(0, "发布日期", "release_date_future")}
    # A 发布信息 sheet fills what the upload form left blank; the form wins where both are given.
    sheet = {"发布名称": "表内名称", "发布机构": "西青区商务局", "发布日期": dt.datetime(2025, 4, 1)}
    data = xlsx([row("jinnong_brands", "2024", 20)], release=sheet)
    outcome = do_import_observations(data, "a.xlsx", release_fields={"title": "表单名称"})
    assert outcome.ok
    release = outcome.release
    assert (release.title, release.publisher, release.published_on) == ("表单名称", "西青区商务局", dt.date(2025, 4, 1))


@pytest.mark.parametrize("data, filename, code", [
    (b"", "a.xlsx", "empty_file"),
    (b"not a zip at all", "a.xlsx", "not_workbook"),
    (b"PK\x03\x04 broken zip", "a.xlsx", "not_workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "a.xls", "file_type"),
    (b"%PDF-1.4 hello", "a.pdf", "file_type"),
    (b"x" * (5 * 1024 * 1024 + 1), "a.csv", "file_too_large"),
    ("caf\u00e9,na\u00efve,\u00e0\n".encode("latin-1") * 5, "a.csv", "encoding"),
    ("指标代码,期间,数值\r\n".encode(), "a.csv", "no_rows"),
    ("指标代码,期间\r\njinnong_brands,2024\r\n".encode(), "a.csv", "missing_column"),
    ("指标代码,期间,数值,value\r\njinnong_brands,2024,1,1\r\n".encode(), "a.csv", "duplicate_column"),
])
def test_file_level_problems_write_nothing(catalogue, data, filename, code):
    outcome = do_import_observations(data, filename, release_fields=RELEASE)
    assert [e.code for e in outcome.report.errors] == [code]
    assert "第" in outcome.report.errors[0].message or outcome.report.errors[0].row == 0
    assert counts() == (0, 0, 0)


def test_missing_header_columns_are_named(catalogue):
    report = check_file(xlsx([["jinnong_brands", 1]], ["code", "备注"]), "a.xlsx", release_fields=RELEASE)
    assert problems(report) == {(1, "期间", "missing_column"), (1, "数值", "missing_column")}
    assert all("缺少必填列" in e.message for e in report.errors)


def test_csv_in_gb18030_and_utf8_with_bom_and_english_headers(catalogue):
    text = "指标代码,地区,期间,数值,公布增速(%),累计\r\nretail_sales,西青区,2024年1-3月,\"1,234.5\",4.1,是\r\n"
    outcome = do_import_observations(text.encode("gb18030"), "社零.csv", release_fields=RELEASE)
    assert outcome.created == 1, outcome.report.errors
    obs = Observation.objects.get()
    assert (obs.period, obs.value, obs.growth_rate, obs.is_cumulative) == ("2024-03", Decimal("1234.5"),
                                                                          Decimal("4.1"), True)
    english = "\ufeffcode,area,period,value,growth_rate,cumulative\r\njinnong_brands,,2024,25,,\r\n"
    outcome = do_import_observations(english.encode("utf-8"), "brands.csv", release_fields=RELEASE)
    assert outcome.created == 1 and Observation.objects.get(indicator__code="jinnong_brands").area == "西青区"


def test_a_title_line_above_the_header_and_excel_dates_in_the_period_column(catalogue):
    data = xlsx([row("retail_sales", dt.datetime(2024, 3, 1), 800, cumulative="是")], title_row="2024年社零填报表")
    table = read_table(data, "a.xlsx")
    assert [r["_row"] for r in table] == [3]
    outcome = do_import_observations(data, "a.xlsx", release_fields=RELEASE)
    assert outcome.created == 1 and Observation.objects.get().period == "2024-03"


def test_xlsx_template_round_trip(catalogue):
    indicators = Indicator.objects.order_by("code")
    data = template_xlsx(indicators)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[0] == "数据" and "填报说明" in wb.sheetnames and "发布信息" in wb.sheetnames
    ws = wb["数据"]
    assert [c.value for c in ws[1]] == HEADER
    assert ws.max_row == 1 or all(c.value is None for r in ws.iter_rows(min_row=2) for c in r)  # no example rows
    formulas = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert formulas["A2:A2000"] == "'代码表'!$A$2:$A$6" and formulas["H2:H2000"] == "'代码表'!$B$2:$B$3"
    assert [wb["代码表"].cell(row=i, column=2).value for i in (2, 3)] == ["是", "否"]
    help_text = [[c for c in r if c is not None] for r in wb["填报说明"].iter_rows(values_only=True)]
    catalogue_rows = {r[0]: r for r in help_text if r and r[0] in {i.code for i in indicators}}
    assert catalogue_rows["retail_sales"][1:7] == ["社会消费品零售总额", "亿元", "月度", "年初至今累计（1—N月）",
                                                   "总量/水平", "town（镇街）、category（品类）"]
    assert sum(1 for r in help_text if r and r[0] == "示例") == 3
    assert template_xlsx(indicators, example=False).__len__() > 0

    ws.append(row("jinnong_brands", "2024", 25))
    ws.append(row("retail_sales", "2024年1-3月", 812.3, growth=4.5, cumulative="是"))
    info = wb["发布信息"]
    info["B2"], info["B3"], info["B4"] = RELEASE["title"], RELEASE["publisher"], "2025-03-20"
    out = io.BytesIO()
    wb.save(out)
    outcome = do_import_observations(out.getvalue(), "模板.xlsx", release_fields={})
    assert outcome.ok, outcome.report.errors
    assert outcome.created == 2 and outcome.release.title == RELEASE["title"]


def test_csv_template_round_trip(catalogue):
    data = template_csv() + "jinnong_brands,西青区,2024,,,25,,否,\r\n".encode()
    assert data.startswith(b"\xef\xbb\xbf")
    outcome = do_import_observations(data, "模板.csv", release_fields=RELEASE)
    assert outcome.created == 1, outcome.report.errors


def test_formulas_with_cached_values_are_read_as_their_values(catalogue, tmp_path):
    # openpyxl never writes cached values, so build the sheet XML the way Excel saves it.
    data = xlsx([row("jinnong_brands", "2024", "=20+5")])
    import zipfile
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<f>20+5</f><v></v>", b"<f>20+5</f><v>25</v>")
            dst.writestr(item, content)
    table = read_table(out.getvalue(), "a.xlsx")
    assert table[0]["value"] == 25 and not table[0]["_formulas"]
