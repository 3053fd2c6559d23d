"""The two server errors the outside fuzzing found, answered properly now (and the schema says so)."""
from __future__ import annotations

import json

import pytest




def test_lights_on_a_day_before_any_light_rule_is_a_400_naming_the_rule(client, world):
    client.force_login(world.office)
    response = client.get("/api/evaluation/lights?on=2023-01-29")
    assert response.status_code == 400, response.content[:500]
    assert "2023-01-29 没有生效的版本" in response.json()["detail"]
    task = world.task
    response = client.get(f"/api/evaluation/lights/{task.pk}?on=2023-01-29")
    assert response.status_code == 400 and "没有生效的版本" in response.json()["detail"]


def test_lights_today_still_answer(client, world):
    client.force_login(world.office)
    assert client.get("/api/evaluation/lights").status_code == 200


def test_draft_with_null_completed_items_is_a_422_not_a_crash(client, world):
    from iccity.delivery.models import Report

    report = Report.objects.filter(task=world.task, unit=world.lead_unit).first()
    client.force_login(world.reporter)
    for body in ({"completed_items": None}, {"figures": None}, {"narrative": None}):
        response = client.post(f"/api/delivery/reports/{report.pk}/draft", json.dumps(body),
                               content_type="application/json")
        assert response.status_code == 422, (body, response.content[:500])
    response = client.post(f"/api/delivery/reports/{report.pk}/draft", json.dumps({"narrative": "进展顺利"}),
                           content_type="application/json")
    assert response.status_code == 200


def test_ids_beyond_the_database_range_are_answered_not_crashed(client, world):
    """SQLite raises OverflowError for such a filter (answered 422); PostgreSQL's backend finds nothing (an empty list)."""
    from django.db import connection

    client.force_login(world.reporter)
    response = client.get("/api/delivery/reports?cycle=327104313025270043567816966144")
    if connection.vendor == "sqlite":
        assert response.status_code == 422
        assert response.json()["detail"][0]["msg"] == "数值超出允许范围"
    else:
        assert (response.status_code, response.json()) == (200, [])
