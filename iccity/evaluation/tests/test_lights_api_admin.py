"""The lights API and the read-only admin pages of lights and ratings."""
from __future__ import annotations

import pytest

from iccity.evaluation.actions.lights import do_refresh_lights
from iccity.evaluation.actions.ratings import do_rate_task
from iccity.orgs.models import Role

from .conftest import TODAY, make_user

pytestmark = pytest.mark.django_db
AREAS = {"planning": "green", "capacity": "amber_green", "stage": "amber_red", "evidence": "amber_green"}


def test_api_lists_every_task_light_with_reasons(client, builder, office_user):
    t1 = builder.version.tasks.get(key="T1")
    builder.work_items(2, tasks=[t1])
    client.force_login(office_user)
    rows = client.get("/api/evaluation/lights").json()
    assert len(rows) == builder.version.tasks.count()
    row = next(r for r in rows if r["task_key"] == "T1")
    assert row["colour"] == "red" and row["explanation"] == "红：1 项事项逾期超过10个工作日"


def test_api_task_light_includes_transitions(client, builder, office_user):
    t1 = builder.version.tasks.get(key="T1")
    do_refresh_lights(builder.version, TODAY)
    client.force_login(office_user)
    body = client.get(f"/api/evaluation/lights/{t1.pk}").json()
    assert body["colour"] == "grey" and [t["to_colour"] for t in body["transitions"]] == ["grey"]


def test_api_refuses_units_and_anonymous(client, builder, django_user_model):
    assert client.get("/api/evaluation/lights").status_code == 401
    client.force_login(make_user(django_user_model, "liaison1", Role.LIAISON, unit=builder.units[0]))
    assert client.get("/api/evaluation/lights").status_code == 403
    assert client.get("/api/evaluation/ratings").status_code == 403


def test_api_ratings_of_a_quarter(client, builder, office_user):
    t1 = builder.version.tasks.get(key="T1")
    do_rate_task(t1, "2026Q4", "amber_red", AREAS, "进展偏慢", office_user)
    client.force_login(office_user)
    assert [r["level"] for r in client.get("/api/evaluation/ratings?quarter=2026Q4").json()] == ["amber_red"]
    assert client.get("/api/evaluation/ratings?quarter=2026-4").status_code == 400


def test_admin_shows_lights_and_ratings_read_only(client, builder, office_admin):
    t1 = builder.version.tasks.get(key="T1")
    do_refresh_lights(builder.version, TODAY)
    do_rate_task(t1, "2026Q4", "green", AREAS, "有望完成", office_admin)
    client.force_login(office_admin)
    for name in ("tasklight", "lighttransition", "deliveryrating"):
        assert client.get(f"/admin/evaluation/{name}/").status_code == 200
        assert client.get(f"/admin/evaluation/{name}/add/").status_code == 403
