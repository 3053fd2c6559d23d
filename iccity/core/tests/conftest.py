"""Fixtures shared by core's API tests."""
from __future__ import annotations

import pytest

from iccity.core import clock
from iccity.delivery.tests.conftest import TODAY, Cast


@pytest.fixture
def world(xiqing_plan, django_user_model):
    """The delivery loop under way: plan dispatched, a reporting cycle open, so ids in the API point at real rows."""
    from iccity.delivery.actions import do_dispatch_plan, do_open_cycle
    from iccity.core.rules import do_ensure_declared_rules

    do_ensure_declared_rules(prefix="evaluation.")  # the lights and scoring rules, as iccity bootstrap loads them
    with clock.travel(TODAY):
        cast = Cast(django_user_model, xiqing_plan)
        do_dispatch_plan(cast.version, scope=cast.scope("office"), on=TODAY)
        do_open_cycle(cast.version.plan, TODAY, scope=cast.scope("office"))
        yield cast
