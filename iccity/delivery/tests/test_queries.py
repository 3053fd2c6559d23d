"""Every delivery page runs a fixed number of SQL queries: 10× the cycles, reports, revisions, work items, notices,
comments and task forces must not add a single query. Counts are measured at 1× and compared at 10×."""
from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iccity.core import clock
from iccity.delivery.actions import (
    do_add_comment, do_attach_evidence, do_create_work_item, do_open_cycle, do_request_extension, do_review,
    do_save_draft, do_submit_report, do_unit_approve,
)
from iccity.delivery.models import DrivenTask, Notice, Report
from iccity.orgs.models import LeadingGroup, Person, Role, RoleAssignment, TaskForce

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class World:
    """Grows the data of every list the pages show, through the actions."""

    def __init__(self, cast, cycle):
        self.cast, self.cycle, self.size = cast, cycle, 0
        self.lead = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
        self.tasks = list(cast.version.tasks.order_by("kind", "number"))

    def _loop(self, report, *, who, head, accept: bool | None):
        do_save_draft(report, {"narrative": f"进展{self.size}", "figures": [{"name": "项目", "value": "1", "unit": "个"}]},
                      scope=self.cast.scope(who))
        do_attach_evidence(report, f"e{self.size}.pdf", PDF + str(self.size).encode(), scope=self.cast.scope(who))
        do_submit_report(report, scope=self.cast.scope(who))
        do_unit_approve(report, scope=self.cast.scope(head))
        if accept is not None:
            do_review(report, accept, "" if accept else f"请补充{self.size}", scope=self.cast.scope("office"))

    def grow(self, n: int):
        cast = self.cast
        for _ in range(n):
            self.size += 1
            k = self.size
            # one more past cycle, its lead report returned and its co-unit report waiting for review
            day = dt.date(2026, 2, 1) - dt.timedelta(days=31 * k)
            with clock.travel(day):
                old, _new = do_open_cycle(cast.version.plan, day, scope=cast.scope("office"))
                self._loop(Report.objects.get(cycle=old, task=cast.task, unit=cast.lead_unit),
                           who="reporter", head="head", accept=False)
                self._loop(Report.objects.get(cycle=old, task=cast.task, unit=cast.co_unit),
                           who="co_reporter", head="co_head", accept=None)
            # the current lead report: one more returned revision
            self._loop(self.lead, who="reporter", head="head", accept=False)
            item = do_create_work_item(cast.task, {"title": f"事项{k}", "lead_unit": cast.lead_unit,
                                                   "deadline": dt.date(2026, 3, 1) + dt.timedelta(days=k)},
                                       scope=cast.scope("office"))
            item.co_units.add(cast.co_unit)
            do_request_extension(item, dt.date(2026, 12, 1), "理由", scope=cast.scope("reporter"))
            Notice.objects.create(kind=["urge", "supervise", "red"][k % 3], unit=cast.lead_unit, task=cast.task,
                                  cycle=self.cycle, title=f"督办{k}", body=".", dedupe_key=f"q-{k}")
            do_add_comment(cast.task, f"批示{k}", scope=cast.scope("leader"))
            force = TaskForce.objects.create(leading_group=LeadingGroup.objects.get(), name=f"专班{k}")
            DrivenTask.objects.create(task_force=force, task=self.tasks[k % len(self.tasks)])
            RoleAssignment.objects.create(person=Person.objects.create(name=f"成员{k}"), role=Role.TASK_FORCE_MEMBER,
                                          task_force=force)


def pages(world):
    cast, lead = world.cast, world.lead
    co = Report.objects.filter(task=cast.task, unit=cast.co_unit, state="unit_approved").first()
    task = f"/delivery/tasks/{cast.task.pk}/"
    return [
        ("reporter", "/delivery/"), ("head", "/delivery/"), ("reporter", f"/delivery/reports/{lead.pk}/"),
        ("reporter", f"/delivery/reports/{lead.pk}/?rev=1"), ("office", f"/delivery/reports/{co.pk}/"),
        ("reporter", task), ("tf_lead", task), ("office", task), ("leader", task),
        ("tf_member", "/delivery/review/"), ("office", "/delivery/review/"), ("head", "/delivery/review/"),
        ("office", "/delivery/review/?show=all&lateness=on_time&flag=none"),
        ("office", "/delivery/review/?show=all&lateness=late"),
        ("office", "/delivery/overview/"), ("tf_member", "/delivery/overview/"),
        ("office", f"/delivery/overview/?task_force={cast.task_force.pk}&sort=overdue"),
        ("office", "/delivery/task-forces/"),
        ("reporter", "/api/delivery/my"), ("office", "/api/delivery/reports"),
        ("reporter", f"/api/delivery/reports/{lead.pk}"),
    ]


def count(client, user, url) -> int:
    client.force_login(user)
    ContentType.objects.clear_cache()   # every page starts cold, so a warm cache does not hide or fake a query
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def test_query_counts_do_not_grow_with_the_data(client, cast, cycle):
    world = World(cast, cycle)
    world.grow(1)
    urls = pages(world)
    small = {(who, url): count(client, getattr(cast, who), url) for who, url in urls}
    world.grow(9)
    large = {(who, url): count(client, getattr(cast, who), url) for who, url in pages(world)}
    grew = {key: (small[key], large[key]) for key in small if large[key] != small[key]}
    print("\n".join(f"{n:3d}  {who:10s} {url}" for (who, url), n in small.items()))
    assert grew == {}, f"页面查询次数随数据增长：{grew}"
    assert Report.objects.get(pk=world.lead.pk).revisions.count() == 10   # the data really grew
