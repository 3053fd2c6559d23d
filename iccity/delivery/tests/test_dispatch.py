"""交办 → 签收 / 退回 → 改派: one acknowledgement per real unit, due N working days later by the rule table and the
holiday calendar; returned tasks are re-routed by the office and only the unit now responsible reports."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from iccity.core import clock
from iccity.core.actions import ActionRefused, ConflictError
from iccity.core.calendar import WorkdayCalendar
from iccity.core.models import AuditEvent, Rule
from iccity.delivery.actions import (
    do_acknowledge, do_dispatch_plan, do_open_cycle, do_reroute, do_return_assignment, do_save_draft,
)
from iccity.delivery.models import Acknowledgement, AckState, Notice, Report
from iccity.delivery.rules import ACK_DEADLINE, rule_value
from iccity.orgs.models import Unit
from iccity.plans.models import Assignment, RoleSource

from .conftest import TODAY

DISPATCH_DAY = dt.date(2026, 2, 12)  # Thursday before the 2026 Spring Festival


def ack_of(cast, unit, task=None) -> Acknowledgement:
    return Acknowledgement.objects.get(assignment__task=task or cast.task, assignment__unit=unit, assignment__parent=None)


# --------------------------------------------------------------------------------------------------------------------
# Dispatch
# --------------------------------------------------------------------------------------------------------------------
def test_dispatch_opens_one_acknowledgement_per_real_responsible_unit(cast):
    created = do_dispatch_plan(cast.version, scope=cast.scope("office"), on=TODAY)
    assignments = Assignment.objects.filter(task__version=cast.version)
    real = assignments.exclude(unit__unit_type="collective")
    assert created == real.count() == Acknowledgement.objects.count()
    assert set(Acknowledgement.objects.values_list("assignment_id", flat=True)) == set(real.values_list("pk", flat=True))
    assert not Acknowledgement.objects.filter(assignment__unit__unit_type="collective").exists()


def test_collective_is_expanded_to_member_towns_and_gets_no_acknowledgement_itself(cast):
    do_dispatch_plan(cast.version, scope=cast.scope("office"), on=TODAY)
    collective = Assignment.objects.get(task__version=cast.version, task__key="T3", unit__name="各镇人民政府和街道办事处")
    assert not Acknowledgement.objects.filter(assignment=collective).exists()
    members = set(collective.unit.resolve_members())
    acked = {a.assignment.unit for a in Acknowledgement.objects.filter(assignment__parent=collective).select_related("assignment__unit")}
    assert members and acked == members
    assert all(u.unit_type in ("town", "subdistrict") for u in acked)


def test_dispatch_before_the_spring_festival_counts_working_days_across_the_holiday(cast):
    calendar = WorkdayCalendar()
    # What the calendar says about February 2026 (State Council notice): Saturday 14th is a make-up working day,
    # 15th–23rd are off, 24th is the first working day after the festival.
    assert calendar.is_makeup_workday(dt.date(2026, 2, 14))
    assert all(calendar.is_rest_day(dt.date(2026, 2, d)) for d in range(15, 24))
    assert calendar.is_workday(dt.date(2026, 2, 13)) and calendar.is_workday(dt.date(2026, 2, 24))
    with clock.travel(DISPATCH_DAY):
        do_dispatch_plan(cast.version, scope=cast.scope("office"))
    days = rule_value(ACK_DEADLINE, DISPATCH_DAY)["working_days"]
    expected = calendar.add_workdays(DISPATCH_DAY, days)
    assert expected == dt.date(2026, 2, 24)  # 13th, make-up 14th, then 24th
    assert calendar.workdays_between(DISPATCH_DAY, expected) == days
    assert set(Acknowledgement.objects.values_list("dispatched_on", "due_on")) == {(DISPATCH_DAY, expected)}
    notice = Notice.objects.filter(kind="ack_due", unit=cast.lead_unit).get()
    assert "2026年2月24日" in notice.body  # no zero padding (GB/T 9704 §7.3.5.4)


def test_acknowledgement_deadline_follows_the_rule_in_force(cast):
    Rule.objects.create(key=ACK_DEADLINE, version=2, title="交办后签收时限", value={"working_days": 5},
                        effective_from=dt.date(2026, 1, 1), source="测试：办公室修订")
    do_dispatch_plan(cast.version, scope=cast.scope("office"), on=DISPATCH_DAY)
    due = ack_of(cast, cast.lead_unit).due_on
    assert due == WorkdayCalendar().add_workdays(DISPATCH_DAY, 5) == dt.date(2026, 2, 26)


def test_dispatching_twice_creates_nothing_new(cast):
    first = do_dispatch_plan(cast.version, scope=cast.scope("office"), on=TODAY)
    notices = Notice.objects.count()
    assert do_dispatch_plan(cast.version, scope=cast.scope("office"), on=TODAY) == 0
    assert do_dispatch_plan(cast.version, scope=cast.scope("office"), on=dt.date(2026, 3, 3)) == 0
    assert Acknowledgement.objects.count() == first and Notice.objects.count() == notices


def test_one_notice_per_unit_lists_all_its_tasks(cast):
    do_dispatch_plan(cast.version, scope=cast.scope("office"), on=TODAY)
    keys = set(Assignment.objects.filter(task__version=cast.version, unit=cast.lead_unit).values_list("task__key", flat=True))
    notice = Notice.objects.get(kind="ack_due", unit=cast.lead_unit)
    assert f"（{len(keys)}项）" in notice.title and all(k in notice.body for k in keys)


# --------------------------------------------------------------------------------------------------------------------
# Acknowledge / return
# --------------------------------------------------------------------------------------------------------------------
def test_acknowledging_on_time_is_not_late(cast, cycle):
    ack = do_acknowledge(ack_of(cast, cast.lead_unit), scope=cast.scope("reporter"))
    assert (ack.state, ack.acted_by, ack.acted_at) == (AckState.ACKNOWLEDGED, cast.reporter, clock.now())
    assert not ack.is_late(clock.today())
    assert AuditEvent.objects.get(action="delivery.assignment.acknowledged").after == {"late": False}


def test_acknowledging_after_the_due_day_is_flagged_late(cast, cycle):
    ack = ack_of(cast, cast.lead_unit)
    assert ack.due_on == dt.date(2026, 3, 5)
    with clock.travel(dt.date(2026, 3, 5)):
        assert not ack.is_late(clock.today())  # the due day itself is on time
    with clock.travel(dt.date(2026, 3, 6)):
        assert ack.is_late(clock.today())  # still pending: 领办逾期
        ack = do_acknowledge(ack, scope=cast.scope("head"))
    assert ack.is_late(dt.date(2026, 12, 31))  # stays late once acknowledged late
    assert AuditEvent.objects.get(action="delivery.assignment.acknowledged").after == {"late": True}


@pytest.mark.parametrize("reason", ["", "   ", "不是"])
def test_return_without_a_real_reason_is_refused(cast, cycle, reason):
    ack = ack_of(cast, cast.co_unit)
    with pytest.raises(ActionRefused) as info:
        do_return_assignment(ack, reason, scope=cast.scope("co_reporter"))
    assert info.value.message == "退回必须说明理由（至少4个字），以便办公室改派"
    ack.refresh_from_db()
    assert ack.state == AckState.PENDING and ack.return_reason == ""


def test_return_with_reason_and_no_double_handling(cast, cycle):
    ack = do_return_assignment(ack_of(cast, cast.co_unit), "  本单位不承担商圈规划职责 ", scope=cast.scope("co_reporter"))
    assert (ack.state, ack.return_reason, ack.acted_by) == (AckState.RETURNED, "本单位不承担商圈规划职责", cast.co_reporter)
    with pytest.raises(ConflictError, match="该任务已退回，无需重复操作"):
        do_acknowledge(ack_of(cast, cast.co_unit), scope=cast.scope("co_head"))


def test_returning_unit_no_longer_reports_and_its_untouched_slot_is_closed(cast, cycle):
    assert Report.objects.filter(cycle=cycle, task=cast.task, unit=cast.co_unit).exists()
    do_return_assignment(ack_of(cast, cast.co_unit), "本单位不承担该项工作", scope=cast.scope("co_reporter"))
    assert not Report.objects.filter(cycle=cycle, task=cast.task, unit=cast.co_unit).exists()
    april, _ = do_open_cycle(cast.version.plan, dt.date(2026, 4, 1), scope=cast.scope("office"))
    assert not Report.objects.filter(cycle=april, task=cast.task, unit=cast.co_unit).exists()
    assert Report.objects.filter(cycle=april, task=cast.task, unit=cast.lead_unit).exists()


def test_returning_keeps_a_report_the_unit_already_wrote(cast, cycle):
    report = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.co_unit)
    do_save_draft(report, {"narrative": "已有内容"}, scope=cast.scope("co_reporter"))
    do_return_assignment(ack_of(cast, cast.co_unit), "本单位不承担该项工作", scope=cast.scope("co_reporter"))
    assert Report.objects.filter(pk=report.pk).exists()


# --------------------------------------------------------------------------------------------------------------------
# Re-route
# --------------------------------------------------------------------------------------------------------------------
@pytest.fixture
def returned(cast, cycle) -> Acknowledgement:
    return do_return_assignment(ack_of(cast, cast.co_unit), "本单位不承担该项工作", scope=cast.scope("co_reporter"))


def test_office_reroutes_a_returned_task_to_another_unit(cast, cycle, returned):
    target = cast.other_unit
    with clock.travel(dt.date(2026, 3, 4)):
        new_ack = do_reroute(returned, target, scope=cast.scope("office"), note="改由该单位承担")
    returned.refresh_from_db()
    assert (returned.state, returned.rerouted_to) == (AckState.REROUTED, target)
    assignment = new_ack.assignment
    assert (assignment.task, assignment.unit, assignment.role, assignment.role_source) == (cast.task, target, "co", RoleSource.OVERRIDE)
    assert (new_ack.state, new_ack.dispatched_on) == (AckState.PENDING, dt.date(2026, 3, 4))
    assert new_ack.due_on == WorkdayCalendar().add_workdays(dt.date(2026, 3, 4), 3)
    assert Notice.objects.filter(kind="ack_due", unit=target, task=cast.task, title__startswith="改派任务待签收").exists()
    audit = AuditEvent.objects.get(action="delivery.assignment.rerouted")
    assert (audit.before, audit.after, audit.note) == ({"unit": "区协同办"}, {"unit": target.name}, "改由该单位承担")


def test_rerouted_unit_reports_in_open_and_later_cycles_the_returning_unit_does_not(cast, cycle, returned):
    target = cast.other_unit
    do_reroute(returned, target, scope=cast.scope("office"))
    assert Report.objects.filter(cycle=cycle, task=cast.task, unit=target, is_lead=False).exists()
    april, _ = do_open_cycle(cast.version.plan, dt.date(2026, 4, 1), scope=cast.scope("office"))
    assert Report.objects.filter(cycle=april, task=cast.task, unit=target).exists()
    assert not Report.objects.filter(task=cast.task, unit=cast.co_unit).exists()


def test_rerouted_unit_acknowledges_late_when_past_its_own_due_day(cast, cycle, returned):
    new_ack = do_reroute(returned, cast.other_unit, scope=cast.scope("office"))
    with clock.travel(new_ack.due_on + dt.timedelta(days=1)):
        acked = do_acknowledge(new_ack, scope=cast.scope("other_reporter"))
    assert acked.is_late(clock.today())


@pytest.mark.parametrize("role", ["tf_lead", "leader", "head", "co_head"])
def test_only_the_office_reroutes(cast, cycle, returned, role):
    with pytest.raises(PermissionDenied, match="只有领导小组办公室可以改派任务"):
        do_reroute(returned, cast.other_unit, scope=cast.scope(role))
    returned.refresh_from_db()
    assert returned.state == AckState.RETURNED


@pytest.mark.parametrize("state", ["pending", "acknowledged"])
def test_only_returned_tasks_can_be_rerouted(cast, cycle, state):
    ack = ack_of(cast, cast.lead_unit)
    if state == "acknowledged":
        do_acknowledge(ack, scope=cast.scope("reporter"))
    count = Acknowledgement.objects.count()
    with pytest.raises(ConflictError, match="只有已退回的任务可以改派"):
        do_reroute(ack, cast.other_unit, scope=cast.scope("office"))
    assert Acknowledgement.objects.count() == count


def test_rerouting_twice_is_refused(cast, cycle, returned):
    do_reroute(returned, cast.other_unit, scope=cast.scope("office"))
    with pytest.raises(ConflictError, match="只有已退回的任务可以改派"):
        do_reroute(returned, Unit.objects.get(name="南站公司"), scope=cast.scope("office"))


def test_rerouting_to_a_collective_is_refused(cast, cycle, returned):
    collective = Unit.objects.get(name="各镇人民政府和街道办事处")
    with pytest.raises(ActionRefused, match="请改派给具体单位，而不是集合名称"):
        do_reroute(returned, collective, scope=cast.scope("office"))
    returned.refresh_from_db()
    assert returned.state == AckState.RETURNED and returned.rerouted_to is None


def test_rerouting_back_to_the_returning_unit_is_refused(cast, cycle, returned):
    with pytest.raises(ActionRefused, match="不能改派给退回该任务的单位本身，请选择其他单位"):
        do_reroute(returned, cast.co_unit, scope=cast.scope("office"))
    returned.refresh_from_db()
    assert returned.state == AckState.RETURNED
