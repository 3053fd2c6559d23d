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


@pytest.mark.django_db
def test_a_seed_is_replayed_after_content_types_are_renumbered(fresh_seed, monkeypatch):
    """A transactional test's flush re-creates the content types with new ids; the seed finds them by name."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    with transaction.atomic():
        real = seed_module.seeded("probe", _import)
        recorded = dict(AuditEvent.objects.values_list("pk", "content_type__model"))
        transaction.set_rollback(True)
    moved = ContentType.objects.get(app_label="plans", model="planversion")
    ContentType.objects.filter(pk=moved.pk).update(id=moved.pk + 10_000)
    Permission.objects.filter(content_type_id=moved.pk).update(content_type_id=moved.pk + 10_000)
    ContentType.objects.clear_cache()
    monkeypatch.setattr("conftest._import_xiqing_plan", lambda: pytest.fail("the seed was not replayed"))

    replayed = seed_module.seeded("probe", _import)
    assert replayed.pk == real.pk
    assert dict(AuditEvent.objects.values_list("pk", "content_type__model")) == recorded
    assert AuditEvent.objects.filter(content_type_id=moved.pk + 10_000).exists()
    assert audit_chain.verify().broken is None


@pytest.mark.django_db
def test_a_seed_made_here_is_replayed_only_onto_the_state_and_time_it_was_recorded_on(fresh_seed):
    """``seeded_here`` builds on rows already there: a fixture that changed any row first, or another platform time,
    gets the real setup, never a replay made for a different state."""
    import datetime as dt

    from django.db import transaction

    from iccity.core import clock
    from iccity.orgs.models import Unit

    runs = []

    def setup():
        runs.append(1)
        return Unit.objects.create(name=f"测试单位{base.name}", unit_type="district_dept")

    def attempt(change=None, at=dt.date(2026, 3, 2)):
        with clock.travel(at), transaction.atomic():
            if change:
                change()
            made = seed_module.seeded_here("probe-here", setup)
            shape = (made.pk, made.name)
            transaction.set_rollback(True)
        return shape

    base = Unit.objects.create(name="基准", unit_type="district_dept")
    first = attempt()
    assert attempt() == first and len(runs) == 1  # same state, same time: replayed

    def rename():
        Unit.objects.filter(pk=base.pk).update(full_name="改过的全称")

    attempt(change=rename)
    attempt(change=lambda: Unit.objects.create(name="另一个", unit_type="district_dept"))
    attempt(at=dt.date(2026, 3, 3))
    assert len(runs) == 4  # an edited row, an added row, another day: each ran the real setup
    assert attempt() == first and len(runs) == 4
