"""Two handlers acting on the same case at once: exactly one wins, the loser gets a ConflictError and writes nothing."""
from __future__ import annotations

import datetime as dt

import pytest

from iccity.complaints.actions import do_accept, do_register_case, do_reject, do_transition
from iccity.complaints.models import Case, CaseEvent, CaseNotice
from iccity.core import clock
from iccity.core.actions import ConflictError
from iccity.delivery.tests.test_concurrency import one_winner, race

from .conftest import submission


def test_stale_lock_version_is_refused(register, world):
    case = register()[0]
    seen = case.lock_version
    do_transition(Case.objects.get(pk=case.pk), "awaiting_identity", actor=world["handler2"])
    with pytest.raises(ConflictError, match="已被他人处理"):
        do_accept(case, actor=world["handler"], lock_version=seen)
    assert Case.objects.get(pk=case.pk).state == "awaiting_identity"
    assert not CaseNotice.objects.filter(document_type="受理决定书").exists()


def test_stale_instance_is_refused_even_without_lock_version(register, world):
    case = register()[0]
    other_view = Case.objects.get(pk=case.pk)
    do_accept(case, actor=world["handler"])
    with pytest.raises(ConflictError, match="当前状态为“已受理”"):
        do_reject(other_view, "ART16_3", actor=world["handler2"])
    assert CaseEvent.objects.filter(case=case, action__in=["accept", "reject"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_handlers_accept_at_once_exactly_one_wins(world):
    with clock.travel(dt.datetime(2026, 11, 27, 9)):
        case = do_register_case(submission())[0]
    h1, h2 = world["handler"], world["handler2"]
    # both opened the case page before either clicked: each holds the same state and lock_version
    view1, view2 = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    results = race(lambda: do_accept(view1, actor=h1, lock_version=view1.lock_version),
                   lambda: do_reject(view2, "ART16_3", actor=h2, lock_version=view2.lock_version))
    winner, conflict = one_winner(results)
    case.refresh_from_db()
    assert case.state == winner.state and case.lock_version == winner.lock_version
    assert CaseEvent.objects.filter(case=case, action__in=["accept", "reject"]).count() == 1
    assert CaseNotice.objects.filter(case=case).exclude(document_type="分送通知书").count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_get_distinct_receipt_and_document_numbers(world):
    def register():
        with clock.travel(dt.datetime(2026, 11, 27, 9)):
            return do_register_case(submission())[0]
    results = race(register, register, register)
    assert not any(isinstance(r, Exception) for r in results), results
    assert len({r.receipt_number for r in results}) == 3
    numbers = list(CaseNotice.objects.values_list("document_number", flat=True))
    assert len(numbers) == len(set(numbers)) == 3
