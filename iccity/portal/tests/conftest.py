"""The portal shows what the other apps publish, so its tests reuse evaluation's data builder on the seeded plan."""
from __future__ import annotations

import datetime as dt

import pytest

from iccity.evaluation.tests.conftest import builder, frozen_today, light_rules  # noqa: F401


@pytest.fixture
def open_wave(db, frozen_today):  # noqa: F811
    """A satisfaction survey open today, with two 商圈."""
    from iccity.core.rules import do_ensure_declared_rules
    from iccity.surveys.actions import do_create_wave, do_ensure_area, do_ensure_survey
    from iccity.surveys.initial_data import default_definition

    do_ensure_declared_rules(prefix="surveys.")
    survey, _ = do_ensure_survey(default_definition())
    areas = [do_ensure_area("zhongbei", "中北商圈", position=1), do_ensure_area("nanzhan", "南站商圈", position=2)]
    return do_create_wave(code="2026h2", title="2026年下半年测评", survey=survey, areas=areas,
                          opens_on=frozen_today - dt.timedelta(days=10), closes_on=frozen_today + dt.timedelta(days=10))
