from __future__ import annotations

import datetime as dt

import pytest

from iccity.core import clock

from ..actions import do_create_wave, do_ensure_area, do_ensure_survey
from ..initial_data import default_definition

TODAY = dt.date(2026, 6, 10)


@pytest.fixture
def frozen_day():
    with clock.travel(TODAY):
        yield TODAY


@pytest.fixture
def wave(db, frozen_day):
    from iccity.core.rules import do_ensure_declared_rules

    do_ensure_declared_rules(prefix="surveys.")
    survey, _ = do_ensure_survey(default_definition())
    areas = [do_ensure_area("zhongbei", "中北商圈", position=1), do_ensure_area("nanzhan", "南站商圈", position=2)]
    return do_create_wave(code="2026h1", title="2026年上半年测评", survey=survey, areas=areas,
                          opens_on=dt.date(2026, 6, 1), closes_on=dt.date(2026, 6, 30))


def all_items(wave):
    return list(wave.survey.dimensions.values_list("items__pk", flat=True))


@pytest.fixture(autouse=True)
def clear_cache():
    """The rate limiter lives in the LocMem cache, which outlives a test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
