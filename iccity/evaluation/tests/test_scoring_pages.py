"""League table pages and API: who may see them, what they show, the office's tools, and query counts that do not
grow with the data."""
from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iccity.evaluation import scoring
from iccity.evaluation.models import ScoreAdjustment, ScoreRun
from iccity.orgs.models import Person, Role, RoleAssignment, TaskForce, LeadingGroup, Unit

from .scoring_fixtures import World, today, world  # noqa: F401

D = dt.date


def user_with(django_user_model, name, role, **scope):
    user = django_user_model.objects.create_user(name, password="pass-123456")
    RoleAssignment.objects.create(person=Person.objects.create(user=user, name=name), role=role, **scope)
    return user


@pytest.fixture
def people(world, django_user_model):
    force = TaskForce.objects.create(leading_group=LeadingGroup.objects.get(), name="商圈建设专班")
    return {
        "office": user_with(django_user_model, "office1", Role.OFFICE_ADMIN),
        "leader": user_with(django_user_model, "leader1", Role.LEADER),
        "tf_lead": user_with(django_user_model, "tflead1", Role.TASK_FORCE_LEAD, task_force=force),
        "tf_member": user_with(django_user_model, "tfmember1", Role.TASK_FORCE_MEMBER, task_force=force),
        "liaison": user_with(django_user_model, "liaison1", Role.LIAISON, unit=world.lead),
    }


@pytest.fixture
def scored(world: World):
    feb, mar = world.cycle(2026, 2), world.cycle(2026, 3)
    world.report(feb, world.lead)
    world.report(feb, world.co, submitted=D(2026, 3, 2))
    world.report(mar, world.lead, submitted=D(2026, 4, 1))
    missing = world.report(mar, world.co)
    item = world.item(world.other, D(2026, 3, 20))
    scoring.do_score_period("2026-02")
    run = scoring.do_score_period("2026-03")
    return {"run": run, "missing": missing, "item": item}


def test_only_the_office_leaders_and_task_force_leads_see_the_league_table(client, people, scored):
    assert client.get("/evaluation/league/").status_code == 302   # to the login page
    for who, status in [("office", 200), ("leader", 200), ("tf_lead", 200), ("tf_member", 403), ("liaison", 403)]:
        client.force_login(people[who])
        assert client.get("/evaluation/league/").status_code == status, who
        assert client.get("/api/evaluation/league").status_code == status, who


def test_the_league_table_shows_rank_change_bonus_deduction_and_links_to_each_units_points(client, people, world, scored):
    client.force_login(people["leader"])
    page = client.get("/evaluation/league/?period=2026-03").content.decode()
    assert "▲1" in page and "▼2" in page and "新" in page       # lead 2 → 1, co 1 → 3, other not scored in February
    assert f"/evaluation/league/2026-03/{world.co.pk}/" in page and "−10" in page
    assert "按现行规则计分" not in page                            # leaders read; the office scores


def test_a_bad_or_unscored_period_is_said_plainly(client, people, scored):
    client.force_login(people["office"])
    assert "无法识别考核期" in client.get("/evaluation/league/?period=2026年3月").content.decode()
    response = client.get("/evaluation/league/?period=2025-01")
    assert response.status_code == 400 and "尚未计分" in response.content.decode()


def test_a_units_page_lists_every_entry_with_a_link_to_its_source(client, people, world, scored):
    client.force_login(people["tf_lead"])
    page = client.get(f"/evaluation/league/2026-03/{world.co.pk}/").content.decode()
    assert f"/delivery/reports/{scored['missing'].pk}/" in page and "missing_report" in page
    page = client.get(f"/evaluation/league/2026-03/{world.other.pk}/").content.decode()
    assert f"/delivery/tasks/{world.t1.pk}/#item-{scored['item'].pk}" in page
    assert client.get(f"/evaluation/league/2026-03/{world.t1.pk + 99999}/").status_code == 404


def test_the_api_gives_the_table_and_each_units_entries(client, people, world, scored):
    client.force_login(people["office"])
    data = client.get("/api/evaluation/league?period=2026-03").json()
    assert [(s["unit"], s["rank"], s["rank_change"]) for s in data["scores"]][:1] == [("区商务局", 1, 1)]
    detail = client.get(f"/api/evaluation/league/2026-03/{world.co.pk}").json()
    assert detail["entries"][0]["source_type"] == "delivery.report"
    assert client.get("/api/evaluation/league?period=bad").status_code == 400


def test_the_office_scores_a_period_and_records_a_commendation_from_the_pages(client, people, world, scored):
    client.force_login(people["office"])
    response = client.post("/evaluation/adjustments/", {"unit": world.co.pk, "event": "leader_commendation",
                                                         "occurred_on": "2026-03-10", "reason": "区长批示：做法好"})
    assert response.status_code == 302
    adj = ScoreAdjustment.objects.get()
    response = client.post("/evaluation/league/score/", {"period": "2026-03"})
    assert response.status_code == 302 and ScoreRun.objects.filter(period="2026-03").count() == 2
    page = client.get(f"/evaluation/league/2026-03/{world.co.pk}/").content.decode()
    assert f"/evaluation/adjustments/#adj-{adj.pk}" in page
    client.post(f"/evaluation/adjustments/{adj.pk}/withdraw/", {"reason": "录错"})
    adj.refresh_from_db()
    assert adj.is_withdrawn
    client.force_login(people["leader"])
    assert client.post("/evaluation/league/score/", {"period": "2026-03"}).status_code == 403


# ---------------------------------------------------------------- query counts

def grow(world: World, start: int, n: int):
    """n more units with duties in February and March: reports (missing, late), unfinished items with co-units,
    commendations; then both periods are scored again."""
    units = list(Unit.objects.exclude(unit_type="collective").exclude(pk__in=[world.lead.pk, world.co.pk])
                 .order_by("pk")[start:start + n])
    assert len(units) == n
    feb, mar = world.cycle(2026, 2), world.cycle(2026, 3)
    for i, unit in enumerate(units):
        world.report(feb, unit, task=world.t2, submitted=D(2026, 3, 9) if i % 2 else None)
        world.report(mar, unit, task=world.t2, submitted=D(2026, 4, 9) if i % 2 else None)
        world.item(world.lead, D(2026, 3, 10 + i % 15), co=[unit, world.co])
        ScoreAdjustment.objects.create(unit=unit, event="leader_commendation", occurred_on=D(2026, 3, 5), reason="批示")
    scoring.do_score_period("2026-02")
    scoring.do_score_period("2026-03")


def count(client, url) -> int:
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_league_pages_make_the_same_number_of_queries_at_ten_times_the_data(client, people, world):
    client.force_login(people["office"])
    urls = ["/evaluation/league/", "/evaluation/league/?period=2026-03", f"/evaluation/league/2026-03/{world.lead.pk}/",
            f"/evaluation/league/2026-03/{world.co.pk}/", "/api/evaluation/league?period=2026-03",
            f"/api/evaluation/league/2026-03/{world.lead.pk}"]
    grow(world, 0, 2)
    small = {u: count(client, u) for u in urls}
    grow(world, 2, 18)
    large = {u: count(client, u) for u in urls}
    run, rows = scoring.league_table("2026-03")
    assert len(rows) >= 22 and run.entries.filter(unit=world.lead).count() >= 20   # the data really grew
    print("\n".join(f"{small[u]:3d} {large[u]:3d}  {u}" for u in urls))
    assert large == small, {u: (small[u], large[u]) for u in urls if small[u] != large[u]}


def test_a_units_page_shows_the_quality_flags_behind_a_no_substance_deduction(client, people, world):
    from iccity.evaluation.actions.quality import do_check_revision

    report = world.report(world.cycle(2026, 3), world.lead, submitted=D(2026, 4, 2), narrative="稳步推进，积极落实，取得成效。")
    do_check_revision(report.revisions.get())
    scoring.do_score_period("2026-03")
    client.force_login(people["office"])
    page = client.get(f"/evaluation/league/2026-03/{world.lead.pk}/").content.decode()
    assert "no_substance" in page and "套话" in page


def test_the_admin_shows_runs_read_only_and_adds_manual_events_through_the_action(client, office_admin, world, scored):
    from iccity.core.models import AuditEvent

    client.force_login(office_admin)
    assert client.get("/admin/evaluation/scorerun/").status_code == 200
    assert client.get(f"/admin/evaluation/scorerun/{scored['run'].pk}/change/").status_code == 200
    refused = client.post("/admin/evaluation/scoreadjustment/add/", {"unit": world.co.pk, "event": "missing_report",
                                                                     "occurred_on": "2026-03-10", "reason": "x"})
    assert refused.status_code == 200 and "不是该日生效规则中可手工录入的事项" in refused.content.decode()
    client.post("/admin/evaluation/scoreadjustment/add/", {"unit": world.co.pk, "event": "experience_published",
                                                           "occurred_on": "2026-03-10", "reason": "经验刊发"})
    assert ScoreAdjustment.objects.get().event == "experience_published"
    assert AuditEvent.objects.filter(action="evaluation.score_adjustment.added").count() == 1
