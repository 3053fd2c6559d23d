"""督办总览 and task-force management, as the office uses them."""
from __future__ import annotations

import datetime as dt
import re

from iccity.core import clock
from iccity.core.models import AuditEvent
from iccity.delivery.actions import do_review, do_save_draft, do_submit_report, do_unit_approve
from iccity.delivery.models import DrivenTask, Notice, Report
from iccity.orgs.models import Person, Role, RoleAssignment, TaskForce


def page(response) -> str:
    return response.content.decode()


def row(html: str, key: int, table: str) -> list[str]:
    """The numbers of one row of the unit (or task force) table."""
    section = html.split(f'id="{table}"')[1]
    match = re.search(rf'<tr data-key="{key}">(.*?)</tr>', section, re.S)
    cells = re.findall(r'<td class="num[^"]*">([^<]*)', match.group(1))
    return [c.strip() for c in cells]


def test_who_may_see_the_overview(client, cast, cycle):
    for who in ("office", "leader", "tf_member", "other_tf"):
        client.force_login(getattr(cast, who))
        assert client.get("/delivery/overview/").status_code == 200, who
    for who in ("reporter", "head", "outsider"):
        client.force_login(getattr(cast, who))
        response = client.get("/delivery/overview/")
        assert response.status_code == 403 and "督办总览" in page(response), who


def test_counts_per_unit_and_task_force(client, cast, cycle):
    lead = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
    do_save_draft(lead, {"narrative": "进展"}, scope=cast.scope("reporter"))
    do_submit_report(lead, scope=cast.scope("reporter"))
    do_unit_approve(lead, scope=cast.scope("head"))
    do_review(lead, False, "补充", scope=cast.scope("tf_member"))
    Notice.objects.create(kind="urge", unit=cast.co_unit, task=cast.task, cycle=cycle, title="催办单", body=".",
                          dedupe_key="u1")
    Notice.objects.create(kind="red", unit=cast.co_unit, task=cast.task, cycle=cycle, title="红色督办", body=".",
                          dedupe_key="r1")
    expected = Report.objects.filter(cycle=cycle, unit=cast.lead_unit).count()
    client.force_login(cast.office)
    html = page(client.get("/delivery/overview/"))
    assert cycle.label in html
    # 应报 已报送 按时报送 审核通过 退回 审核中 逾期未报 未签收 逾期事项 催办 督办 红色 (delivery.figures)
    assert row(html, cast.lead_unit.pk, "unit-h")[:5] == [str(expected), "1", "1", "0", "1"]
    co = row(html, cast.co_unit.pk, "unit-h")
    assert co[-3:] == ["1", "0", "1"]
    force = row(html, cast.task_force.pk, "tf-h")
    t1_reports = Report.objects.filter(cycle=cycle, task=cast.task).count()
    assert force[0] == str(t1_reports) and force[4] == "1" and force[-1] == "1"
    assert "未分配专班" in html


def test_overdue_reports_and_acknowledgements_after_the_deadline(client, cast, cycle):
    client.force_login(cast.office)
    with clock.travel(cycle.due_on + dt.timedelta(days=1)):
        html = page(client.get("/delivery/overview/"))
    cells = row(html, cast.lead_unit.pk, "unit-h")
    assert cells[6] == cells[0]          # nothing submitted: every expected report is overdue
    assert "逾期" in cells[7]              # acknowledgements past their 3 working days


def test_filter_by_task_force_and_sort(client, cast, cycle):
    client.force_login(cast.office)
    html = page(client.get(f"/delivery/overview/?cycle={cycle.pk}&task_force={cast.task_force.pk}&sort=unack"))
    units = re.findall(r'<tr data-key="(\d+)">', html.split('id="unit-h"')[1])
    t1_units = set(Report.objects.filter(cycle=cycle, task=cast.task).values_list("unit_id", flat=True))
    assert {int(u) for u in units} == t1_units
    assert 'value="unack" selected' in html


def test_office_creates_a_task_force_sets_members_and_tasks(client, cast, cycle):
    client.force_login(cast.office)
    assert "商圈建设专班" in page(client.get("/delivery/task-forces/"))
    response = client.post("/delivery/task-forces/create/", {"name": "夜间经济专班", "host_unit": cast.other_unit.pk},
                           follow=True)
    assert "已创建专班“夜间经济专班”" in page(response)
    force = TaskForce.objects.get(name="夜间经济专班")
    assert client.post("/delivery/task-forces/create/", {"name": "夜间经济专班"}, follow=True).content.decode().count(
        "专班“夜间经济专班”已存在") == 1
    person = Person.objects.get(user=cast.other_reporter)
    client.post(f"/delivery/task-forces/{force.pk}/members/", {f"tf{force.pk}-person": person.pk,
                                                              f"tf{force.pk}-role": Role.TASK_FORCE_MEMBER})
    client.post(f"/delivery/task-forces/{force.pk}/members/", {f"tf{force.pk}-person": person.pk,
                                                              f"tf{force.pk}-role": Role.TASK_FORCE_LEAD})
    roles = list(RoleAssignment.objects.filter(person=person, task_force=force).values_list("role", flat=True))
    assert roles == [Role.TASK_FORCE_LEAD]   # one role per task force: lead replaced member
    t2 = cast.version.tasks.get(key="T2")
    client.post(f"/delivery/task-forces/{force.pk}/tasks/", {f"tf{force.pk}-tasks": [cast.task.pk, t2.pk]})
    assert set(DrivenTask.objects.filter(task_force=force).values_list("task__key", flat=True)) == {"T1", "T2"}
    client.post(f"/delivery/task-forces/{force.pk}/members/{person.pk}/remove/")
    assert not RoleAssignment.objects.filter(person=person, task_force=force).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"orgs.task_force.created", "orgs.task_force.member_set", "orgs.task_force.member_removed",
            "delivery.task_force.tasks_set"} <= actions


def test_only_the_office_manages_task_forces(client, cast, cycle):
    for who in ("tf_lead", "leader", "reporter"):
        client.force_login(getattr(cast, who))
        assert client.get("/delivery/task-forces/").status_code == 403, who
        assert client.post("/delivery/task-forces/create/", {"name": "x"}).status_code == 403, who
        assert client.post(f"/delivery/task-forces/{cast.task_force.pk}/tasks/", {}).status_code == 403, who
    assert TaskForce.objects.filter(name="x").count() == 0
    assert DrivenTask.objects.filter(task_force=cast.task_force).count() == 1
