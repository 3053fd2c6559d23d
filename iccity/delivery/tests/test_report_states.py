"""The report state machine: every allowed transition, every refused one (with its Chinese message and nothing
written), and every version kept.

draft → submitted → unit_approved → accepted
            ↘ returned (unit head)      ↘ returned (task force / office) → new revision → submitted …
"""
from __future__ import annotations

import datetime as dt

import pytest

from iccity.core import clock
from iccity.core.actions import ActionRefused, ConflictError
from iccity.core.models import AuditEvent
from iccity.delivery.actions import (
    do_attach_evidence, do_create_work_item, do_review, do_save_draft, do_submit_report, do_unit_approve, do_unit_return,
)
from iccity.delivery.models import Notice, Report, ReportEvent, ReportRevision, ReportState
from iccity.plans.models import Task

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def report(cast, cycle) -> Report:
    return Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)


def drive(report: Report, cast, to: str) -> Report:
    """Bring a fresh draft report to ``to`` through the actions (reporter writes, head approves, task force reviews)."""
    do_save_draft(report, {"narrative": "完成南站商圈规划初稿", "progress": 30}, scope=cast.scope("reporter"))
    steps = {
        "submitted": [lambda: do_submit_report(report, scope=cast.scope("reporter"))],
        "unit_approved": [lambda: do_unit_approve(report, scope=cast.scope("head"))],
        "accepted": [lambda: do_review(report, True, "", scope=cast.scope("tf_member"))],
    }
    for state in ["submitted", "unit_approved", "accepted"]:
        if to == "draft":
            break
        for step in steps[state]:
            step()
        if state == to:
            break
    report.refresh_from_db()
    return report


def snapshot(report: Report) -> dict:
    report = Report.objects.get(pk=report.pk)
    return {
        "report": (report.state, report.lock_version, report.first_submitted_at, report.reached_review_at, report.accepted_at),
        "revisions": list(report.revisions.order_by("number").values_list("number", "narrative", "progress", "submitted_at", "updated_at")),
        "events": ReportEvent.objects.count(), "audit": AuditEvent.objects.count(), "notices": Notice.objects.count(),
    }


def refused(report: Report, message: str, action, exc=ActionRefused):
    """Run ``action``; it must be refused with exactly ``message`` and write nothing."""
    before = snapshot(report)
    with pytest.raises(exc) as info:
        action()
    assert info.value.message == message
    assert snapshot(report) == before


# --------------------------------------------------------------------------------------------------------------------
# Allowed transitions
# --------------------------------------------------------------------------------------------------------------------
def test_new_report_slot_is_an_editable_draft_without_revisions(report):
    assert report.state == ReportState.DRAFT and report.is_editable and report.revisions.count() == 0


def test_saving_a_draft_creates_revision_one_and_bumps_the_lock(cast, report):
    revision = do_save_draft(report, {"narrative": "进展", "progress": 10}, scope=cast.scope("reporter"))
    report.refresh_from_db()
    assert (revision.number, revision.narrative, revision.progress, revision.is_frozen) == (1, "进展", 10, False)
    assert report.state == ReportState.DRAFT and report.lock_version == 1
    do_save_draft(report, {"narrative": "进展更新"}, scope=cast.scope("head"), lock_version=1)
    assert report.revisions.get().narrative == "进展更新"  # still one revision while it is a draft


def test_submit_freezes_the_revision_and_records_first_submission(cast, report):
    drive(report, cast, "submitted")
    revision = report.revisions.get()
    assert report.state == ReportState.SUBMITTED and not report.is_editable
    assert revision.is_frozen and report.first_submitted_at == clock.now()
    assert report.reached_review_at is None  # still inside the unit


def test_unit_approval_sends_the_report_up(cast, report):
    drive(report, cast, "unit_approved")
    assert report.state == ReportState.UNIT_APPROVED and report.reached_review_at == clock.now()


@pytest.mark.parametrize("reviewer", ["tf_member", "tf_lead", "office"])
def test_task_force_or_office_accepts(cast, report, reviewer):
    drive(report, cast, "unit_approved")
    do_review(report, True, "很好", scope=cast.scope(reviewer))
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED and report.accepted_at == clock.now()
    event = report.events.last()
    assert (event.action, event.from_state, event.to_state, event.actor, event.comment) == (
        "accepted", ReportState.UNIT_APPROVED, ReportState.ACCEPTED, getattr(cast, reviewer), "很好")


def test_unit_head_returns_with_comment_and_report_never_leaves_the_unit(cast, report):
    drive(report, cast, "submitted")
    do_unit_return(report, "数据不全", scope=cast.scope("head"))
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED and report.is_editable and report.reached_review_at is None
    assert report.events.last().comment == "数据不全"


def test_review_return_notifies_the_unit(cast, report):
    drive(report, cast, "unit_approved")
    do_review(report, False, "请补充招商数据", scope=cast.scope("tf_member"))
    notice = Notice.objects.get(kind="returned", report=report)
    assert notice.unit == cast.lead_unit and "请补充招商数据" in notice.body


# --------------------------------------------------------------------------------------------------------------------
# Refused transitions: a clear message, nothing written
# --------------------------------------------------------------------------------------------------------------------
UNDER_REVIEW = "报告已提交，当前状态为“{}”，不能再修改或提交；如需修改，请由审核人退回"
MOVED_ON = "该报告已被他人处理，当前状态为“{}”，请刷新后再看"
NOT_SENT_UP = "报告尚未经单位负责人审核报送，不能审核"


def test_submitting_an_accepted_report_is_refused(cast, report):
    drive(report, cast, "accepted")
    refused(report, UNDER_REVIEW.format("已通过"), lambda: do_submit_report(report, scope=cast.scope("reporter")), ConflictError)


@pytest.mark.parametrize("state", ["submitted", "unit_approved", "accepted"])
def test_editing_a_report_under_review_or_accepted_is_refused(cast, report, state):
    drive(report, cast, state)
    label = ReportState(state).label
    refused(report, UNDER_REVIEW.format(label),
            lambda: do_save_draft(report, {"narrative": "偷偷改"}, scope=cast.scope("reporter")), ConflictError)


def test_unit_approving_twice_is_a_conflict(cast, report):
    drive(report, cast, "unit_approved")
    refused(report, MOVED_ON.format("单位已审核，待专班/办公室审核"),
            lambda: do_unit_approve(report, scope=cast.scope("head")), ConflictError)


def test_accepting_twice_is_a_conflict(cast, report):
    drive(report, cast, "accepted")
    refused(report, MOVED_ON.format("已通过"), lambda: do_review(report, True, "", scope=cast.scope("tf_lead")), ConflictError)


def test_unit_approving_a_draft_is_refused(cast, report):
    drive(report, cast, "draft")
    refused(report, "报告尚未提交（当前状态为“草稿”），不能审核", lambda: do_unit_approve(report, scope=cast.scope("head")),
            ConflictError)


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_reviewing_a_report_not_yet_sent_up_is_refused(cast, report, state):
    drive(report, cast, state)
    refused(report, NOT_SENT_UP, lambda: do_review(report, True, "", scope=cast.scope("tf_member")), ConflictError)


def test_reviewing_a_resubmission_before_the_unit_head_approved_it_is_refused(cast, report):
    drive(report, cast, "unit_approved")
    do_review(report, False, "请补充", scope=cast.scope("tf_member"))
    do_save_draft(report, {"narrative": "已补充"}, scope=cast.scope("reporter"))
    do_submit_report(report, scope=cast.scope("reporter"))
    refused(report, "报告修改后尚未经单位负责人审核报送，不能审核",
            lambda: do_review(report, True, "", scope=cast.scope("tf_member")), ConflictError)


@pytest.mark.parametrize("comment", ["", "   "])
def test_returning_without_comment_is_refused(cast, report, comment):
    drive(report, cast, "unit_approved")
    refused(report, "退回必须填写修改意见", lambda: do_review(report, False, comment, scope=cast.scope("tf_member")))


def test_unit_return_without_comment_is_refused(cast, report):
    drive(report, cast, "submitted")
    refused(report, "退回必须填写修改意见", lambda: do_unit_return(report, " ", scope=cast.scope("head")))


@pytest.mark.parametrize("narrative", ["", "  \n "])
def test_submitting_an_empty_narrative_is_refused(cast, report, narrative):
    do_save_draft(report, {"narrative": narrative, "progress": 20}, scope=cast.scope("reporter"))
    refused(report, "“工作进展”不能为空", lambda: do_submit_report(report, scope=cast.scope("reporter")))


def test_submitting_a_report_never_written_is_refused(cast, report):
    refused(report, "请先填写报告内容再提交", lambda: do_submit_report(report, scope=cast.scope("reporter")))


def test_submitting_a_returned_report_without_a_new_revision_is_refused(cast, report):
    drive(report, cast, "submitted")
    do_unit_return(report, "请补充", scope=cast.scope("head"))
    refused(report, "请先填写报告内容再提交", lambda: do_submit_report(report, scope=cast.scope("reporter")))


def test_submitting_after_the_cycle_closed_is_refused(cast, report):
    do_save_draft(report, {"narrative": "迟到的报告"}, scope=cast.scope("reporter"))
    closes = report.cycle.closes_on
    message = (f"{report.cycle.label}报告已于 {closes.year}年{closes.month}月{closes.day}日 关闭，不能再修改或提交；如确需补报，请联系领导小组办公室")
    with clock.travel(closes):  # the closing day itself still accepts
        do_save_draft(report, {"narrative": "迟到的报告（补充）"}, scope=cast.scope("reporter"))
    with clock.travel(closes + dt.timedelta(days=1)):
        refused(report, message, lambda: do_submit_report(report, scope=cast.scope("reporter")))
        refused(report, message, lambda: do_save_draft(report, {"narrative": "改"}, scope=cast.scope("reporter")))


def test_saving_with_a_stale_lock_version_is_refused(cast, report):
    do_save_draft(report, {"narrative": "甲的版本"}, scope=cast.scope("reporter"))
    seen = Report.objects.get(pk=report.pk).lock_version  # both open the form here
    do_save_draft(report, {"narrative": "乙先保存"}, scope=cast.scope("head"), lock_version=seen)
    refused(report, "报告在您编辑期间已被他人修改或流转，请刷新后重新填写",
            lambda: do_save_draft(report, {"narrative": "甲后保存"}, scope=cast.scope("reporter"), lock_version=seen),
            ConflictError)
    assert report.revisions.get().narrative == "乙先保存"


def test_submitting_with_a_stale_lock_version_is_refused(cast, report):
    do_save_draft(report, {"narrative": "进展"}, scope=cast.scope("reporter"))
    stale = Report.objects.get(pk=report.pk).lock_version - 1
    refused(report, MOVED_ON.format("草稿"), lambda: do_submit_report(report, scope=cast.scope("reporter"), lock_version=stale),
            ConflictError)
    assert not report.revisions.get().is_frozen


@pytest.mark.parametrize("progress", [-1, 101])
def test_progress_outside_0_to_100_is_refused(cast, report, progress):
    refused(report, "完成进度应在 0 到 100 之间",
            lambda: do_save_draft(report, {"narrative": "x", "progress": progress}, scope=cast.scope("reporter")))


def test_completed_items_of_another_task_are_refused(cast, report):
    other = Task.objects.get(version=cast.version, key="T4")
    item = do_create_work_item(other, {"title": "文旅事项", "lead_unit": cast.other_unit}, scope=cast.scope("office"))
    do_save_draft(report, {"narrative": "原文"}, scope=cast.scope("reporter"))
    refused(report, "只能勾选本任务下的事项",
            lambda: do_save_draft(report, {"narrative": "改", "completed_items": [item]}, scope=cast.scope("reporter")))


# --------------------------------------------------------------------------------------------------------------------
# Every version kept
# --------------------------------------------------------------------------------------------------------------------
def test_return_and_resubmit_keeps_revision_one_frozen_and_carries_evidence(cast, report):
    do_save_draft(report, {"narrative": "第一版", "progress": 30, "problems": "资金", "figures": [{"名称": "签约", "数值": 3}]},
                  scope=cast.scope("reporter"))
    evidence = do_attach_evidence(report, "规划.pdf", PDF, scope=cast.scope("reporter"))
    do_submit_report(report, scope=cast.scope("reporter"))
    do_unit_approve(report, scope=cast.scope("head"))
    do_review(report, False, "请补充招商数据", scope=cast.scope("tf_member"))
    first = ReportRevision.objects.get(report=report, number=1)
    frozen = (first.narrative, first.progress, first.problems, first.figures, first.submitted_at, first.updated_at,
              first.author_id)

    do_save_draft(report, {"narrative": "第二版，签约5个"}, scope=cast.scope("reporter"))
    do_submit_report(report, scope=cast.scope("reporter"))
    do_unit_approve(report, scope=cast.scope("head"))
    do_review(report, True, "", scope=cast.scope("tf_lead"))

    first.refresh_from_db()
    assert (first.narrative, first.progress, first.problems, first.figures, first.submitted_at, first.updated_at,
            first.author_id) == frozen
    second = ReportRevision.objects.get(report=report, number=2)
    assert second.narrative == "第二版，签约5个"
    assert (second.progress, second.problems, second.figures) == (30, "资金", [{"名称": "签约", "数值": 3}])  # carried forward
    assert second.is_frozen
    assert [e.file_id for e in first.evidence.all()] == [evidence.file_id]
    assert [e.file_id for e in second.evidence.all()] == [evidence.file_id]
    assert first.evidence.get().pk != second.evidence.get().pk  # each revision owns its evidence rows


def test_event_log_lists_every_step_with_actor_revision_and_comment(cast, report):
    drive(report, cast, "submitted")
    do_unit_return(report, "数据不全", scope=cast.scope("head"))
    do_save_draft(report, {"narrative": "补充数据"}, scope=cast.scope("reporter"))
    do_submit_report(report, scope=cast.scope("reporter"))
    do_unit_approve(report, scope=cast.scope("head"))
    do_review(report, False, "请补充佐证", scope=cast.scope("tf_member"))
    do_save_draft(report, {"narrative": "补充佐证"}, scope=cast.scope("reporter"))
    do_submit_report(report, scope=cast.scope("reporter"))
    do_unit_approve(report, scope=cast.scope("head"))
    do_review(report, True, "", scope=cast.scope("office"))
    log = [(e.action, e.from_state, e.to_state, e.actor.username, e.revision.number, e.comment) for e in report.events.all()]
    assert log == [
        ("submitted", "draft", "submitted", "reporter", 1, ""),
        ("unit_returned", "submitted", "returned", "head", 1, "数据不全"),
        ("submitted", "returned", "submitted", "reporter", 2, ""),
        ("unit_approved", "submitted", "unit_approved", "head", 2, ""),
        ("returned", "unit_approved", "returned", "tf_member", 2, "请补充佐证"),
        ("submitted", "returned", "submitted", "reporter", 3, ""),
        ("unit_approved", "submitted", "unit_approved", "head", 3, ""),
        ("accepted", "unit_approved", "accepted", "office", 3, ""),
    ]
    assert list(report.revisions.order_by("number").values_list("narrative", flat=True)) == [
        "完成南站商圈规划初稿", "补充数据", "补充佐证"]
    assert all(r.is_frozen for r in report.revisions.all())


def test_first_submission_and_first_sent_up_times_survive_a_return(cast, report):
    drive(report, cast, "unit_approved")
    first_submitted, reached = report.first_submitted_at, report.reached_review_at
    do_review(report, False, "请补充", scope=cast.scope("tf_member"))
    with clock.travel(dt.date(2026, 3, 5)):
        do_save_draft(report, {"narrative": "已补充"}, scope=cast.scope("reporter"))
        do_submit_report(report, scope=cast.scope("reporter"))
        do_unit_approve(report, scope=cast.scope("head"))
    report.refresh_from_db()
    assert (report.first_submitted_at, report.reached_review_at) == (first_submitted, reached)
