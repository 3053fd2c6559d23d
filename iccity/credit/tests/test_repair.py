"""The repair (信用修复) workflow: submitted → reviewing → approved | rejected, with its preconditions."""
import datetime as dt

import pytest

from iccity.core import clock
from iccity.core.actions import ActionRefused, ConflictError

from ..actions import (do_decide_repair, do_record_commitment, do_register_entry, do_register_merchant,
                       do_start_repair_review, do_submit_repair)
from ..models import RepairRequest
from .conftest import penalty, tianjin_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(company):
    return penalty(company, "津西市监罚〔2026〕1号", dt.date(2026, 4, 10))  # repair from 2026-07-10


@pytest.fixture
def commitment(company):
    return do_record_commitment(company, kind="repair", text="已整改，依法诚信经营", signed_on=dt.date(2026, 6, 1))


def test_repair_before_the_minimum_period_is_refused(entry, commitment):
    with pytest.raises(ActionRefused, match="2026年7月10日起"):
        do_submit_repair(entry, commitment=commitment, obligations_met=True)


def test_repair_needs_obligations_met_and_the_partys_own_public_commitment(entry, commitment):
    other = do_register_merchant("别家公司", uscc=tianjin_uscc("MA0999999"))
    foreign = do_record_commitment(other, kind="repair", text="承诺", signed_on=dt.date(2026, 6, 1))
    private = do_record_commitment(entry.merchant, kind="repair", text="承诺", signed_on=dt.date(2026, 6, 1),
                                   is_public=False)
    with clock.travel(dt.date(2026, 7, 10)):
        with pytest.raises(ActionRefused, match="履行法定义务"):
            do_submit_repair(entry, commitment=commitment, obligations_met=False)
        with pytest.raises(ActionRefused, match="主体本身"):
            do_submit_repair(entry, commitment=foreign, obligations_met=True)
        with pytest.raises(ActionRefused, match="公开"):
            do_submit_repair(entry, commitment=private, obligations_met=True)


def test_approval_ends_publication_and_is_audited(entry, commitment, office_admin):
    from iccity.core.actions import history_for

    with clock.travel(dt.date(2026, 7, 10)):
        request = do_submit_repair(entry, commitment=commitment, obligations_met=True)
        with pytest.raises(ActionRefused, match="未办结"):
            do_submit_repair(entry, commitment=commitment, obligations_met=True)
        with pytest.raises(ActionRefused, match="先开始审核"):
            do_decide_repair(request, approve=True, reason="符合条件", actor=office_admin)
        request = do_start_repair_review(request, actor=office_admin)
        with pytest.raises(ActionRefused, match="决定理由"):
            do_decide_repair(request, approve=True, reason="", actor=office_admin)
        request = do_decide_repair(request, approve=True, reason="符合条件", actor=office_admin)
        entry.refresh_from_db()
        assert request.state == "approved" and entry.removed_on == dt.date(2026, 7, 10)
        assert entry.status() == "removed"
        with pytest.raises(ActionRefused, match="已提前移出"):
            do_submit_repair(entry, commitment=commitment, obligations_met=True)
    assert [e.action for e in history_for(entry)][:1] == ["credit.entry.removed"]


def test_two_reviewers_at_once_only_one_wins(entry, commitment, office_admin):
    with clock.travel(dt.date(2026, 7, 10)):
        request = do_submit_repair(entry, commitment=commitment, obligations_met=True)
        stale = RepairRequest.objects.get(pk=request.pk)
        do_start_repair_review(request, actor=office_admin)
        with pytest.raises(ConflictError):
            from ..actions import _move

            _move(stale, (RepairRequest.State.SUBMITTED,), RepairRequest.State.REVIEWING)


def test_incentive_entries_are_not_repairable(company, commitment):
    entry = do_register_entry(company, list_kind="incentive", decision_number="西青诚信〔2026〕1号",
                              decision_date=dt.date(2026, 5, 1), authority="区商务局", legal_basis="地方认定办法",
                              violation_type="诚信经营示范店", valid_until=dt.date(2027, 4, 30))
    with pytest.raises(ActionRefused, match="不适用信用修复"):
        do_submit_repair(entry, commitment=commitment, obligations_met=True)
