"""People and roles for delivery tests, built on the real Xiqing plan."""
from __future__ import annotations

import datetime as dt

import pytest

from iccity.core.testing.seed import seeded_here
from iccity.delivery.actions import do_dispatch_plan, do_open_cycle
from iccity.delivery.models import DrivenTask
from iccity.delivery.permissions import Scope
from iccity.orgs.models import LeadingGroup, Person, Role, RoleAssignment, TaskForce, Unit
from iccity.orgs.permissions import Actor

# A day inside a year the holiday data covers, so working-day arithmetic is defined.
TODAY = dt.date(2026, 3, 2)


def make_person(django_user_model, username: str, role: str, *, unit: Unit | None = None, task_force=None):
    user = django_user_model.objects.create_user(username, password="pass-123456")
    person = Person.objects.create(user=user, name=username, unit=unit)
    held_in = unit if role in (Role.UNIT_HEAD, Role.LIAISON) else None
    RoleAssignment.objects.create(person=person, role=role, unit=held_in, task_force=task_force)
    return user


def scope_of(user) -> Scope:
    return Scope.of(Actor.for_user(user))


CAST_USERS = ("office", "leader", "tf_lead", "tf_member", "other_tf", "reporter", "head", "co_reporter", "co_head",
              "other_reporter", "outsider")


def _make_cast(django_user_model, cast: Cast) -> TaskForce:
    """The cast's rows: two task forces (one driving T1) and one person per role; returns the T1 task force."""
    group = LeadingGroup.objects.get()
    task_force = TaskForce.objects.create(leading_group=group, name="商圈建设专班", host_unit=cast.lead_unit)
    DrivenTask.objects.create(task_force=task_force, task=cast.task)
    other_force = TaskForce.objects.create(leading_group=group, name="文旅融合专班", host_unit=cast.other_unit)
    make_person(django_user_model, "office", Role.OFFICE_ADMIN)
    make_person(django_user_model, "leader", Role.LEADER)
    make_person(django_user_model, "tf_lead", Role.TASK_FORCE_LEAD, task_force=task_force)
    make_person(django_user_model, "tf_member", Role.TASK_FORCE_MEMBER, task_force=task_force)
    make_person(django_user_model, "other_tf", Role.TASK_FORCE_LEAD, task_force=other_force)
    make_person(django_user_model, "reporter", Role.LIAISON, unit=cast.lead_unit)
    make_person(django_user_model, "head", Role.UNIT_HEAD, unit=cast.lead_unit)
    make_person(django_user_model, "co_reporter", Role.LIAISON, unit=cast.co_unit)
    make_person(django_user_model, "co_head", Role.UNIT_HEAD, unit=cast.co_unit)
    make_person(django_user_model, "other_reporter", Role.LIAISON, unit=cast.other_unit)
    django_user_model.objects.create_user("outsider", password="pass-123456")
    return task_force


class Cast:
    """Everyone in the loop: the office, a task force driving task 1, 区商务局 (lead of T1) and 区协同办 (co-unit)."""

    def __init__(self, django_user_model, version):
        self.version = version
        self.task = version.tasks.get(key="T1")
        self.lead_unit = Unit.objects.get(name="区商务局")
        self.co_unit = Unit.objects.get(name="区协同办")
        self.other_unit = Unit.objects.get(name="区文旅局")
        self.task_force = seeded_here("delivery-cast", lambda: _make_cast(django_user_model, self))
        users = django_user_model.objects.in_bulk(CAST_USERS, field_name="username")
        for name in CAST_USERS:
            setattr(self, name, users[name])

    def scope(self, name: str) -> Scope:
        return scope_of(getattr(self, name))


@pytest.fixture(autouse=True)
def frozen_today():
    """Delivery tests run on a fixed day inside the holiday data's range."""
    from iccity.core import clock

    with clock.travel(TODAY):
        yield TODAY


@pytest.fixture
def cast(xiqing_plan, django_user_model) -> Cast:
    return Cast(django_user_model, xiqing_plan)


@pytest.fixture
def cycle(cast):
    """The plan dispatched and its current cycle open (replayed onto the same state where it can: core.testing.seed)."""
    def dispatch_and_open():
        do_dispatch_plan(cast.version, scope=cast.scope("office"), on=TODAY)
        return do_open_cycle(cast.version.plan, TODAY, scope=cast.scope("office"))[0]

    return seeded_here("delivery-cycle", dispatch_and_open)
