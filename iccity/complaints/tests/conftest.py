"""Shared fixtures: default rules and categories, three units, people in roles, and a valid submission."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from iccity.core import clock
from iccity.orgs.models import Person, Role, RoleAssignment, Unit, UnitType

VALID_ID = "11010519491231002X"  # the GB 11643 standard's own example
VALID_USCC = "91350100M000100Y43"  # a widely published real-shaped example; check character Y43 → 3


@dataclass
class World:
    bureau: Unit
    town: Unit
    other_town: Unit
    users: dict

    def __getitem__(self, name):
        return self.users[name]


def make_user(django_user_model, username: str, role: str | None, unit: Unit | None = None):
    user = django_user_model.objects.create_user(username, password="pass-12345", first_name=username)
    person = Person.objects.create(user=user, name=username, unit=unit)
    if role:
        RoleAssignment.objects.create(person=person, role=role, unit=unit)
    return user


@pytest.fixture
def world(db, django_user_model):
    from iccity.complaints.initial_data import ensure_categories
    from iccity.core.rules import do_ensure_declared_rules

    do_ensure_declared_rules(prefix="complaints.")
    ensure_categories()
    bureau = Unit.objects.create(name="区市场监管局", unit_type=UnitType.BUREAU)
    town = Unit.objects.create(name="杨柳青镇", unit_type=UnitType.TOWN)
    other = Unit.objects.create(name="张家窝镇", unit_type=UnitType.TOWN)
    users = {
        "handler": make_user(django_user_model, "handler", Role.LIAISON, bureau),
        "head": make_user(django_user_model, "head", Role.UNIT_HEAD, bureau),
        "handler2": make_user(django_user_model, "handler2", Role.LIAISON, bureau),
        "town_liaison": make_user(django_user_model, "town_liaison", Role.LIAISON, town),
        "town_head": make_user(django_user_model, "town_head", Role.UNIT_HEAD, town),
        "other_liaison": make_user(django_user_model, "other_liaison", Role.LIAISON, other),
        "leader": make_user(django_user_model, "leader", Role.LEADER),
        "office": make_user(django_user_model, "office", Role.OFFICE_ADMIN),
    }
    return World(bureau, town, other, users)


def submission(**over) -> dict:
    data = {
        "case_type": "complaint", "category": "food", "person_name": "张三", "person_phone": "13812341234",
        "person_id_type": "resident_id", "person_id_number": VALID_ID, "person_address": "天津市西青区杨柳青镇某小区1号",
        "respondent_name": "天津某某超市有限公司", "respondent_uscc": VALID_USCC, "respondent_address": "西青区杨柳青镇某路8号",
        "town": "杨柳青镇", "occurred_on": "2026-11-20", "amount": "58.50", "requests": ["退款", "赔偿"],
        "description": "2026年11月20日在该超市购买的酸奶已过保质期，要求退款并赔偿。", "consent_publish": True,
        "consent_entrusted_mediation": True,
    }
    data.update(over)
    return data


@pytest.fixture
def register(world):
    """Register a submission at a given moment (default: a working Friday morning)."""
    from iccity.complaints.actions import do_register_case

    def _register(when=dt.datetime(2026, 11, 27, 9, 0), **over):
        with clock.travel(when):
            return do_register_case(submission(**over))
    return _register
