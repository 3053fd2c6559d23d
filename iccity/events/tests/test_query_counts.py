"""The calendar page, the feed and the API cost the same number of queries for 2 or 20 editions."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iccity.core import clock
from iccity.events import actions
from iccity.events.models import Event
from iccity.places.models import Place

pytestmark = pytest.mark.django_db


def make(n: int, start: int) -> None:
    district = Place.objects.create(name=f"商圈{start}", kind="district")
    venue = Place.objects.create(name=f"会展{start}", kind="exhibition", district=district, latitude=39.0, longitude=117.2)
    for i in range(start, start + n):
        event = actions.do_save_event(Event(name=f"活动{i}", kind="exhibition", venue=venue, is_published=True),
                                      actor=None, created=True)
        actions.do_add_occurrence(event, starts_on=dt.date(2027, 1, 1) + dt.timedelta(days=i % 300),
                                  ends_on=dt.date(2027, 1, 2) + dt.timedelta(days=i % 300))


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx, clock.travel(dt.date(2026, 11, 27)):
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/events/", "/events/calendar.ics", "/api/events/occurrences"])
def test_query_count_does_not_grow_with_editions(client, url):
    make(2, 0)
    small = count(client, url)
    make(18, 100)
    assert count(client, url) == small
