"""Unit scoring: each rule type, caps and multipliers, ranks and rank change, traceability, reproducibility."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from iccity.core.actions import ActionRefused, do_ensure_rules
from iccity.core.models import AuditEvent, Rule
from iccity.core.rules import do_ensure_declared_rules
from iccity.delivery.models import Comment
from iccity.evaluation import scoring
from iccity.evaluation.actions.quality import do_check_revision
from iccity.evaluation.actions.scoring import do_add_score_adjustment, do_withdraw_score_adjustment
from iccity.evaluation.models import ScoreEntry, ScoreRun, UnitScore
from iccity.orgs.models import Person, Role, RoleAssignment

from .scoring_fixtures import World, today, world  # noqa: F401

D = dt.date


def score_of(run, unit) -> UnitScore:
    return UnitScore.objects.get(run=run, unit=unit)


def events_of(run, unit) -> list[tuple[str, str, Decimal]]:
    return sorted((e.event, e.role, e.points) for e in ScoreEntry.objects.filter(run=run, unit=unit))


def new_version(**changes) -> Rule:
    """A later version of the scoring rule with some rows' points changed, effective from ``effective_from``."""
    current = Rule.objects.filter(key=scoring.SCORING_RULE).order_by("-version").first()
    value = {**current.value, "rows": [dict(r) for r in current.value["rows"]]}
    for row in value["rows"]:
        row.update(changes.get(row["event"], {}))
    effective = changes.pop("effective_from", D(2026, 5, 1))
    do_ensure_rules([{"key": scoring.SCORING_RULE, "version": current.version + 1, "title": "新版", "value": value,
                      "effective_from": effective, "source": "测试：办公室修订"}])
    return Rule.objects.get(key=scoring.SCORING_RULE, version=current.version + 1)


def test_a_unit_that_reported_on_time_keeps_the_base_score(world: World):
    world.report(world.cycle(2026, 3), world.lead, submitted=D(2026, 4, 3))
    run = scoring.do_score_period("2026-03")
    s = score_of(run, world.lead)
    assert (s.base, s.bonus, s.deduction, s.total, s.rank) == (100, 0, 0, 100, 1)
    assert events_of(run, world.lead) == []


def test_a_report_never_submitted_costs_ten_points_once_the_cycle_has_closed(world: World):
    cycle = world.cycle(2026, 5)  # closes 2026-06-14, before TODAY
    world.report(cycle, world.lead)
    run = scoring.do_score_period("2026-05")
    assert events_of(run, world.lead) == [("missing_report", "", Decimal(-10))]
    assert score_of(run, world.lead).total == 90


def test_a_report_of_a_cycle_still_open_is_not_yet_counted_as_missing(world: World):
    cycle = world.cycle(2026, 5, close_days=20)  # closes 2026-06-20, after TODAY
    world.report(cycle, world.lead)
    run = scoring.do_score_period("2026-05")
    assert events_of(run, world.lead) == []
    assert "尚未关闭" in run.note


def test_a_report_submitted_after_the_due_date_costs_one_point(world: World):
    cycle = world.cycle(2026, 3)  # due 2026-04-07
    world.report(cycle, world.lead, submitted=D(2026, 4, 9))
    world.report(cycle, world.co, submitted=D(2026, 4, 7))
    run = scoring.do_score_period("2026-03")
    assert events_of(run, world.lead) == [("late_report", "", Decimal(-1))]
    assert events_of(run, world.co) == []


def test_a_report_flagged_as_without_substance_costs_five_points(world: World):
    cycle = world.cycle(2026, 3)
    empty = world.report(cycle, world.lead, submitted=D(2026, 4, 3), narrative="稳步推进，积极落实，取得成效。")
    factual = world.report(cycle, world.co, submitted=D(2026, 4, 3))
    for r in (empty, factual):
        do_check_revision(r.revisions.get())
    run = scoring.do_score_period("2026-03")
    assert events_of(run, world.lead) == [("no_substance", "", Decimal(-5))]
    assert events_of(run, world.co) == []


def test_an_item_done_by_its_baseline_deadline_earns_the_lead_unit_one_point(world: World):
    world.item(world.lead, D(2026, 3, 20), co=[world.co], done_on=D(2026, 3, 18))
    world.item(world.other, D(2026, 2, 20), done_on=D(2026, 3, 5))  # done in March, but late: no bonus
    run = scoring.do_score_period("2026-03")
    assert events_of(run, world.lead) == [("on_time_completion", "lead", Decimal(1))]
    assert events_of(run, world.co) == []
    assert score_of(run, world.lead).bonus == 1


def test_an_unfinished_item_costs_the_lead_five_and_each_co_unit_three(world: World):
    world.item(world.lead, D(2026, 3, 20), co=[world.co, world.other])
    run = scoring.do_score_period("2026-03")
    assert events_of(run, world.lead) == [("unfinished_task", "lead", Decimal(-5))]
    assert events_of(run, world.co) == [("unfinished_task", "co", Decimal(-3))]
    assert events_of(run, world.other) == [("unfinished_task", "co", Decimal(-3))]
    assert score_of(run, world.lead).deduction == 5


def test_an_extension_does_not_save_the_points_of_the_baseline_deadline(world: World):
    world.item(world.lead, D(2026, 3, 20), deadline=D(2026, 5, 30))
    world.item(world.co, D(2026, 3, 20), done_on=D(2026, 4, 2))  # done, but after the period's end
    run = scoring.do_score_period("2026-03")
    assert events_of(run, world.lead) == [("unfinished_task", "lead", Decimal(-5))]
    assert events_of(run, world.co) == [("unfinished_task", "lead", Decimal(-5))]


def office_user(django_user_model):
    user = django_user_model.objects.create_user("office1", password="pass-123456")
    RoleAssignment.objects.create(person=Person.objects.create(user=user, name="办公室"), role=Role.OFFICE_ADMIN)
    return user


def test_a_leader_commendation_recorded_by_the_office_adds_a_point_until_withdrawn(world: World, django_user_model):
    office = office_user(django_user_model)
    comment = Comment.objects.create(task=world.t1, text="做得好，值得推广", is_instruction=True)
    adj = do_add_score_adjustment(world.lead, "leader_commendation", D(2026, 3, 9), "区长批示肯定",
                                  actor=office, comment=comment)
    assert AuditEvent.objects.filter(action="evaluation.score_adjustment.added").exists()
    run = scoring.do_score_period("2026-03")
    assert events_of(run, world.lead) == [("leader_commendation", "", Decimal(1))]
    do_withdraw_score_adjustment(adj, "录错单位", actor=office)
    rerun = scoring.do_score_period("2026-03")
    assert events_of(rerun, world.lead) == []
    assert events_of(run, world.lead) == [("leader_commendation", "", Decimal(1))]  # the old run keeps its history


def test_only_manual_events_and_only_the_office_may_be_recorded_by_hand(world: World, django_user_model):
    office = office_user(django_user_model)
    with pytest.raises(ActionRefused, match="不是可手工录入"):
        do_add_score_adjustment(world.lead, "missing_report", D(2026, 3, 9), "想扣分", actor=office)
    stranger = django_user_model.objects.create_user("stranger", password="pass-123456")
    with pytest.raises(ActionRefused, match="只有领导小组办公室"):
        do_add_score_adjustment(world.lead, "leader_commendation", D(2026, 3, 9), "批示", actor=stranger)
    with pytest.raises(ActionRefused, match="事由"):
        do_add_score_adjustment(world.lead, "leader_commendation", D(2026, 3, 9), "  ", actor=office)


def test_entries_beyond_a_cap_are_kept_but_not_counted(world: World):
    new_version(unfinished_task={"cap": 8}, effective_from=D(2026, 1, 1))
    for day in (10, 11, 12):
        world.item(world.lead, D(2026, 3, day))
    run = scoring.do_score_period("2026-03")
    entries = list(ScoreEntry.objects.filter(run=run, unit=world.lead).order_by("occurred_on"))
    assert [e.capped for e in entries] == [False, True, True]   # 5 fits under 8; 10 would not
    assert score_of(run, world.lead).deduction == 5


def test_a_multiplier_scales_the_points(world: World):
    new_version(missing_report={"multiplier": 2}, effective_from=D(2026, 1, 1))
    world.report(world.cycle(2026, 5), world.lead)
    run = scoring.do_score_period("2026-05")
    assert events_of(run, world.lead) == [("missing_report", "", Decimal(-20))]


def test_a_past_period_scores_the_same_after_a_later_rule_change(world: World):
    world.report(world.cycle(2026, 3), world.lead)       # missing
    world.item(world.co, D(2026, 3, 20))                  # unfinished
    first = scoring.do_score_period("2026-03")
    before = {s.unit_id: s.total for s in first.scores.all()}
    v2 = new_version(missing_report={"points": -20}, unfinished_task={"points": -8})   # from 2026-05-01
    again = scoring.do_score_period("2026-03")
    assert {s.unit_id: s.total for s in again.scores.all()} == before == {world.lead.pk: 90, world.co.pk: 95}
    assert again.rule_id == first.rule_id != v2.pk
    world.report(world.cycle(2026, 5), world.lead)
    may = scoring.do_score_period("2026-05")
    assert may.rule_id == v2.pk and score_of(may, world.lead).total == 80


def test_rescoring_a_period_keeps_the_old_run_but_only_one_is_current(world: World):
    world.report(world.cycle(2026, 3), world.lead, submitted=D(2026, 4, 3))
    first = scoring.do_score_period("2026-03")
    second = scoring.do_score_period("2026-03")
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert ScoreRun.objects.filter(period="2026-03").count() == 2
    assert AuditEvent.objects.filter(action="evaluation.score_run.computed").count() == 2


def test_ties_share_a_rank_and_the_rank_change_compares_with_the_previous_period(world: World):
    feb, mar = world.cycle(2026, 2), world.cycle(2026, 3)
    world.report(feb, world.lead)                                    # Feb: lead 90, co 100, other 100
    world.report(feb, world.co, submitted=D(2026, 3, 2))
    world.report(feb, world.other, submitted=D(2026, 3, 2))
    world.report(mar, world.lead, submitted=D(2026, 4, 1))           # Mar: lead 100, co 90, other 99
    world.report(mar, world.co)
    world.report(mar, world.other, submitted=D(2026, 4, 9))
    feb_run = scoring.do_score_period("2026-02")
    assert [score_of(feb_run, u).rank for u in (world.lead, world.co, world.other)] == [3, 1, 1]
    mar_run = scoring.do_score_period("2026-03")
    lead, co, other = (score_of(mar_run, u) for u in (world.lead, world.co, world.other))
    assert (lead.rank, lead.previous_rank, lead.rank_change) == (1, 3, 2)
    assert (co.rank, co.previous_rank, co.rank_change) == (3, 1, -2)
    assert (other.rank, other.rank_change) == (2, -1)


def test_every_entry_names_the_record_that_caused_it(world: World, django_user_model):
    report = world.report(world.cycle(2026, 3), world.lead)
    item = world.item(world.co, D(2026, 3, 20))
    adj = do_add_score_adjustment(world.other, "leader_commendation", D(2026, 3, 9), "批示", actor=office_user(django_user_model))
    run = scoring.do_score_period("2026-03")
    sources = {e.event: e.source_type.get_object_for_this_type(pk=e.source_id) for e in run.entries.all()}
    assert sources == {"missing_report": report, "unfinished_task": item, "leader_commendation": adj}
    assert all(e.description for e in run.entries.all())


def test_periods_are_months_or_quarters_and_future_periods_are_refused(world: World):
    with pytest.raises(ActionRefused, match="无法识别"):
        scoring.do_score_period("2026年3月")
    with pytest.raises(ActionRefused, match="尚未开始"):
        scoring.do_score_period("2026-07")
    world.report(world.cycle(2026, 2), world.lead)
    world.report(world.cycle(2026, 3), world.co)
    q1 = scoring.do_score_period("2026q1")
    assert (q1.period, q1.period_start, q1.period_end) == ("2026Q1", D(2026, 1, 1), D(2026, 3, 31))
    assert {s.unit_id: s.total for s in q1.scores.all()} == {world.lead.pk: 90, world.co.pk: 90}
    assert scoring.parse_period("2026Q1").previous().key == "2025Q4"
    assert scoring.parse_period("2026-01").previous().key == "2025-12"


def test_the_league_table_lists_the_current_run_in_rank_order(world: World):
    assert scoring.league_table() == (None, [])
    world.report(world.cycle(2026, 3), world.lead)
    world.report(world.cycle(2026, 3), world.co, submitted=D(2026, 4, 2))
    scoring.do_score_period("2026-03")
    run, rows = scoring.league_table("2026-03")
    assert run.period == "2026-03" and [r.unit for r in rows] == [world.co, world.lead]
    assert scoring.league_table()[0] == run
    assert scoring.scored_periods() == ["2026-03"]


def test_the_default_rules_cite_their_sources(db):
    do_ensure_declared_rules(prefix="evaluation.")
    rule = Rule.objects.in_force(scoring.SCORING_RULE, dt.date(2026, 1, 1))
    assert rule.value["base"] == 100 and all(row["source"] for row in rule.value["rows"])
    assert Rule.objects.filter(key="evaluation.quality").exists()
    assert do_ensure_declared_rules(prefix="evaluation.") == []   # safe to run twice
