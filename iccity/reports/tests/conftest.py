"""Fixtures for the reports tests: the Xiqing plan with marked demo activity, and the evaluation contracts stubbed
where a test wants fixed lights, ratings and league tables."""
from __future__ import annotations

import datetime as dt
import pytest

from iccity.core import clock

DEMO_DAY = dt.date(2026, 6, 15)


@pytest.fixture
def activity(xiqing_plan, media):
    """The Xiqing plan with May 2026 activity marked 示例 (see factories.build_activity); today is 2026-06-15."""
    from .factories import build_activity

    with clock.travel(DEMO_DAY):
        yield {"version": xiqing_plan, **build_activity(xiqing_plan)}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class FakeLight:
    def __init__(self, colour, label, explanation):
        self.colour, self.label, self.explanation = colour, label, explanation


@pytest.fixture
def fixed_evaluation(monkeypatch):
    """Lights: T1 red, everything else green; no ratings; no league table. Returns the dict to tweak."""
    from iccity.reports.documents import context

    state = {"lights": {}, "ratings": {}, "league": (None, [])}

    def lights(version, on):
        out = {}
        for task in version.tasks.all():
            out[task.pk] = state["lights"].get(task.key) or FakeLight("green", "绿", "绿：按期推进")
        return out

    monkeypatch.setattr(context, "_lights", lights)
    monkeypatch.setattr(context, "_ratings", lambda version, quarter: state["ratings"])
    monkeypatch.setattr(context, "_league", lambda period: state["league"])
    state["lights"]["T1"] = FakeLight("red", "红", "红：2 项事项逾期超过10个工作日")
    return state
