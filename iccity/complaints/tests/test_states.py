"""The two state machines: every allowed step, every refused one, reasons, approvals, documents."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest

from iccity.complaints import states
from iccity.complaints.actions import (do_accept, do_extend_verification, do_reject, do_start_mediation,
                                       do_transition)
from iccity.complaints.models import CaseNotice
from iccity.core import clock
from iccity.core.actions import ActionRefused

ALLOWED = {
    "complaint": {
        ("registered", "odr_negotiating"), ("odr_negotiating", "odr_settled"), ("odr_negotiating", "odr_failed"),
        ("registered", "forwarded"), ("odr_failed", "forwarded"), ("forwarded", "registered"),
        ("forwarded", "awaiting_identity"), ("forwarded", "accepted"), ("forwarded", "rejected"),
        ("awaiting_identity", "accepted"), ("awaiting_identity", "rejected"), ("accepted", "mediating"),
        ("accepted", "mediation_terminated"), ("mediating", "appraisal_pending"), ("appraisal_pending", "mediating"),
        ("mediating", "mediated_agreement"), ("mediating", "performed_on_spot"), ("mediating", "mediation_terminated"),
        ("appraisal_pending", "mediation_terminated"), ("odr_settled", "closed"), ("rejected", "closed"),
        ("mediated_agreement", "closed"), ("performed_on_spot", "closed"), ("mediation_terminated", "closed"),
        ("closed", "follow_up_done"),
    },
    "report": {
        ("registered", "verifying"), ("verifying", "registered"), ("verifying", "case_opened"),
        ("verifying", "not_opened"), ("verifying", "not_handled_duplicate"), ("registered", "merged"),
        ("verifying", "merged"), ("case_opened", "investigating"), ("investigating", "decided"),
        ("decided", "result_notified"), ("not_opened", "result_notified"),
    },
}


def _reason_for(step):
    return step.reasons[0] if step.reasons else ""


@pytest.mark.parametrize("case_type", ["complaint", "report"])
def test_every_pair_of_states_is_allowed_exactly_when_listed(case_type):
    machine = states.machine_for(case_type)
    for source, target in itertools.product(machine.states, repeat=2):
        step = machine.transition(source, target)
        if (source, target) in ALLOWED[case_type]:
            assert step is not None, (source, target)
            assert states.check_transition(case_type, source, target, _reason_for(step)) is step
        else:
            assert step is None, (source, target)
            with pytest.raises(ValueError, match="不能从"):
                states.check_transition(case_type, source, target)


def test_every_state_has_a_chinese_label_an_open311_status_and_a_clock():
    for machine in states.MACHINES.values():
        for state in machine.states.values():
            assert state.label and not state.label.isascii()
            assert state.open311 in ("open", "closed")
            assert state.clock in (states.RUNNING, states.PAUSED, states.STOPPED)
            assert (state.clock == states.STOPPED) == (state.open311 == "closed")
    assert states.COMPLAINT.state("appraisal_pending").clock == states.PAUSED
    assert states.COMPLAINT.state("awaiting_identity").clock == states.PAUSED


def test_reason_codes_are_required_and_must_fit_the_step():
    with pytest.raises(ValueError, match="须选择法定理由"):
        states.check_transition("complaint", "forwarded", "rejected")
    with pytest.raises(ValueError, match="不适用"):
        states.check_transition("complaint", "forwarded", "rejected", "ART23_1")
    with pytest.raises(ValueError, match="须选择法定理由"):
        states.check_transition("complaint", "mediating", "mediation_terminated")
    with pytest.raises(ValueError, match="不需要法定理由"):
        states.check_transition("complaint", "forwarded", "accepted", "ART16_1")
    for code in [f"ART16_{i}" for i in range(1, 8)]:
        assert states.check_transition("complaint", "forwarded", "rejected", code).document == states.DOC_REJECT
    for code in [f"ART23_{i}" for i in range(1, 9)]:
        assert states.check_transition("complaint", "mediating", "mediation_terminated", code).document == states.DOC_TERMINATE
    assert states.check_transition("report", "verifying", "not_opened", "NOT_OPENED_1").approval


def test_documents_per_step():
    docs = {(t.source, t.target): t.document for m in states.MACHINES.values() for t in m.transitions if t.document}
    assert docs[("forwarded", "accepted")] == "受理决定书"
    assert docs[("forwarded", "rejected")] == "不予受理决定书"
    assert docs[("accepted", "mediating")] == "调解通知书"
    assert docs[("mediating", "mediation_terminated")] == "终止调解决定书"
    assert docs[("mediating", "mediated_agreement")] == "调解书"
    assert docs[("mediating", "performed_on_spot")] == "当场履行记录"
    assert docs[("decided", "result_notified")] == "举报处理结果告知书"
    assert docs[("registered", "forwarded")] == "分送通知书"
    assert docs[("forwarded", "awaiting_identity")] == "限期提供身份证明材料通知书"
    assert set(docs.values()) == set(states.DOCUMENTS)


def test_a_report_is_never_mediated():
    assert not set(states.REPORT.states) & {"mediating", "appraisal_pending", "mediated_agreement", "accepted"}
    for source in states.REPORT.states:
        with pytest.raises(ValueError, match="举报不适用调解程序"):
            states.check_transition("report", source, "mediating")


# -- through the actions -------------------------------------------------------------------------------------------------


def test_rejected_case_cannot_be_mediated(register, world):
    case = register()[0]
    with clock.travel(dt.datetime(2026, 11, 30, 10)):
        case = do_reject(case, "ART16_4", actor=world["handler"])
        with pytest.raises(ActionRefused, match="不能从“不予受理”转为“调解中”"):
            do_transition(case, "mediating", actor=world["handler"])
    assert case.reason_code == "ART16_4" and case.closed_at is not None


def test_reject_without_reason_is_refused_and_nothing_written(register, world):
    case = register()[0]
    with pytest.raises(ActionRefused, match="须选择法定理由"):
        do_transition(case, "rejected", actor=world["handler"])
    case.refresh_from_db()
    assert case.state == "forwarded" and not case.notices.filter(document_type="不予受理决定书").exists()


def test_another_unit_cannot_handle_the_case(register, world):
    case = register()[0]
    with pytest.raises(ActionRefused, match="不是该案件的承办人员"):
        do_accept(case, actor=world["other_liaison"])


def test_full_complaint_path_serves_numbered_documents(register, world):
    case = register()[0]
    handler = world["handler"]
    with clock.travel(dt.datetime(2026, 11, 30, 10)):
        case = do_accept(case, actor=handler)
        case = do_start_mediation(case, actor=handler, entrusted=True, mediator="西青区消费者协会")
        case = do_transition(case, "mediated_agreement", actor=handler, note="退款58.50元并赔偿500元")
        case = do_transition(case, "closed", actor=handler)
        case = do_transition(case, "follow_up_done", actor=handler)
    assert "ENTRUSTED_MEDIATION" in case.flags and case.handler == handler
    types = list(CaseNotice.objects.filter(case=case).order_by("id").values_list("document_type", flat=True))
    assert types == ["分送通知书", "受理决定书", "调解通知书", "调解书"]
    assert [e.action for e in case.events.order_by("id")] == [
        "register", "forward", "accept", "mediate", "agree", "close", "follow_up"]


def test_entrusted_mediation_needs_consent(register, world):
    case = register(consent_entrusted_mediation=False)[0]
    with clock.travel(dt.datetime(2026, 11, 30, 10)):
        case = do_accept(case, actor=world["handler"])
        with pytest.raises(ActionRefused, match="未同意委托调解"):
            do_start_mediation(case, actor=world["handler"], entrusted=True, mediator="西青区消费者协会")


def test_opening_a_report_case_needs_another_persons_approval(register, world):
    report = register(dt.datetime(2026, 6, 1, 9), case_type="report", occurred_on="2026-05-20")[0]
    assert report.state == "verifying"
    handler, head = world["handler"], world["head"]
    with pytest.raises(ActionRefused, match="须经负责人批准"):
        do_transition(report, "case_opened", actor=handler)
    with pytest.raises(ActionRefused, match="不能是承办人本人"):
        do_transition(report, "case_opened", actor=handler, approval_by=handler)
    with pytest.raises(ActionRefused, match="须为承办单位负责人"):
        do_transition(report, "case_opened", actor=handler, approval_by=world["handler2"])
    with clock.travel(dt.datetime(2026, 6, 10, 10)):
        report = do_transition(report, "case_opened", actor=handler, approval_by=head)
        report = do_transition(report, "investigating", actor=handler)
        report = do_transition(report, "decided", actor=handler, approval_by=head, note="罚款五千元")
        report = do_transition(report, "result_notified", actor=handler)
    assert report.notices.get().document_type == "举报处理结果告知书"
    assert report.handle_due == dt.date(2026, 9, 8)  # 90 days after 2026-06-10 (a Tuesday)
    assert report.events.get(action="open_case").note.startswith("经head批准")


def test_verification_extension_needs_a_different_approver_and_happens_once(register, world):
    report = register(dt.datetime(2026, 6, 1, 9), case_type="report", occurred_on="2026-05-20")[0]
    handler, head = world["handler"], world["head"]
    # 15 working days after Monday 2026-06-01; 端午 (19 June) is a day off
    assert report.accept_due == dt.date(2026, 6, 23)
    with clock.travel(dt.datetime(2026, 6, 15, 9)):
        with pytest.raises(ActionRefused, match="不能是承办人本人"):
            do_extend_verification(report, actor=handler, approver=handler, reason="需调取平台数据")
        report = do_extend_verification(report, actor=handler, approver=head, reason="需调取平台数据")
        assert report.accept_due == dt.date(2026, 7, 14)
        with pytest.raises(ActionRefused, match="已延长过"):
            do_extend_verification(report, actor=handler, approver=head, reason="再延")


def test_verification_extension_is_refused_after_the_limit_ran_out(register, world):
    report = register(dt.datetime(2026, 6, 1, 9), case_type="report", occurred_on="2026-05-20")[0]
    with clock.travel(dt.datetime(2026, 6, 24, 9)), pytest.raises(ActionRefused, match="已届满"):
        do_extend_verification(report, actor=world["handler"], approver=world["head"], reason="迟了")


def test_repeated_report_is_merged_and_complaints_cannot_be(register, world):
    from iccity.complaints.actions import do_merge
    first = register(case_type="report")[0]
    again = register(case_type="report")[0]
    complaint = register()[0]
    with pytest.raises(ActionRefused, match="只有举报可以合并"):
        do_merge(complaint, first, actor=world["handler"])
    with pytest.raises(ActionRefused, match="自身"):
        do_merge(first, first, actor=world["handler"])
    merged = do_merge(again, first, actor=world["handler"])
    assert merged.state == "merged" and merged.linked_case == first and merged.closed_at is not None


def test_follow_up_and_first_contact(register, world):
    from iccity.complaints.actions import do_close, do_follow_up, do_record_first_contact
    from iccity.complaints.sla import fast_response
    case = register()[0]
    handler = world["handler"]
    with clock.travel(dt.datetime(2026, 11, 27, 15)):
        case = do_record_first_contact(case, actor=handler)
        with pytest.raises(ActionRefused, match="已记录"):
            do_record_first_contact(case, actor=handler)
    assert fast_response(case).met is True
    with clock.travel(dt.datetime(2026, 11, 30, 10)):
        case = do_reject(case, "ART16_2", actor=handler)
        case = do_close(case, actor=handler, outcome_note="已告知向消费者协会查询原处理结果")
        with pytest.raises(ActionRefused, match="回访结果应为"):
            do_follow_up(case, "great", actor=handler)
        case = do_follow_up(case, "satisfied", actor=handler, note="电话回访")
    assert case.state == "follow_up_done" and "回访结果：满意" in case.outcome_note
