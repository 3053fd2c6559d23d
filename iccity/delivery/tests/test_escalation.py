"""催报, 签收提醒 and the 催办单 → 督办单 → 红色督办 ladder, judged in working days."""
import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from iccity.core import clock
from iccity.core.calendar import WorkdayCalendar
from iccity.core.models import Rule
from iccity.delivery.actions import do_acknowledge, do_open_cycle, do_review, do_save_draft, do_submit_report, do_unit_approve
from iccity.delivery.escalation import (
    in_due_soon_window, ladder, run_reminders, step_to_issue, workdays_overdue,
)
from iccity.delivery.models import Acknowledgement, AckState, Notice, Report, ReportState, WorkItem, WorkItemState
from iccity.core.rules import do_ensure_declared_rules
from iccity.delivery.rules import ESCALATION

CAL = WorkdayCalendar()
DEFAULT_STEPS = [("urge", 1), ("supervise", 5), ("red", 10)]


def only_units(cycle, *units):
    """Everyone else has reported (and every assignment is acknowledged), so assertions are about the units named."""
    Acknowledgement.objects.update(state=AckState.ACKNOWLEDGED)
    Report.objects.filter(cycle=cycle).exclude(unit__in=units).update(state=ReportState.ACCEPTED, reached_review_at=clock.now())


def kinds_for(unit, **filters):
    """Kinds of the notices this pass created for ``unit`` (not the 交办 notices of the fixture)."""
    notices = Notice.objects.filter(unit=unit, **filters).exclude(dedupe_key__startswith="dispatch-")
    return sorted(notices.values_list("kind", flat=True))


def make_item(cast, deadline, **extra):
    item = WorkItem.objects.create(task=cast.task, title="完成商圈提升规划", lead_unit=cast.lead_unit, deadline=deadline,
                                   baseline_deadline=extra.pop("baseline_deadline", deadline), state=WorkItemState.ACTIVE, **extra)
    item.co_units.set([cast.co_unit])
    return item


# -- pure functions -------------------------------------------------------------------------------------------------

def test_due_soon_window_starts_exactly_n_working_days_before_and_ends_on_the_due_day(db):
    due = dt.date(2026, 4, 8)  # 清明 (4–6 April) lies inside the window
    start = CAL.add_workdays(due, -3)
    assert start == dt.date(2026, 4, 2)
    assert not in_due_soon_window(start - dt.timedelta(days=1), due, 3, CAL)
    assert in_due_soon_window(start, due, 3, CAL)
    assert in_due_soon_window(dt.date(2026, 4, 5), due, 3, CAL)  # holiday inside the window
    assert in_due_soon_window(due, due, 3, CAL)
    assert not in_due_soon_window(due + dt.timedelta(days=1), due, 3, CAL)


def test_spring_festival_does_not_count_as_days_overdue(db):
    due = dt.date(2026, 2, 13)  # the Friday before 春节 2026
    assert workdays_overdue(due, dt.date(2026, 2, 14), CAL) == 1  # 调休上班 Saturday
    assert workdays_overdue(due, dt.date(2026, 2, 20), CAL) == 1  # a calendar week later, mid-holiday
    assert workdays_overdue(due, dt.date(2026, 2, 23), CAL) == 1
    assert workdays_overdue(due, dt.date(2026, 2, 24), CAL) == 2
    assert workdays_overdue(due, due, CAL) == 0


def test_only_the_highest_step_reached_is_issued_and_never_a_lower_one_after_it():
    assert step_to_issue(0, DEFAULT_STEPS, set()) is None
    assert step_to_issue(1, DEFAULT_STEPS, set()) == "urge"
    assert step_to_issue(4, DEFAULT_STEPS, {"urge"}) is None
    assert step_to_issue(5, DEFAULT_STEPS, {"urge"}) == "supervise"
    assert step_to_issue(12, DEFAULT_STEPS, set()) == "red"  # missed runs: no back-filling
    assert step_to_issue(7, DEFAULT_STEPS, {"red"}) is None
    assert ladder({"steps": [{"kind": "red", "after_working_days": 3}, {"kind": "nonsense", "after_working_days": 1},
                             {"kind": "urge", "after_working_days": 1}]}) == [("urge", 1), ("red", 3)]


# -- 催报 -------------------------------------------------------------------------------------------------------------

def test_due_soon_sends_one_grouped_notice_per_unit_from_n_working_days_before(cast, cycle):
    only_units(cycle, cast.lead_unit, cast.co_unit)
    start = CAL.add_workdays(cycle.due_on, -3)
    assert run_reminders(start - dt.timedelta(days=1)).total == 0
    summary = run_reminders(start)
    assert summary.created["due_soon"] == 2 and summary.total == 2
    notice = Notice.objects.get(unit=cast.lead_unit, kind="due_soon")
    lead_tasks = Report.objects.filter(cycle=cycle, unit=cast.lead_unit)
    assert notice.cycle == cycle and f"（{lead_tasks.count()}项）" in notice.title
    assert all(r.task.key in notice.body for r in lead_tasks)
    assert "还有 3 个工作日" in notice.body
    assert run_reminders(start).total == 0
    assert run_reminders(cycle.due_on).total == 0  # once per unit per cycle


def test_due_soon_skips_units_whose_reports_reached_review_and_lists_those_waiting_for_the_head(cast, cycle):
    only_units(cycle, cast.lead_unit)
    report = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
    Report.objects.filter(cycle=cycle, unit=cast.lead_unit).exclude(pk=report.pk).update(state=ReportState.UNIT_APPROVED)
    with clock.travel(cycle.due_on):
        do_save_draft(report, {"narrative": "推进中"}, scope=cast.scope("reporter"))
        do_submit_report(report, scope=cast.scope("reporter"))
        run_reminders(cycle.due_on)
    notice = Notice.objects.get(kind="due_soon")
    assert notice.unit == cast.lead_unit and notice.report == report and "（1项）" in notice.title
    assert "待单位负责人审核" in notice.body and "今天截止" in notice.body


# -- the ladder for reports -----------------------------------------------------------------------------------------

def test_report_ladder_rises_one_step_at_a_time_on_consecutive_days(cast, cycle):
    only_units(cycle, cast.co_unit)
    issued = {}
    day = cycle.due_on
    while day <= cycle.closes_on + dt.timedelta(days=3):
        before = set(Notice.objects.values_list("pk", flat=True))
        run_reminders(day)
        for notice in Notice.objects.exclude(pk__in=before).filter(kind__in=["urge", "supervise", "red"]):
            issued[notice.kind] = day
        day += dt.timedelta(days=1)
    assert issued == {"urge": CAL.add_workdays(cycle.due_on, 1), "supervise": CAL.add_workdays(cycle.due_on, 5),
                      "red": CAL.add_workdays(cycle.due_on, 10)}
    assert kinds_for(cast.co_unit, cycle=cycle) == ["due_soon", "red", "supervise", "urge"]
    numbers = list(Notice.objects.filter(kind__in=["urge", "supervise", "red"]).order_by("id")
                   .values_list("document_number", flat=True))
    assert numbers == ["西青消费督〔2026〕第1号", "西青消费督〔2026〕第2号", "西青消费督〔2026〕第3号"]
    red = Notice.objects.get(kind="red")
    assert red.body.startswith("西青消费督〔2026〕第3号") and "逾期 10 个工作日" in red.body
    # 红色督办 is copied to the host unit of the task force driving T1 (区商务局), with the same number
    copy = Notice.objects.get(kind="info", unit=cast.lead_unit)
    assert copy.document_number == red.document_number and copy.title.startswith("抄送：红色督办")


def test_a_missed_week_issues_only_the_highest_step_and_nothing_lower_afterwards(cast, cycle):
    only_units(cycle, cast.co_unit)
    run_reminders(CAL.add_workdays(cycle.due_on, 6))
    assert kinds_for(cast.co_unit) == ["supervise"]
    run_reminders(CAL.add_workdays(cycle.due_on, 7))
    assert kinds_for(cast.co_unit) == ["supervise"]


def test_running_twice_a_day_creates_nothing_the_second_time(cast, cycle):
    day = CAL.add_workdays(cycle.due_on, 1)
    first = run_reminders(day)
    assert first.created["urge"] == Report.objects.filter(cycle=cycle).values("unit").distinct().count()
    count = Notice.objects.count()
    assert run_reminders(day).total == 0 and Notice.objects.count() == count


def test_a_report_sent_up_on_time_and_returned_later_is_not_late_but_one_awaiting_the_head_is(cast, cycle):
    only_units(cycle, cast.lead_unit, cast.co_unit)
    Report.objects.filter(cycle=cycle, unit=cast.lead_unit).exclude(task=cast.task).update(state=ReportState.ACCEPTED)
    Report.objects.filter(cycle=cycle, unit=cast.co_unit).exclude(task=cast.task).update(state=ReportState.ACCEPTED)
    lead = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
    co = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.co_unit)
    with clock.travel(cycle.due_on):
        do_save_draft(lead, {"narrative": "推进中"}, scope=cast.scope("reporter"))
        do_submit_report(lead, scope=cast.scope("reporter"))
        do_unit_approve(lead, scope=cast.scope("head"))
        do_save_draft(co, {"narrative": "配合推进"}, scope=cast.scope("co_reporter"))
        do_submit_report(co, scope=cast.scope("co_reporter"))  # the head has not approved it
    later = CAL.add_workdays(cycle.due_on, 2)
    with clock.travel(later):
        do_review(lead, False, "请补充数据", scope=cast.scope("tf_member"))
    run_reminders(later)
    assert kinds_for(cast.lead_unit) == ["returned"]
    urge = Notice.objects.get(kind="urge")
    assert urge.unit == cast.co_unit and urge.report == co and "待单位负责人审核" in urge.body


def test_a_report_due_before_spring_festival_is_not_supervised_during_the_holiday(cast):
    january, _ = do_open_cycle(cast.version.plan, dt.date(2026, 1, 15))
    january.due_on = dt.date(2026, 2, 13)
    january.save()
    only_units(january, cast.co_unit)
    run_reminders(dt.date(2026, 2, 20))  # five weekdays later, all of them 春节
    assert kinds_for(cast.co_unit) == ["urge"]
    run_reminders(dt.date(2026, 2, 26))
    assert kinds_for(cast.co_unit) == ["urge"]
    run_reminders(dt.date(2026, 2, 27))  # 14 (调休), 24, 25, 26, 27
    assert kinds_for(cast.co_unit) == ["supervise", "urge"]


def test_a_new_escalation_rule_applies_to_items_judged_after_its_date(cast, cycle):
    only_units(cycle, cast.co_unit)
    do_ensure_declared_rules(prefix="delivery.")
    changed_on = CAL.add_workdays(cycle.due_on, 3)
    Rule.objects.create(key=ESCALATION, version=2, title="逾期升级（加快）", effective_from=changed_on, source="测试",
                        value={"steps": [{"kind": "urge", "after_working_days": 1}, {"kind": "supervise", "after_working_days": 3},
                                         {"kind": "red", "after_working_days": 4}], "document_prefix": "西青督"})
    run_reminders(CAL.add_workdays(cycle.due_on, 2))
    assert kinds_for(cast.co_unit) == ["urge"]
    run_reminders(changed_on)
    assert kinds_for(cast.co_unit) == ["supervise", "urge"]
    assert Notice.objects.get(kind="supervise").document_number == "西青督〔2026〕第1号"
    run_reminders(CAL.add_workdays(cycle.due_on, 4))
    assert kinds_for(cast.co_unit) == ["red", "supervise", "urge"]


def test_reports_of_a_closed_cycle_are_no_longer_chased(cast, cycle):
    only_units(cycle, cast.co_unit)
    assert run_reminders(cycle.closes_on + dt.timedelta(days=1)).total == 0


# -- work items -----------------------------------------------------------------------------------------------------

def test_an_overdue_work_item_goes_to_its_lead_unit_with_copies_to_co_units_and_red_to_task_force_hosts(cast):
    item = make_item(cast, dt.date(2026, 2, 13))
    item.lead_unit = cast.other_unit
    item.save()
    run_reminders(dt.date(2026, 2, 20))
    urge = Notice.objects.get(kind="urge")
    assert urge.unit == cast.other_unit and urge.work_item == item and "逾期 1 个工作日" in urge.title
    assert Notice.objects.get(kind="info").unit == cast.co_unit
    run_reminders(dt.date(2026, 3, 10))  # 10 working days: 14 Feb, 24–27 Feb, 2–6 Mar, 9 Mar… → red
    red = Notice.objects.get(kind="red")
    copies = set(Notice.objects.filter(kind="info", document_number=red.document_number).values_list("unit__name", flat=True))
    assert copies == {"区协同办", "区商务局"}  # co-unit, and the host of the 专班 driving T1
    assert not Notice.objects.filter(kind="supervise").exists()


def test_an_extended_deadline_that_is_missed_again_starts_a_fresh_ladder(cast):
    item = make_item(cast, dt.date(2026, 2, 13))
    run_reminders(dt.date(2026, 2, 24))
    WorkItem.objects.filter(pk=item.pk).update(deadline=dt.date(2026, 2, 27))
    assert run_reminders(dt.date(2026, 2, 27)).total == 0
    run_reminders(dt.date(2026, 3, 2))
    urges = Notice.objects.filter(kind="urge", work_item=item).order_by("id")
    assert urges.count() == 2 and "已延期" in urges[1].body


def test_done_items_and_items_not_yet_due_are_left_alone(cast):
    done = make_item(cast, dt.date(2026, 2, 13))
    WorkItem.objects.filter(pk=done.pk).update(state=WorkItemState.DONE)
    make_item(cast, dt.date(2026, 3, 6))
    assert run_reminders(dt.date(2026, 3, 6)).total == 0


# -- acknowledgements -----------------------------------------------------------------------------------------------

def test_pending_acknowledgements_get_one_reminder_per_unit_after_the_deadline(cast, cycle):
    due = Acknowledgement.objects.values_list("due_on", flat=True).first()
    for ack in Acknowledgement.objects.filter(assignment__unit=cast.co_unit):
        do_acknowledge(ack, scope=cast.scope("co_reporter"))
    assert run_reminders(due).total == 0
    summary = run_reminders(CAL.add_workdays(due, 1))
    pending_units = Acknowledgement.objects.filter(state=AckState.PENDING).values("assignment__unit").distinct().count()
    assert summary.created["ack_due"] == pending_units > 0
    assert not Notice.objects.filter(kind="ack_due", unit=cast.co_unit, dedupe_key__startswith="ack-overdue-").exists()
    notice = Notice.objects.get(kind="ack_due", unit=cast.lead_unit, dedupe_key__startswith="ack-overdue-")
    assert cast.task.key in notice.body and "逾期 1 个工作日" in notice.body
    assert run_reminders(CAL.add_workdays(due, 5)).created["ack_due"] == 0


# -- bulk loading and missing holiday data --------------------------------------------------------------------------

def test_the_pass_uses_a_bounded_number_of_queries(cast, cycle):
    day = CAL.add_workdays(cycle.due_on, 1)

    def queries_of_a_quiet_run(items: int) -> int:
        for n in range(items):
            make_item(cast, dt.date(2026, 2, 2) + dt.timedelta(days=n % 5))
        run_reminders(day)
        with CaptureQueriesContext(connection) as ctx:
            assert run_reminders(day).total == 0
        return len(ctx.captured_queries)

    few = queries_of_a_quiet_run(3)
    assert few <= 14
    assert queries_of_a_quiet_run(40) == few  # 318 reports, 43 overdue items: no query per subject


def test_a_year_without_holiday_data_is_reported_not_guessed(cast):
    make_item(cast, dt.date(2026, 12, 30))
    summary = run_reminders(dt.date(2027, 1, 6))
    assert summary.unjudged == 1 and summary.missing_years == {2027}
    assert "2027年的法定节假日安排尚无数据" in summary.missing_message() and "未能判断" in summary.line()
    assert not Notice.objects.filter(work_item__isnull=False).exists()


def test_december_warns_when_next_years_holidays_are_missing(db):
    assert any("2027年的法定节假日安排尚未录入" in w for w in run_reminders(dt.date(2026, 12, 1)).warnings)
    assert run_reminders(dt.date(2026, 11, 30)).warnings == []


def test_document_numbers_continue_across_subjects_within_a_year(cast, cycle):
    only_units(cycle, cast.co_unit, cast.other_unit)
    run_reminders(CAL.add_workdays(cycle.due_on, 1))
    numbers = sorted(Notice.objects.filter(kind="urge").values_list("document_number", flat=True))
    assert numbers == ["西青消费督〔2026〕第1号", "西青消费督〔2026〕第2号"]
