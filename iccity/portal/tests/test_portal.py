"""The public portal: what the plan is (from the plan's rows), progress in the same plain words as the public progress
page, published indicators only with source and date, upcoming events, and only links a member of the public can open."""
from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from urllib.parse import urlparse

from django.urls import reverse


class _Main(HTMLParser):
    """The hrefs and the text inside <main> (the site menu is built elsewhere from the roles)."""

    def __init__(self):
        super().__init__()
        self.depth, self.hrefs, self.text = 0, [], []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        elif self.depth and tag == "a":
            self.hrefs.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def _main(html: str) -> _Main:
    parser = _Main()
    parser.feed(html)
    return parser


def test_portal_lives_at_public_and_says_what_the_plan_is_from_its_rows(client, builder):
    from iccity.plans.models import TaskKind

    version = builder.version
    assert reverse("portal:home") == "/public/"
    response = client.get("/public/")
    assert response.status_code == 200
    text = "".join(_main(response.content.decode()).text)
    years = sorted({g.year for g in version.goals.all() if g.year})
    assert years, "the seeded plan states goals by year"
    for goal in version.goals.all():
        assert goal.text[:20] in text
    for year in years:
        assert f"到{year}年的目标" in text
    groups = list(version.groups.all())
    tasks = version.tasks.filter(kind=TaskKind.TASK).count()
    measures = version.tasks.filter(kind=TaskKind.GUARANTEE).count()
    assert f"方案分 {len(groups)} 个板块、{tasks} 项重点任务，另有 {measures} 项保障措施" in text
    for group in groups:
        assert group.title in text


def test_portal_progress_uses_the_public_progress_words_and_no_internal_detail(client, builder):
    t1, t2 = builder.tasks[0], builder.tasks[1]
    builder.work_items(4, tasks=[t1]).reports(1, tasks=[t2])
    portal = client.get("/public/").content.decode()
    progress = client.get(reverse("evaluation:public")).content.decode()
    for task in (t1, t2, builder.tasks[2]):
        card = re.search(rf'<li class="card" data-task="{task.key}">(.*?)</li>', portal, re.S).group(1)
        row = re.search(rf'<tr data-task="{task.key}">(.*?)</tr>', progress, re.S).group(1)
        stage = re.search(r'class="stage"[^>]*>(.*?)</', row, re.S).group(1).strip()
        assert stage and stage in card
    for secret in ("逾期", "个工作日", builder.lead_of(t1).name):
        assert secret not in "".join(_main(portal).text)


def test_portal_lists_published_indicators_with_source_and_date_and_hides_the_others(client, builder):
    builder.indicators(2, published=True).indicators(1, published=False)
    from iccity.indicators.models import Indicator, Release

    text = "".join(_main(client.get("/public/").content.decode()).text)
    release = Release.objects.order_by("id").first()
    for ind in Indicator.objects.all():
        assert (ind.name in text) == ind.published, ind.name
    assert f"{release.publisher}《{release.title}》，{release.published_on:%Y}年{release.published_on.month}月" in text


def test_portal_shows_upcoming_public_events_only(client, builder, frozen_today):
    from iccity.events.models import Event, Occurrence

    def event(name, starts_on, is_published=True):
        ev = Event.objects.create(name=name, kind=Event._meta.get_field("kind").choices[0][0],
                                  is_published=is_published)
        Occurrence.objects.create(event=ev, year=starts_on.year, starts_on=starts_on, ends_on=starts_on)

    event("西青年货节", frozen_today + dt.timedelta(days=10))
    event("已结束的灯会", frozen_today - dt.timedelta(days=10))
    event("未公开的内部活动", frozen_today + dt.timedelta(days=3), is_published=False)
    text = "".join(_main(client.get("/public/").content.decode()).text)
    assert "西青年货节" in text
    assert "已结束的灯会" not in text and "未公开的内部活动" not in text


PUBLIC_PAGES = ["/public/", "/evaluation/public/", "/indicators/", "/events/", "/places/", "/complaints/new/",
                "/complaints/track/", "/surveys/", "/credit/"]


def test_every_link_in_the_public_pages_opens_for_an_anonymous_visitor(client, builder, open_wave):
    """No staff links: whatever a public page offers in its content, a visitor without an account can open (the site
    menu is built from the roles elsewhere)."""
    builder.indicators(1)
    portal = set(_main(client.get("/public/").content.decode()).hrefs)
    for name in ("complaints:new", "complaints:track", "places:map", "events:calendar", "credit:disclosure",
                 "evaluation:public"):
        assert reverse(name) in portal, name
    hrefs = set()
    for path in PUBLIC_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        hrefs |= {(path, h) for h in _main(response.content.decode()).hrefs
                  if not urlparse(h).netloc and not h.startswith(("#", "mailto:", "tel:"))}
    refused, status = {}, {}
    for source, href in sorted(hrefs, key=lambda pair: pair[1]):
        if href not in status:
            status[href] = client.get(href).status_code
        if status[href] != 200:
            refused[f"{source} → {href}"] = status[href]
    assert len(status) > 10 and not refused, refused


def test_portal_offers_the_open_survey_for_each_of_its_areas(client, builder, open_wave):
    hrefs = _main(client.get("/public/").content.decode()).hrefs
    for area in open_wave.areas.all():
        url = reverse("surveys:form", args=[open_wave.code, area.code])
        assert url in hrefs
        assert client.get(url).status_code == 200


def test_portal_costs_the_same_number_of_queries_with_more_data(client, builder, open_wave):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/public/").status_code == 200
        return len(queries)

    builder.drive().work_items(1).reports(1).indicators(2)
    small = count()
    builder.work_items(3).reports(2).indicators(6)
    assert count() == small
