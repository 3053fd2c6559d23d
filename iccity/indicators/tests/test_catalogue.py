"""The catalogue and real-data files, their loaders (safe twice, never overwriting), plan targets, single entries."""
import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from iccity.core.actions import ActionRefused
from iccity.core.models import AuditEvent, Rule
from iccity.core.rules import do_ensure_declared_rules
from iccity.indicators.actions.catalogue import (
    do_adopt_target, do_create_release, do_load_catalogue, do_load_observations,
    do_propose_targets_from_plan, do_record_observation, do_set_target, match_indicator,
)
from iccity.indicators.models import (
    Dimension, Framework, Indicator, IndicatorDimension, IndicatorTarget, Observation, Release,
)
from iccity.indicators.progress import THRESHOLDS_RULE, series
from iccity.plans.models import Target as PlanTarget

TABLES = (Framework, Dimension, Indicator, IndicatorDimension, Release, Observation, IndicatorTarget, Rule, AuditEvent)


@pytest.fixture
def loaded(xiqing_plan):
    do_load_catalogue()
    do_load_observations()
    do_ensure_declared_rules(prefix="indicators.")
    return xiqing_plan


def counts():
    return {model.__name__: model.objects.count() for model in TABLES}


def test_catalogue_has_30_documented_indicators(loaded):
    indicators = list(Indicator.objects.prefetch_related("dimensions"))
    assert len(indicators) >= 30
    for ind in indicators:
        assert ind.definition.strip() and ind.unit and ind.source_org, ind.code
        assert ind.dimensions.exists(), f"{ind.code} 没有所属维度"


def test_frameworks_hold_the_dimensions_as_data(loaded):
    xiqing = [d.name for d in Dimension.objects.filter(framework__code="xiqing-2023")]
    assert xiqing == ["国际知名度", "消费繁荣度", "商业活跃度", "通达便利度", "政策引领度"]
    access = Dimension.objects.get(framework__code="xiqing-2023", code="access")
    assert "到达便利度" in access.aliases
    assert "城市繁荣度" in Dimension.objects.get(framework__code="xiqing-2023", code="prosperity").aliases
    assert Dimension.objects.filter(framework__code="icc-6", name="消费舒适度").exists()


def test_required_indicators_and_their_definitions(loaded):
    by_code = {i.code: i for i in Indicator.objects.select_related("responsible_unit")}
    for code in ("retail_sales", "retail_sales_growth", "online_retail", "service_retail_growth", "gdp", "gdp_growth",
                 "tourist_arrivals", "tourism_spending", "tourism_revenue", "night_consumption_share", "night_footfall",
                 "external_consumption_share", "inbound_visitors", "tax_refund_merchants", "first_stores",
                 "time_honoured_brands", "key_district_footfall", "consumer_satisfaction", "convenience_circles",
                 "convenience_circle_coverage", "foreign_card_acceptance", "jinnong_brands", "spring_festival_visitors",
                 "spring_festival_income", "resident_population", "complaint_timely_rate", "complaint_mediation_rate",
                 "exhibition_area", "exhibition_count", "star_hotels", "boutique_homestays", "ev_chargers",
                 "ecny_scenarios"):
        assert code in by_code, code
    assert by_code["service_retail_growth"].value_kind == "rate_only"
    assert by_code["jinnong_brands"].trajectory_method == "linear"
    assert by_code["jinnong_brands"].responsible_unit.name == "区农业农村委"
    assert by_code["complaint_avg_days"].direction == "lower"
    assert "序列断点：2020年" in by_code["resident_population"].limitations
    assert "18:00" in by_code["night_consumption_share"].definition
    assert "category" in by_code["first_stores"].breakdowns
    assert list(by_code["jinnong_brands"].tasks.values_list("key", flat=True)) == ["T8"]


def test_loading_twice_changes_nothing(loaded):
    before = counts()
    do_load_catalogue()
    result = do_load_observations()
    do_ensure_declared_rules(prefix="indicators.")
    assert counts() == before
    assert result.observations_created == 0 and result.unchanged == before["Observation"]


def test_update_keeps_admin_edits_unless_asked(loaded):
    Indicator.objects.filter(code="gdp").update(name="改过的名称")
    do_load_catalogue()
    assert Indicator.objects.get(code="gdp").name == "改过的名称"
    result = do_load_catalogue(update=True)
    assert Indicator.objects.get(code="gdp").name == "地区生产总值" and result.updated == ["gdp"]


def test_every_real_observation_carries_a_sourced_release(loaded):
    observations = Observation.objects.select_related("release")
    assert observations.count() >= 20
    for obs in observations:
        release = obs.release
        assert release.publisher and release.confidence, release.title
        assert release.url or "无稳定网址" in release.note, release.title


def test_real_figures_loaded(loaded):
    def one(code, area, period):
        return Observation.objects.get(indicator__code=code, area=area, period=period)

    assert one("gdp", "西青区", "2022").value == Decimal(990)
    assert one("spring_festival_visitors", "西青区", "2024").value == Decimal(360)
    assert one("resident_population", "西青区", "2023").value == Decimal("119.47")
    assert one("resident_population", "西青区", "2020").value is None     # contradictory census figure stays empty
    h1 = one("retail_sales_growth", "天津市", "2023-06")
    assert h1.is_cumulative and h1.growth_rate == Decimal("8.1") and h1.value is None
    assert not Observation.objects.filter(indicator__code="gdp_growth", area="天津市", period="2024").exists()


def test_tianjin_targets_are_reference_targets_with_sources(loaded):
    double = IndicatorTarget.objects.get(indicator__code="retail_sales", area="天津市", year=2027)
    assert (double.kind, double.comparator, double.value, double.baseline_year) == ("relative", "x", 2, 2022)
    assert double.status == "adopted" and "行动方案" in double.source_document and double.source_clause
    breakthrough = IndicatorTarget.objects.get(indicator__code="retail_sales", area="天津市", year=2025)
    assert (breakthrough.comparator, breakthrough.value) == (">", 5000)
    assert IndicatorTarget.objects.get(indicator__code="tourist_arrivals", year=2027).value == 32000   # 3.2亿人次
    sync = IndicatorTarget.objects.get(kind="sync")
    assert sync.reference_indicator.code == "gdp_growth" and sync.status == "draft"


def test_a_changed_file_value_is_a_conflict_not_an_overwrite(loaded, tmp_path):
    from iccity.indicators.actions.catalogue import DEFAULT_OBSERVATIONS
    text = DEFAULT_OBSERVATIONS.read_text(encoding="utf-8").replace('period = "2022", value = 67', 'period = "2022", value = 68')
    changed = tmp_path / "obs.toml"
    changed.write_text(text, encoding="utf-8")
    result = do_load_observations(changed)
    assert len(result.conflicts) == 1 and "未覆盖" in result.conflicts[0]
    assert Observation.objects.get(indicator__code="fiscal_revenue").value == Decimal(67)


def test_default_rule_has_a_source(loaded):
    rule = Rule.objects.in_force(THRESHOLDS_RULE, dt.date(2025, 1, 1))
    assert rule.value["on_track"] == 0.95 and "Open SDG" in rule.source


# ---------------------------------------------------------------- plan targets

def test_plan_target_becomes_a_draft_indicator_target(loaded):
    result = do_propose_targets_from_plan(loaded)
    assert len(result.created) == 1 and result.unmatched == []
    target = result.created[0]
    assert (target.indicator.code, target.comparator, target.value, target.year, target.status) == (
        "jinnong_brands", ">=", 25, 2027, "draft")
    assert target.plan_target.task.key == "T8" and "25" in target.source_clause
    again = do_propose_targets_from_plan(loaded)
    assert again.created == [] and again.existing == 1


def test_unmatched_plan_targets_are_listed_not_guessed(loaded):
    PlanTarget.objects.create(version=loaded, text="到2027年达到10个", subject="举措", kind="absolute",
                              comparator=">=", value=10, unit="个", year=2027)
    result = do_propose_targets_from_plan(loaded)
    assert [t.subject for t in result.unmatched] == ["举措"]


def test_matching_needs_one_indicator_and_agreeing_units(loaded):
    indicators = list(Indicator.objects.all())
    assert match_indicator("“津农精品”品牌", "个", indicators).code == "jinnong_brands"
    assert match_indicator("津农精品品牌", "%", indicators) is None          # unit disagrees
    assert match_indicator("GDP增速", "", indicators).code == "gdp_growth"
    assert match_indicator("旅游", "", indicators) is None                   # several candidates: not guessed


def test_adopting_a_target(loaded, office_admin):
    target = do_propose_targets_from_plan(loaded).created[0]
    do_adopt_target(target, actor=office_admin)
    target.refresh_from_db()
    assert target.status == "adopted"
    assert AuditEvent.objects.filter(action="indicators.target.adopted", object_id=str(target.pk)).exists()
    with pytest.raises(ActionRefused):
        do_adopt_target(target, actor=office_admin)


def test_set_target_needs_a_source(loaded, office_admin):
    brands = Indicator.objects.get(code="jinnong_brands")
    with pytest.raises(ActionRefused, match="出处"):
        do_set_target(brands, kind="absolute", comparator=">=", value=30, year=2030, source_document=" ", actor=office_admin)
    target = do_set_target(brands, kind="absolute", comparator=">=", value=30, year=2030,
                           source_document="区农业农村委工作要点", actor=office_admin)
    assert target.unit == "个" and target.status == "draft"


# ---------------------------------------------------------------- single entries (forms)

def test_record_observation_refuses_a_second_value_for_the_same_release(loaded, office_admin):
    brands = Indicator.objects.get(code="jinnong_brands")
    release = do_create_release("2023年津农精品名录", "区农业农村委", dt.date(2024, 1, 15), actor=office_admin)
    do_record_observation(brands, "西青区", "2023年", 10, release=release, actor=office_admin)
    with pytest.raises(ActionRefused, match="新建发布版次"):
        do_record_observation(brands, "西青区", "2023", 11, release=release, actor=office_admin)
    revision = do_create_release("2023年津农精品名录（更正）", "区农业农村委", dt.date(2024, 2, 1), actor=office_admin)
    do_record_observation(brands, "西青区", "2023", 11, release=revision, actor=office_admin)
    assert [p.value for p in series(brands, as_of=dt.date(2024, 3, 1))] == [11]
    assert [p.value for p in series(brands, vintage="first", as_of=dt.date(2024, 3, 1))] == [10]


@pytest.mark.parametrize("code, period, value, growth, breakdown, words", [
    ("service_retail_growth", "2024年1-3月", 100, None, None, "只发布增速"),
    ("jinnong_brands", "2024", 5000, None, None, "超出合理范围"),
    ("jinnong_brands", "明年", 5, None, None, "无法识别期间"),
    ("jinnong_brands", "2024", 5, None, ("district", "南站商圈"), "不允许按"),
    ("jinnong_brands", "2024", None, None, None, "至少填写一项"),
])
def test_record_observation_refusals(loaded, office_admin, code, period, value, growth, breakdown, words):
    release = do_create_release("测试发布", "区统计局", dt.date(2025, 1, 20), actor=office_admin)
    with pytest.raises(ActionRefused, match=words):
        do_record_observation(Indicator.objects.get(code=code), "西青区", period, value, release=release,
                              actor=office_admin, growth_rate=growth, breakdown=breakdown)


def test_cumulative_entry_is_stored_as_cumulative(loaded, office_admin):
    release = do_create_release("2024年3月统计月报", "区统计局", dt.date(2024, 4, 20), actor=office_admin)
    obs = do_record_observation(Indicator.objects.get(code="service_retail_growth"), "天津市", "2024年1-3月", None,
                                release=release, actor=office_admin, growth_rate="7.1")
    assert (obs.period, obs.is_cumulative, obs.period_end) == ("2024-03", True, dt.date(2024, 3, 31))


def test_release_needs_a_publisher(loaded, office_admin):
    with pytest.raises(ActionRefused):
        do_create_release("无来源", "", dt.date(2024, 1, 1), actor=office_admin)


# ---------------------------------------------------------------- command

def test_command_load_and_status(xiqing_plan):
    out = StringIO()
    call_command("indicators", "load", stdout=out)
    call_command("indicators", "load", stdout=out)
    text = out.getvalue()
    assert "新增草拟目标 1 个" in text and "未变" in text
    out = StringIO()
    call_command("indicators", "status", "resident_population", stdout=out)
    assert "常住人口［西青区］：数据不足" in out.getvalue() and "2020年序列断点之后" in out.getvalue()
