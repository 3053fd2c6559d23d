"""The replayed Xiqing seed gives tests the same rows the real import writes, and an audit trail that verifies."""
from __future__ import annotations

import pytest

from iccity.core import audit_chain
from iccity.core.models import AuditEvent
from iccity.core.testing import seed as seed_module


def _shape(version):
    return {
        "tasks": sorted(version.tasks.values_list("key", "title")),
        "assignments": sorted(version.tasks.values_list("key", "assignments__unit__name", "assignments__role")),
        "audit": sorted(AuditEvent.objects.values_list("action", "object_repr")),
    }


@pytest.fixture
def fresh_seed():
    """Forget what this process recorded, so the first call is the real import."""
    saved = dict(seed_module._seeds)
    seed_module._seeds.clear()
    yield
    seed_module._seeds.clear()
    seed_module._seeds.update(saved)


def _import():
    from conftest import _import_xiqing_plan

    return _import_xiqing_plan()


@pytest.mark.django_db
def test_a_replayed_seed_equals_the_real_import_and_its_audit_chain_verifies(fresh_seed):
    from django.db import transaction

    with transaction.atomic():
        real = seed_module.seeded("probe", _import)
        expected = _shape(real)
        assert audit_chain.verify().broken is None
        transaction.set_rollback(True)
    assert not AuditEvent.objects.exists()
    replayed = seed_module.seeded("probe", _import)
    assert replayed.pk == real.pk
    assert _shape(replayed) == expected
    assert audit_chain.verify().broken is None


@pytest.mark.django_db
def test_a_seed_is_not_replayed_onto_a_database_that_already_holds_its_rows(fresh_seed):
    first = seed_module.seeded("probe", _import)
    again = seed_module.seeded("probe", _import)  # its rows exist: the real setup runs (and finds the same file)
    assert again.pk == first.pk
    assert again.plan.versions.count() == 1
