"""No internal code reaches people: the main pages, for the office and for the public, rendered over 示例 activity
(the delivery loop driven through its actions), show words, not dotted audit verbs, Python dicts or snake_case codes of the translation table."""
from __future__ import annotations

import datetime as dt
import html as htmllib
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from iccity.core import clock, words

pytestmark = pytest.mark.django_db

DOTTED = re.compile(r"\b[a-z_]+\.[a-z_]+\.[a-z_]+\b")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
WORD = re.compile(r"\b[a-z]{3,}\b")  # single-word codes such as red, web, internet
URL = re.compile(r"(?:https?://|www\.)\S+|[\w.-]+\.(?:com|cn|net|org|html?|shtml|json|geojson|js|css|csv|xlsx|docx)\b")


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style|template)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    # the signed-in account in the site menu (base.html, owned by the menu work) is the one login name shown
    page = re.sub(r'<a href="' + re.escape(reverse("accounts:account")) + r'"[^>]*>.*?</a>', " ", page, flags=re.S)
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", page))
    return URL.sub(" ", text)


def codes_of_the_table() -> set[str]:
    words.ensure_loaded()
    codes = set()
    for namespace in words._table:  # noqa: SLF001 - the test reads the whole table
        codes |= {c for c in words.known(namespace) if SNAKE.fullmatch(c) or WORD.fullmatch(c)}
    return codes


def leaks(text: str, codes: set[str]) -> list[str]:
    found = DOTTED.findall(text)
    found += [m for m in SNAKE.findall(text) + WORD.findall(text) if m in codes]
    if "{'" in text or "{\"" in text:
        found.append("{'…} (a Python dict)")
    return found


@pytest.fixture
def activity(world):
    """The delivery loop with a month of typical activity, through the real actions (faster than ``iccity demo``):
    work items proposed and accepted, acknowledgements, a report submitted, approved, returned and accepted, evidence,
    an extension, a comment, lights, a rating, a score run and a place's coordinates."""
    from django.contrib.contenttypes.models import ContentType  # noqa: F401 - models ready

    from iccity.delivery import actions as d
    from iccity.delivery.models import Acknowledgement, Report
    from iccity.evaluation.actions.lights import do_refresh_lights
    from iccity.evaluation.actions.ratings import do_rate_task
    from iccity.evaluation.actions.scoring import do_score_period
    from iccity.places import initial_data as places_data
    from iccity.places.actions import do_set_place_coordinates
    from iccity.places.models import Place

    cast = world
    office, reporter, head = cast.scope("office"), cast.scope("reporter"), cast.scope("head")
    items = d.do_propose_work_items(cast.task, scope=cast.scope("tf_lead"))
    d.do_accept_work_item(items[0], scope=cast.scope("tf_lead"))
    for ack in Acknowledgement.objects.filter(assignment__unit=cast.lead_unit)[:2]:
        d.do_acknowledge(ack, scope=reporter)
    report = Report.objects.filter(task=cast.task, unit=cast.lead_unit).first()
    d.do_save_draft(report, {"narrative": "推进中", "progress": 40}, scope=reporter)
    d.do_attach_evidence(report, "照片说明.txt", b"site visit", scope=reporter)
    d.do_submit_report(report, scope=reporter)
    report.refresh_from_db()
    d.do_unit_approve(report, scope=head)
    report.refresh_from_db()
    d.do_review(report, False, "请补充数据", scope=cast.scope("tf_lead"))
    d.do_add_comment(cast.task, "抓紧推进", scope=office)
    do_refresh_lights(cast.version, actor=cast.office)
    do_rate_task(cast.task, "2026Q1", "amber_green", {"planning": "green", "capacity": "amber_green",
                                                     "stage": "amber_red", "evidence": "amber_green"},
                 "基本可控", cast.office)
    do_score_period("2026-02", actor=cast.office)
    places_data.load(io.StringIO())
    do_set_place_coordinates(Place.objects.get(name="宜家家居（中北）"), latitude="39.14452", longitude="117.08454",
                             source="办公室核对", actor=cast.office)
    # people have names (the shared cast names them after their logins): pages must show these, never the logins
    from iccity.orgs.models import Person

    for number, person in enumerate(Person.objects.order_by("pk")):
        person.name = "张王李赵刘陈杨黄吴周徐孙"[number % 12] + "同志" + "一二三四五六七八九十"[number // 12 % 10]
        person.save(update_fields=["name"])
    return cast


def test_main_pages_show_words_not_codes_to_the_office_and_the_public(client, activity):
    from iccity.delivery.models import Report
    from iccity.evaluation.models import ScoreRun, UnitScore

    plan_url = "/plans/xiqing-icc/"
    task_keys = [(activity.task.key, activity.task.pk)] + list(
        activity.version.tasks.exclude(pk=activity.task.pk).order_by("key").values_list("key", "pk")[:2])
    public = [plan_url, "/places/", "/events/", "/evaluation/public/", "/complaints/new/"]
    public += [f"{plan_url}tasks/{key}/" for key, _pk in task_keys]
    office = public + ["/delivery/overview/", "/delivery/review/", "/evaluation/ratings/", "/evaluation/league/",
                       "/evaluation/command/", "/evaluation/leader/", "/places/coordinates/", reverse("accounts:account"),
                       "/evaluation/adjustments/", f"{plan_url}versions/"]
    office += [f"/delivery/tasks/{pk}/" for _key, pk in task_keys] + [f"/evaluation/tasks/{pk}/" for _k, pk in task_keys]
    office += [f"/delivery/reports/{r.pk}/" for r in Report.objects.exclude(state="draft").order_by("pk")[:3]]
    run = ScoreRun.objects.order_by("-pk").first()
    if run:
        office += [f"/evaluation/league/{run.period}/{s.unit_id}/" for s in UnitScore.objects.filter(run=run)[:2]]
    office_user = activity.office
    words.clear_person_cache()

    codes = codes_of_the_table()
    logins = set(get_user_model().objects.values_list("username", flat=True))
    words.UNKNOWN.clear()
    problems, seen = {}, 0
    with clock.travel(dt.date(2026, 3, 2)):
        for who, urls in (("public", public), ("office", office)):
            if who == "office":
                client.force_login(office_user)
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200, (who, url, response.status_code)
                seen += 1
                text = visible_text(response.content.decode())
                if url == reverse("accounts:account"):  # one's own login is fine on one's account page
                    text = text.replace(office_user.get_username(), " ")
                found = leaks(text, codes) + [m for m in WORD.findall(text) if m in logins]
                if found:
                    problems[f"{who} {url}"] = sorted(set(found))[:8]
    assert seen >= 25
    assert not problems, problems
    assert not words.UNKNOWN, f"codes without words: {sorted(words.UNKNOWN)}"
