"""Two people acting on the same object at the same moment: exactly one wins, the other gets a ConflictError with a
clear message, and the log holds one entry for the step.

The threaded tests really race two database connections (a barrier releases both threads together): on PostgreSQL
``select_for_update`` serialises them, on SQLite ``BEGIN IMMEDIATE`` with a busy timeout does. The deterministic
tests replay the loser's view with a stale ``lock_version`` / instance.
"""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection

from iccity.core.actions import ConflictError
from iccity.delivery.actions import (
    do_acknowledge, do_create_work_item, do_decide_extension, do_request_extension, do_review, do_save_draft,
    do_submit_report, do_unit_approve,
)
from iccity.delivery.models import Acknowledgement, AckState, ExtensionRequest, ExtensionState, Report, ReportEvent, ReportState, WorkItem

MOVED_ON = "该报告已被他人处理，当前状态为“{}”，请刷新后再看"


def race(*actions):
    """Run the actions in parallel threads released together; return each one's result or exception."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # Django's SQLite test database is a shared-cache in-memory one, whose table locks fail at once
        # ("database table is locked") instead of waiting like the file database the platform runs on.
        pytest.skip("内存 SQLite 测试库无法真实并发：请用 PostgreSQL（DATABASE_URL）或文件 SQLite 测试库（TEST NAME）运行")
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait(timeout=10)
            results[i] = action()
        except Exception as exc:  # noqa: BLE001 - the caller inspects what each thread got
            results[i] = exc
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung: the database did not serialise the two writers"
    close_old_connections()
    return results


def unit_approved(cast, cycle) -> Report:
    report = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
    do_save_draft(report, {"narrative": "完成南站商圈规划初稿"}, scope=cast.scope("reporter"))
    do_submit_report(report, scope=cast.scope("reporter"))
    do_unit_approve(report, scope=cast.scope("head"))
    return Report.objects.get(pk=report.pk)


def one_winner(results) -> tuple[object, ConflictError]:
    conflicts = [r for r in results if isinstance(r, ConflictError)]
    others = [r for r in results if not isinstance(r, ConflictError)]
    assert len(conflicts) == 1 and len(others) == 1, results
    assert not isinstance(others[0], Exception), others[0]
    return others[0], conflicts[0]


# --------------------------------------------------------------------------------------------------------------------
# Real races
# --------------------------------------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_accept_and_return_exactly_one_wins(cast, cycle):
    report = unit_approved(cast, cycle)
    member, lead = cast.scope("tf_member"), cast.scope("tf_lead")
    results = race(lambda: do_review(Report.objects.get(pk=report.pk), True, "同意", scope=member),
                   lambda: do_review(Report.objects.get(pk=report.pk), False, "请补充招商数据", scope=lead))
    winner, conflict = one_winner(results)
    report.refresh_from_db()
    assert report.state == winner.state and report.state in (ReportState.ACCEPTED, ReportState.RETURNED)
    assert conflict.message == MOVED_ON.format(report.get_state_display())
    steps = ReportEvent.objects.filter(report=report, from_state=ReportState.UNIT_APPROVED)
    assert steps.count() == 1 and steps.get().to_state == report.state
    assert report.lock_version == Report.objects.get(pk=report.pk).lock_version


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_both_accepting_write_one_event(cast, cycle):
    report = unit_approved(cast, cycle)
    results = race(lambda: do_review(Report.objects.get(pk=report.pk), True, "", scope=cast.scope("tf_member")),
                   lambda: do_review(Report.objects.get(pk=report.pk), True, "", scope=cast.scope("office")))
    winner, conflict = one_winner(results)
    assert conflict.message == MOVED_ON.format("已通过")
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    assert list(report.events.filter(action="accepted").values_list("actor_id", flat=True)) == [
        ReportEvent.objects.get(report=report, action="accepted").actor_id]
    assert report.events.count() == 3  # submitted, unit_approved, accepted


@pytest.mark.django_db(transaction=True)
def test_two_extension_deciders_at_once_exactly_one_wins(cast):
    item = do_create_work_item(cast.task, {"title": "编制规划", "lead_unit": cast.lead_unit, "deadline": dt.date(2026, 6, 30)},
                               scope=cast.scope("office"))
    request = do_request_extension(item, dt.date(2026, 9, 30), "评审推迟", scope=cast.scope("reporter"))
    results = race(lambda: do_decide_extension(ExtensionRequest.objects.get(pk=request.pk), True, "同意", scope=cast.scope("tf_lead")),
                   lambda: do_decide_extension(ExtensionRequest.objects.get(pk=request.pk), False, "不同意", scope=cast.scope("office")))
    winner, conflict = one_winner(results)
    assert conflict.message == "该延期申请已被他人审批，请刷新后查看结果"
    request.refresh_from_db()
    assert request.state == winner.state
    item.refresh_from_db()
    assert item.deadline == (dt.date(2026, 9, 30) if request.state == ExtensionState.APPROVED else dt.date(2026, 6, 30))
    assert item.baseline_deadline == dt.date(2026, 6, 30)


@pytest.mark.django_db(transaction=True)
def test_two_people_of_a_unit_acknowledging_at_once_exactly_one_wins(cast, cycle):
    ack = Acknowledgement.objects.get(assignment__task=cast.task, assignment__unit=cast.lead_unit)
    results = race(lambda: do_acknowledge(Acknowledgement.objects.get(pk=ack.pk), scope=cast.scope("reporter")),
                   lambda: do_acknowledge(Acknowledgement.objects.get(pk=ack.pk), scope=cast.scope("head")))
    winner, conflict = one_winner(results)
    assert conflict.message == "该任务已签收，无需重复操作"
    ack.refresh_from_db()
    assert ack.state == AckState.ACKNOWLEDGED and ack.acted_by == winner.acted_by


# --------------------------------------------------------------------------------------------------------------------
# Deterministic replays of the loser's view
# --------------------------------------------------------------------------------------------------------------------
def test_review_with_a_stale_lock_version_is_a_conflict(cast, cycle):
    report = unit_approved(cast, cycle)
    seen = report.lock_version
    do_review(report, False, "请补充", scope=cast.scope("tf_lead"), lock_version=seen)
    do_save_draft(report, {"narrative": "已补充"}, scope=cast.scope("reporter"))
    do_submit_report(report, scope=cast.scope("reporter"))
    do_unit_approve(report, scope=cast.scope("head"))
    events = ReportEvent.objects.count()
    # the member's page is from before the return: same state again, but an older lock_version
    with pytest.raises(ConflictError) as info:
        do_review(report, True, "", scope=cast.scope("tf_member"), lock_version=seen)
    assert info.value.message == MOVED_ON.format("单位已审核，待专班/办公室审核")
    report.refresh_from_db()
    assert report.state == ReportState.UNIT_APPROVED and ReportEvent.objects.count() == events
    do_review(report, True, "", scope=cast.scope("tf_member"), lock_version=report.lock_version)
    assert Report.objects.get(pk=report.pk).state == ReportState.ACCEPTED


def test_second_reviewer_acting_on_an_old_page_gets_a_conflict(cast, cycle):
    report = unit_approved(cast, cycle)
    page_of_member = Report.objects.get(pk=report.pk)
    do_review(report, True, "", scope=cast.scope("tf_lead"), lock_version=report.lock_version)
    with pytest.raises(ConflictError, match="该报告已被他人处理，当前状态为“已通过”"):
        do_review(page_of_member, False, "请补充", scope=cast.scope("tf_member"), lock_version=page_of_member.lock_version)
    assert ReportEvent.objects.filter(report=report, action__in=["accepted", "returned"]).count() == 1


def test_unit_approval_with_a_stale_lock_version_is_a_conflict(cast, cycle):
    report = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
    do_save_draft(report, {"narrative": "进展"}, scope=cast.scope("reporter"))
    do_submit_report(report, scope=cast.scope("reporter"))
    report.refresh_from_db()
    with pytest.raises(ConflictError, match="该报告已被他人处理"):
        do_unit_approve(report, scope=cast.scope("head"), lock_version=report.lock_version - 1)
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_decider_with_a_stale_request_gets_a_conflict_and_nothing_moves(cast):
    item = do_create_work_item(cast.task, {"title": "编制规划", "lead_unit": cast.lead_unit, "deadline": dt.date(2026, 6, 30)},
                               scope=cast.scope("office"))
    request = do_request_extension(item, dt.date(2026, 9, 30), "评审推迟", scope=cast.scope("reporter"))
    stale = ExtensionRequest.objects.get(pk=request.pk)
    do_decide_extension(request, False, "不同意", scope=cast.scope("office"))
    with pytest.raises(ConflictError, match="该延期申请已被他人审批"):
        do_decide_extension(stale, True, "同意", scope=cast.scope("tf_lead"))
    assert WorkItem.objects.get(pk=item.pk).deadline == dt.date(2026, 6, 30)
