"""The office workbench and the task-force desk: every link works for the viewer (no 403 drill-down), the counts are
the figures' definitions, the registry copes with no providers, and the query count does not grow with the data."""
from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iccity.workspaces import registry

from .conftest import TODAY

pytestmark = pytest.mark.django_db
MAIN = re.compile(r'<main id="main".*?</main>', re.S)
HREF = re.compile(r'href="([^"#]+)"')


def links_in_main(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    main = MAIN.search(response.content.decode()).group(0)
    return sorted({unescape(h) for h in HREF.findall(main)})


def assert_links_open(client, url: str) -> list[str]:
    links = links_in_main(client, url)
    broken = {}
    for link in links:
        status = client.get(link).status_code
        if status != 200:
            broken[link] = status
    assert broken == {}, f"{url}: {broken}"
    return links


def test_every_link_on_the_office_workbench_opens_for_the_office(desk_world, client):
    desk_world.add_work(2)
    client.force_login(desk_world.cast.office)
    links = assert_links_open(client, reverse("workspaces:office"))
    # drill-down into each kind of work, and the filtered pages where it is done
    for page in ("/delivery/reports/", "/delivery/tasks/", "/evaluation/tasks/", "/complaints/cases/",
                 "/plans/import/drafts/", "/reports/ledger/import/", "/delivery/review/?state=unit_approved",
                 "/delivery/overview/?cycle="):
        assert any(link.startswith(page) for link in links), page


@pytest.mark.parametrize("who", ["tf_lead", "tf_member"])
def test_every_link_on_the_task_force_desk_opens_for_its_people(desk_world, client, who):
    desk_world.add_work(2)
    client.force_login(getattr(desk_world.cast, who))
    links = assert_links_open(client, reverse("workspaces:taskforce"))
    assert f"/evaluation/tasks/{desk_world.t1.pk}/" in links
    page = client.get(reverse("workspaces:taskforce")).content.decode()
    assert desk_world.t2.title not in page  # T2 is not this task force's task


@pytest.mark.parametrize("who", ["leader", "tf_lead", "office"])
def test_the_leader_summary_links_all_open_for_leader_and_task_force_lead(desk_world, client, who):
    desk_world.add_work(1)
    client.force_login(getattr(desk_world.cast, who))
    links = assert_links_open(client, reverse("evaluation:leader"))
    may_command = who != "tf_lead"
    assert (reverse("evaluation:command") in links) is may_command
    assert client.get(reverse("evaluation:command")).status_code == (200 if may_command else 403)


def _sections(client, desk: str) -> dict:
    return {s["key"]: s for s in client.get(f"/api/workspaces/{desk}/items").json()}


def test_office_counts_are_the_figures_definitions(desk_world, client):
    from iccity.delivery import figures
    from iccity.delivery.models import Report, ReportState, WorkItem

    desk_world.add_work(3)
    client.force_login(desk_world.cast.office)
    sections = _sections(client, "office")
    assert sections["delivery.overdue_items"]["count"] == figures.item_counts(WorkItem.objects.all(), TODAY).items_overdue
    assert sections["delivery.overdue_reports"]["count"] == figures.report_counts(desk_world.cycle, today=TODAY).overdue
    assert sections["delivery.review"]["count"] == Report.objects.filter(state=ReportState.UNIT_APPROVED).count()
    for key in ("delivery.overdue_items", "delivery.overdue_reports", "delivery.review", "delivery.failed_deliveries",
                "evaluation.red_lights", "complaints.near_deadline", "plans.import_drafts", "reports.ledger_imports"):
        assert sections[key]["count"] >= 3, key
        assert 0 < len(sections[key]["rows"]) <= sections[key]["count"], key
    # most urgent first: sections with overdue work come before those that merely wait
    order = [s["severity"] for s in client.get("/api/workspaces/office/items").json() if s["count"]]
    assert order == sorted(order, key=registry.SEVERITIES.index)


def test_task_force_counts_are_the_figures_definitions_for_its_tasks(desk_world, client):
    from iccity.delivery import figures
    from iccity.delivery.models import Report, WorkItem

    desk_world.add_work(3)
    client.force_login(desk_world.cast.tf_lead)
    sections = _sections(client, "taskforce")
    mine = [desk_world.t1.pk]
    assert sections["delivery.taskforce_overdue_items"]["count"] == figures.item_counts(
        WorkItem.objects.filter(task_id__in=mine), TODAY).items_overdue
    assert sections["delivery.taskforce_lateness"]["count"] == figures.report_counts(
        desk_world.cycle, reports=Report.objects.filter(task_id__in=mine), today=TODAY).overdue
    assert sections["delivery.taskforce_review"]["count"] == 3
    assert sections["evaluation.taskforce_lights"]["count"] == 1


def test_desks_work_with_no_providers(desk_world, client, monkeypatch):
    monkeypatch.setattr(registry, "_PROVIDERS", {})
    client.force_login(desk_world.cast.office)
    response = client.get(reverse("workspaces:office"))
    assert response.status_code == 200
    assert "暂无需要处理的事项" in response.content.decode()
    assert client.get("/api/workspaces/office/items").json() == []


def _queries(client, url: str) -> int:
    client.get(url)  # warm per-process caches (rules, calendar)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_desk_query_counts_do_not_grow_with_the_data(desk_world, client):
    cast = desk_world.cast
    desk_world.add_work(1)
    small = {}
    for user, url in ((cast.office, reverse("workspaces:office")), (cast.tf_lead, reverse("workspaces:taskforce"))):
        client.force_login(user)
        small[url] = _queries(client, url)
    desk_world.add_work(8)
    large = {}
    for user, url in ((cast.office, reverse("workspaces:office")), (cast.tf_lead, reverse("workspaces:taskforce"))):
        client.force_login(user)
        large[url] = _queries(client, url)
    print("desk queries with 1× and 9× work:", small, large)
    assert large == small
