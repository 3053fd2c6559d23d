"""Report-quality flags: each check flags what it should (with a reason) and leaves sound reports alone; flags are
stored idempotently, run after submission without ever blocking it, and reviewers see them."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from iccity.core import clock
from iccity.evaluation import quality
from iccity.evaluation.actions import quality as quality_actions
from iccity.evaluation.actions.quality import do_check_pending, do_check_revision
from iccity.evaluation.models import QualityFlag
from iccity.indicators.models import Indicator, Observation, Release

from .scoring_fixtures import FACTUAL, World, today, world  # noqa: F401

D = dt.date
VAGUE = "我单位高度重视，加强宣传引导，营造良好氛围，推动消费提质扩容，助力经济社会高质量发展，切实做好服务保障。"
LONG = ("围绕商圈提升开展专项行动，组织商户开展促销，发放消费券，开展夜间经济活动，完善停车设施，"
        "优化营商环境，组织企业参加展会，推动老字号品牌焕新，培育首店经济。")


def codes(revision) -> set[str]:
    return {f.code for f in quality.check_revision(revision)}


def rev(report):
    return report.revisions.get()


# ---------------------------------------------------------------- empty and no_facts

def test_a_blank_or_boilerplate_only_report_is_flagged_empty(world: World):
    cycle = world.cycle(2026, 3)
    blank = world.report(cycle, world.lead, submitted=D(2026, 4, 2), narrative="  \n ")
    boiler = world.report(cycle, world.co, submitted=D(2026, 4, 2), narrative="稳步推进，积极落实，取得成效。")
    assert "empty" in codes(rev(blank))
    findings = quality.check_revision(rev(boiler))
    assert [f.code for f in findings] == ["empty"] and "套话" in findings[0].reason


def test_a_report_with_substance_is_not_flagged_empty(world: World):
    report = world.report(world.cycle(2026, 3), world.lead, submitted=D(2026, 4, 2))
    assert codes(rev(report)) == set()


def test_a_report_without_any_figure_date_place_or_project_is_flagged_no_facts(world: World):
    report = world.report(world.cycle(2026, 3), world.lead, submitted=D(2026, 4, 2), narrative=VAGUE)
    findings = quality.check_revision(rev(report))
    assert [f.code for f in findings] == ["no_facts"] and "数字、日期、地点或项目名称" in findings[0].reason


@pytest.mark.parametrize("fact", ["在杨柳青镇", "在中北", "印发《促消费工作方案》", "举办“西青美食节”", "共3场",
                                  "三月中旬", "在西青万达广场"])
def test_one_figure_date_place_or_project_name_is_enough_to_avoid_no_facts(world: World, fact):
    report = world.report(world.cycle(2026, 3), world.lead, submitted=D(2026, 4, 2), narrative=VAGUE + fact)
    assert "no_facts" not in codes(rev(report))


def test_figures_in_the_data_table_count_as_facts(world: World):
    report = world.report(world.cycle(2026, 3), world.lead, submitted=D(2026, 4, 2), narrative=VAGUE,
                          figures=[{"name": "发放消费券", "value": "200", "unit": "万元"}])
    assert "no_facts" not in codes(rev(report))


# ---------------------------------------------------------------- repeated and copied

def test_a_report_repeating_the_units_previous_report_is_flagged(world: World):
    world.report(world.cycle(2026, 2), world.lead, submitted=D(2026, 3, 2), narrative=FACTUAL)
    again = world.report(world.cycle(2026, 3), world.lead, submitted=D(2026, 4, 2), narrative=FACTUAL + "继续推进。")
    findings = [f for f in quality.check_revision(rev(again)) if f.code == "repeated"]
    assert len(findings) == 1 and "上期" in findings[0].reason
    assert findings[0].detail["similarity"] >= 0.8


def test_a_new_report_unlike_the_previous_one_is_not_flagged_repeated(world: World):
    world.report(world.cycle(2026, 2), world.lead, submitted=D(2026, 3, 2), narrative=FACTUAL)
    fresh = world.report(world.cycle(2026, 3), world.lead, submitted=D(2026, 4, 2),
                         narrative="4月8日在张家窝镇召开商户座谈会，收集意见27条，已办结19条；《夜间经济示范街区方案》完成初稿。")
    assert "repeated" not in codes(rev(fresh))


def test_a_report_copying_another_units_earlier_report_is_flagged_copied(world: World):
    cycle = world.cycle(2026, 3)
    original = world.report(cycle, world.other, task=world.t2, submitted=D(2026, 4, 1), narrative=LONG + "共3场。")
    copy = world.report(cycle, world.co, submitted=D(2026, 4, 2), narrative=LONG + "共4场。")
    findings = [f for f in quality.check_revision(rev(copy)) if f.code == "copied"]
    assert len(findings) == 1 and "区文旅局" in findings[0].reason and findings[0].key == f"report-{original.pk}"
    assert "copied" not in codes(rev(original))   # the earlier one is the original


def test_the_lead_unit_may_quote_its_co_units_on_the_same_task(world: World):
    cycle = world.cycle(2026, 3)
    world.report(cycle, world.co, submitted=D(2026, 4, 1), narrative=LONG + "共3场。")
    lead = world.report(cycle, world.lead, submitted=D(2026, 4, 2), narrative=LONG + "共3场。", is_lead=True)
    assert "copied" not in codes(rev(lead))


# ---------------------------------------------------------------- contradicts

@pytest.fixture
def retail(world):
    indicator = Indicator.objects.create(code="retail-test", name="社会消费品零售总额", definition="测试", unit="亿元",
                                         source_org="区统计局")
    release = Release.objects.create(title="2026年3月统计月报", publisher="区统计局", published_on=D(2026, 4, 20))
    Observation.objects.create(indicator=indicator, release=release, period="2026-03", period_end=D(2026, 3, 31),
                               value=Decimal("80"))
    return indicator


def test_a_figure_contradicting_the_official_statistic_is_flagged(world: World, retail):
    report = world.report(world.cycle(2026, 3), world.lead, submitted=D(2026, 4, 2),
                          figures=[{"name": "社会消费品零售总额", "value": "100", "unit": "亿元"}])
    findings = [f for f in quality.check_revision(rev(report)) if f.code == "contradicts"]
    assert len(findings) == 1
    assert "100" in findings[0].reason and "80" in findings[0].reason and "2026年3月统计月报" in findings[0].reason


def test_a_figure_in_the_narrative_is_read_and_compared_too(world: World, retail):
    report = world.report(world.cycle(2026, 3), world.lead, submitted=D(2026, 4, 2),
                          narrative="3月全区社会消费品零售总额达到120亿元，同比增长5%。")
    assert "contradicts" in codes(rev(report))


def test_a_figure_within_the_tolerance_or_in_another_unit_of_measure_agrees(world: World, retail):
    cycle = world.cycle(2026, 3)
    close = world.report(cycle, world.lead, submitted=D(2026, 4, 2),
                         figures=[{"name": "社会消费品零售总额", "value": "82", "unit": "亿元"}])
    wan = world.report(cycle, world.co, submitted=D(2026, 4, 2),
                       figures=[{"name": "社会消费品零售总额", "value": "800000", "unit": "万元"}])
    assert "contradicts" not in codes(rev(close)) | codes(rev(wan))


def test_a_figure_without_an_official_value_for_the_period_is_not_judged(world: World, retail):
    report = world.report(world.cycle(2026, 2), world.lead, submitted=D(2026, 3, 2),
                          figures=[{"name": "社会消费品零售总额", "value": "500", "unit": "亿元"}])
    assert "contradicts" not in codes(rev(report))


# ---------------------------------------------------------------- storing and the hook

def test_checking_twice_stores_each_flag_once_and_drops_flags_that_no_longer_apply(world: World):
    report = world.report(world.cycle(2026, 3), world.lead, submitted=D(2026, 4, 2), narrative=VAGUE)
    revision = rev(report)
    do_check_revision(revision)
    do_check_revision(revision)
    assert list(QualityFlag.objects.filter(revision=revision).values_list("code", flat=True)) == ["no_facts"]
    revision.narrative = FACTUAL   # e.g. a data fix by the office; the next nightly run clears the flag
    revision.save()
    assert do_check_pending() == 1
    assert not QualityFlag.objects.filter(revision=revision).exists()


def test_a_submitted_report_is_checked_after_commit_and_a_failing_check_never_blocks_it(
        xiqing_plan, django_user_model, django_capture_on_commit_callbacks, monkeypatch):
    from iccity.delivery.actions import do_dispatch_plan, do_open_cycle, do_save_draft, do_submit_report
    from iccity.delivery.models import Report
    from iccity.delivery.permissions import Scope
    from iccity.orgs.models import Person, Role, RoleAssignment, Unit
    from iccity.orgs.permissions import Actor

    def person(name, role, unit=None):
        user = django_user_model.objects.create_user(name, password="pass-123456")
        RoleAssignment.objects.create(person=Person.objects.create(user=user, name=name, unit=unit), role=role, unit=unit)
        return Scope.of(Actor.for_user(user))

    with clock.travel(D(2026, 3, 2)):
        office, unit = person("office1", Role.OFFICE_ADMIN), Unit.objects.get(name="区商务局")
        reporter = person("rep", Role.LIAISON, unit)
        do_dispatch_plan(xiqing_plan, scope=office, on=D(2026, 3, 2))
        cycle, _ = do_open_cycle(xiqing_plan.plan, D(2026, 3, 2), scope=office)
        first, second = Report.objects.filter(cycle=cycle, unit=unit)[:2]
        for report in (first, second):
            do_save_draft(report, {"narrative": "稳步推进，积极落实。"}, scope=reporter)
        with django_capture_on_commit_callbacks(execute=True):
            do_submit_report(first, scope=reporter)
        assert list(QualityFlag.objects.filter(revision__report=first).values_list("code", flat=True)) == ["empty"]

        def broken(revision):
            raise RuntimeError("检查出错")
        monkeypatch.setattr(quality_actions.quality, "check_revision", broken)
        with django_capture_on_commit_callbacks(execute=True):
            do_submit_report(second, scope=reporter)
        second.refresh_from_db()
        assert second.state == "submitted" and not QualityFlag.objects.filter(revision__report=second).exists()


def test_reviewers_see_the_flags_with_their_reason_on_the_report_page(world: World, client, office_admin):
    report = world.report(world.cycle(2026, 3), world.lead, submitted=D(2026, 4, 2), narrative=VAGUE)
    report.state, report.reached_review_at = "unit_approved", clock.now()
    report.save()
    do_check_revision(rev(report))
    client.force_login(office_admin)
    page = client.get(f"/delivery/reports/{report.pk}/").content.decode()
    assert "质量提示" in page and "无法核实进展" in page


def test_the_review_queue_shows_filters_counts_and_keeps_flagged_reports_out_of_batch_acceptance(
        world: World, client, office_admin):
    from iccity.delivery.actions import do_accept_reports
    from iccity.delivery.models import ReportRevision
    from iccity.delivery.permissions import Scope
    from iccity.orgs.permissions import Actor

    cycle = world.cycle(2026, 3)
    vague = world.report(cycle, world.lead, submitted=D(2026, 4, 2), narrative=VAGUE)
    sound = world.report(cycle, world.co, submitted=D(2026, 4, 2), narrative=FACTUAL)
    do_check_revision(rev(vague))
    do_check_revision(rev(sound))
    client.force_login(office_admin)
    page = client.get("/delivery/review/").content.decode()
    assert "质量提示：无具体事实" in page and f'id="pick-{vague.pk}" disabled' in page
    assert ">有质量提示（1）</option>" in page and ">无质量提示（1）</option>" in page
    only = client.get("/delivery/review/?flag=no_facts").content.decode()
    assert f'id="review-{vague.pk}"' in only and f'id="review-{sound.pk}"' not in only
    outcome = do_accept_reports({vague.pk: None, sound.pk: None}, scope=Scope.of(Actor.for_user(office_admin)))
    assert [r.pk for r in outcome.accepted] == [sound.pk] and "有质量提示（无具体事实" in outcome.summary
    # a later submitted revision is judged on its own: the first revision's flags no longer count
    ReportRevision.objects.create(report=vague, number=2, narrative=FACTUAL, submitted_at=clock.now())
    page = client.get("/delivery/review/?flag=any").content.decode()
    assert f'id="review-{vague.pk}"' not in page


def test_the_nightly_job_rechecks_only_revisions_submitted_since_the_given_day(world: World):
    cycle = world.cycle(2026, 3)
    old = world.report(cycle, world.lead, submitted=D(2026, 4, 2), narrative=VAGUE)
    new = world.report(cycle, world.co, submitted=D(2026, 4, 6), narrative=VAGUE + "。")
    assert do_check_pending(since=D(2026, 4, 5)) == 1
    assert not QualityFlag.objects.filter(revision__report=old).exists()
    assert QualityFlag.objects.filter(revision__report=new, code="no_facts").exists()
