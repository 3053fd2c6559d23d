"""No internal code reaches people: the main pages, for the office and for the public, rendered over 示例 activity
(``iccity demo``), show words, not dotted audit verbs, Python dicts or snake_case codes of the translation table."""
from __future__ import annotations

import datetime as dt
import html as htmllib
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from iccity.core import clock, words

pytestmark = pytest.mark.django_db

DOTTED = re.compile(r"\b[a-z_]+\.[a-z_]+\.[a-z_]+\b")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
URL = re.compile(r"(?:https?://|www\.)\S+|[\w.-]+\.(?:com|cn|net|org|html?|shtml|json|geojson|js|css|csv|xlsx|docx)\b")


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style|template)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", page))
    return URL.sub(" ", text)


def codes_of_the_table() -> set[str]:
    words.ensure_loaded()
    codes = set()
    for namespace in words._table:  # noqa: SLF001 - the test reads the whole table
        codes |= {c for c in words.known(namespace) if SNAKE.fullmatch(c)}
    return codes


def leaks(text: str, codes: set[str]) -> list[str]:
    found = DOTTED.findall(text)
    found += [m for m in SNAKE.findall(text) if m in codes]
    if "{'" in text or "{\"" in text:
        found.append("{'…} (a Python dict)")
    return found


@pytest.fixture
def demo_world(xiqing_plan):
    from iccity.evaluation import initial_data as evaluation_rules
    from iccity.places import initial_data as places_data

    with clock.travel(dt.date(2026, 6, 15)):
        evaluation_rules.load(io.StringIO())
        places_data.load(io.StringIO())
        call_command("demo", "--months", "1", "--seed", "7", stdout=io.StringIO())
        yield xiqing_plan


def test_main_pages_show_words_not_codes_to_the_office_and_the_public(client, demo_world, office_admin):
    from iccity.delivery.models import Report
    from iccity.evaluation.models import ScoreRun, UnitScore
    from iccity.orgs.models import Person, Unit

    plan_url = "/plans/xiqing-icc/"
    task_keys = list(demo_world.tasks.order_by("key").values_list("key", "pk")[:3])
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
    # the office admin is a person with a unit: pages show that name, not the login
    Person.objects.create(user=office_admin, name="王办公", unit=Unit.objects.filter(active=True).first())
    words.clear_person_cache()

    codes = codes_of_the_table()
    words.UNKNOWN.clear()
    problems, seen = {}, 0
    with clock.travel(dt.date(2026, 6, 15)):
        for who, urls in (("public", public), ("office", office)):
            if who == "office":
                client.force_login(office_admin)
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200, (who, url, response.status_code)
                seen += 1
                found = leaks(visible_text(response.content.decode()), codes)
                if found:
                    problems[f"{who} {url}"] = sorted(set(found))[:8]
    assert seen >= 25
    assert not problems, problems
    assert not words.UNKNOWN, f"codes without words: {sorted(words.UNKNOWN)}"
