"""Each dashboard costs the same number of SQL queries with ten times the data (tasks, items, cycles, reports,
indicators, ratings, transitions)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iccity.evaluation.actions.lights import do_refresh_lights

from .conftest import TODAY

pytestmark = pytest.mark.django_db
PAGES = ["/evaluation/command/", "/evaluation/leader/", "/evaluation/public/", "/evaluation/ratings/", "TASK"]


def counts(client, builder) -> dict[str, int]:
    out = {}
    for page in PAGES:
        url = f"/evaluation/tasks/{builder.tasks[0].pk}/" if page == "TASK" else page
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        out[page] = len(ctx.captured_queries)
    return out


def test_dashboard_query_counts_do_not_grow_with_data(client, builder, office_user):
    client.force_login(office_user)
    builder.build(1)
    do_refresh_lights(builder.version, TODAY - dt.timedelta(days=30))
    do_refresh_lights(builder.version, TODAY)
    at_1x = counts(client, builder)
    builder.build(9)
    builder.work_items(1)  # new items change some lights: more transitions
    do_refresh_lights(builder.version, TODAY)
    at_10x = counts(client, builder)
    print("query counts at 1x and 10x:", at_1x, at_10x)
    assert at_10x == at_1x
    assert all(n < 60 for n in at_1x.values()), at_1x
