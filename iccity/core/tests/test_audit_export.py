"""Audit export for the office: filters, CSV with BOM for Excel, .xlsx, and nobody else."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from iccity.core import clock
from iccity.core.actions import record_audit
from iccity.core.models import AuditEvent
from iccity.orgs.models import Person, Role, RoleAssignment, Unit


@pytest.fixture
def people(db, django_user_model):
    office = django_user_model.objects.create_user("office", password="pass-123456")
    RoleAssignment.objects.create(person=Person.objects.create(user=office, name="办公室"), role=Role.OFFICE_ADMIN)
    clerk = django_user_model.objects.create_user("clerk", password="pass-123456")
    return office, clerk


@pytest.fixture
def events(people):
    office, clerk = people
    unit = Unit.objects.create(name="区商务局", unit_type="bureau")
    other = Unit.objects.create(name="区文旅局", unit_type="bureau")
    with clock.travel(dt.date(2026, 3, 2)):
        record_audit(office, "orgs.unit.updated", unit, before={"name": "商务局"}, after={"name": "区商务局"}, note="核实名称")
    with clock.travel(dt.date(2026, 3, 5)):
        record_audit(clerk, "orgs.unit.updated", other, note="=HYPERLINK(\"http://x\")")
    return unit, other


def rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_has_a_bom_and_chinese_headers(client, people, events):
    client.force_login(people[0])
    response = client.get("/audit/export.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    data = rows(response)
    assert data[0][:4] == ["时间", "操作人", "账号", "动作"]
    assert len(data) == 1 + AuditEvent.objects.count()


def test_filters_by_object_date_and_actor(client, people, events):
    unit, other = events
    client.force_login(people[0])
    data = rows(client.get(f"/audit/export.csv?object_type=orgs.unit&object_id={unit.pk}"))
    assert len(data) == 2 and data[1][6] == "区商务局" and '"name": "商务局"' in data[1][7] and data[1][9] == "核实名称"
    assert len(rows(client.get("/audit/export.csv?date_from=2026-03-03&date_to=2026-03-05"))) == 2
    assert len(rows(client.get("/audit/export.csv?date_to=2026-03-02&object_type=orgs.unit"))) == 2
    data = rows(client.get("/audit/export.csv?actor=clerk"))
    assert len(data) == 2 and data[1][2] == "clerk"


def test_formulas_are_not_executed_in_excel(client, people, events):
    client.force_login(people[0])
    data = rows(client.get("/audit/export.csv?actor=clerk"))
    assert data[1][9].startswith("'=")


def test_unknown_object_type_is_a_clear_400(client, people, events):
    client.force_login(people[0])
    response = client.get("/audit/export.csv?object_type=nope.thing")
    assert response.status_code == 400 and "未知的对象类型" in response.content.decode()


def test_xlsx_export(client, people, events):
    client.force_login(people[0])
    response = client.get("/audit/export.xlsx?object_type=orgs.unit")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "时间" and len(values) == 3 and values[1][6] == "区商务局"


def test_only_office_admins_export(client, people, events):
    assert client.get("/audit/export.csv").status_code == 302   # anonymous: to the login page
    client.force_login(people[1])
    response = client.get("/audit/export.csv")
    assert response.status_code == 403 and "只有领导小组办公室管理员可以导出" in response.content.decode()
    assert client.get("/audit/export.xlsx").status_code == 403


def test_task_filter_covers_the_delivery_objects_under_a_task(client, xiqing_plan, people):
    from iccity.delivery.actions import do_create_work_item
    from iccity.delivery.permissions import Scope
    from iccity.orgs.permissions import Actor

    task = xiqing_plan.tasks.get(key="T1")
    other_task = xiqing_plan.tasks.get(key="T2")
    scope = Scope.of(Actor.for_user(people[0]))
    with clock.travel(dt.date(2026, 3, 2)):
        do_create_work_item(task, {"title": "T1事项", "lead_unit": Unit.objects.get(name="区商务局")}, scope=scope)
        do_create_work_item(other_task, {"title": "T2事项", "lead_unit": Unit.objects.get(name="区商务局")}, scope=scope)
    client.force_login(people[0])
    data = rows(client.get(f"/audit/export.csv?task={task.pk}"))
    assert [r[3] for r in data[1:]] == ["新增具体事项"] and "T1事项" in data[1][6]
    assert [r[-1] for r in data[1:]] == ["delivery.work_item.created"]  # the code stays, last, for auditors
