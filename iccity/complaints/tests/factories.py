"""Shared setup for the complaint page tests: the bureau, categories routed to it, people with roles, an Open311 key,
a valid form post, and a frozen day inside the holiday data's years."""
from __future__ import annotations

import datetime as dt
import hashlib
import time

import pytest
from django.core.cache import cache

from iccity.core import publicforms as forms
from iccity.complaints.models import Category, Open311Key
from iccity.orgs.models import Person, Role, RoleAssignment, Unit, UnitType

TODAY = dt.date(2026, 5, 11)
API_KEY = "test-open311-key-0123456789"
PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"
NAME = "王小明"


@pytest.fixture(autouse=True)
def frozen_today():
    from iccity.core import clock

    with clock.travel(TODAY):
        yield TODAY


@pytest.fixture(autouse=True)
def clear_cache():
    """The rate limiter lives in the LocMem cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


class World:
    def __init__(self, django_user_model):
        from iccity.complaints.initial_data import ensure_categories
        from iccity.core.rules import do_ensure_declared_rules

        do_ensure_declared_rules(prefix="complaints.")
        ensure_categories()
        self.bureau = Unit.objects.create(name="区市场监管局", unit_type=UnitType.BUREAU)
        self.other_unit = Unit.objects.create(name="区文旅局", unit_type=UnitType.BUREAU)
        Category.objects.update(default_unit=self.bureau)
        self.category = Category.objects.get(code="catering")
        self.handler = make_person(django_user_model, "handler", Role.LIAISON, unit=self.bureau)
        self.head = make_person(django_user_model, "head", Role.UNIT_HEAD, unit=self.bureau)
        self.other = make_person(django_user_model, "other", Role.LIAISON, unit=self.other_unit)
        self.office = make_person(django_user_model, "office", Role.OFFICE_ADMIN)
        self.outsider = django_user_model.objects.create_user("outsider", password="pass-123456")
        Open311Key.objects.create(name="测试调用方", key_sha256=hashlib.sha256(API_KEY.encode()).hexdigest())


def make_person(django_user_model, username: str, role: str, *, unit: Unit | None = None):
    user = django_user_model.objects.create_user(username, password="pass-123456")
    person = Person.objects.create(user=user, name=username, unit=unit)
    RoleAssignment.objects.create(person=person, role=role, unit=unit)
    return user


@pytest.fixture
def site(db, django_user_model) -> World:
    return World(django_user_model)


def form_data(**overrides) -> dict:
    """A complete, valid complaint as the public form posts it (opened 10 s ago)."""
    data = {
        "case_type": "complaint", "category": "catering", "person_name": NAME, "person_phone": PHONE,
        "person_id_type": "resident_id", "person_id_number": ID_NUMBER, "person_address": "西青区杨柳青镇1号",
        "respondent_name": "天津市西青区好味道餐馆", "respondent_address": "西青区中北镇2号", "town": "中北镇",
        "occurred_on": "2026-05-01", "amount": "128.50", "description": "5月1日在该店用餐，菜品有异物，要求退款。",
        "requests": ["退款"], "consent_publish": "on", "started": forms.sign_started(time.time() - 10), "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def register(**overrides):
    """A case registered through the core action (not the page), for handler and Open311 tests."""
    from iccity.complaints.actions import do_register_case
    from iccity.complaints.submission import validate_submission

    raw = form_data(**overrides)
    raw["consent_publish"] = raw.get("consent_publish") == "on"
    cleaned, errors, _flags = validate_submission(raw, today=TODAY)
    assert not errors, errors
    return do_register_case(cleaned, channel="web")
