"""The notification centre, the header bell and the compact unit home: true unread counts over all of a person's
notices, marking read per person (one, a group, all), grouping by kind and task, and a home page whose cost does not
grow with the number of notices."""
from __future__ import annotations

import re

from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from iccity.delivery.models import Notice, NoticeKind
from iccity.delivery.views import RECENT_UNREAD
from iccity.delivery.views_notices import PAGE_SIZE

HTMX = {"HTTP_HX_REQUEST": "true"}


def page(response) -> str:
    return response.content.decode()


def add_notices(unit, n: int, *, start: int = 0, task=None, kinds=(NoticeKind.URGE, NoticeKind.SUPERVISE, NoticeKind.RED)):
    Notice.objects.bulk_create([
        Notice(kind=kinds[i % len(kinds)], unit=unit, task=task, title=f"批量通知{i:03d}", body=f"正文全文{i:03d}",
               dedupe_key=f"bulk-{unit.pk}-{i}") for i in range(start, start + n)])


def bell(html: str) -> int:
    return int(re.search(r'id="notice-bell"[^>]*>.*?通知 \((\d+)\)', html, re.S).group(1))


def unread_in_db(unit, user) -> int:
    return Notice.objects.filter(unit=unit).exclude(read_by=user).count()


def test_unread_count_is_true_beyond_any_page_size(client, cast, cycle):
    add_notices(cast.lead_unit, 128)
    expected = unread_in_db(cast.lead_unit, cast.reporter)
    assert expected > 128 > PAGE_SIZE
    client.force_login(cast.reporter)
    centre = page(client.get("/delivery/notices/"))
    assert bell(centre) == expected and f"其中 {expected} 条未读" in centre
    assert f"{expected} 条未读" in page(client.get("/delivery/"))
    add_notices(cast.lead_unit, 1, start=500)   # a new notice moves the count (it used to stay at the page size)
    assert bell(page(client.get("/delivery/"))) == expected + 1


def test_mark_a_group_then_all_read_is_per_person(client, cast, cycle):
    add_notices(cast.lead_unit, 30)
    client.force_login(cast.reporter)
    response = client.post("/delivery/notices/read-all/", {"kind": "red", "next": "/delivery/notices/?group=kind"})
    assert response.status_code == 302 and response["Location"] == "/delivery/notices/?group=kind"
    mine = Notice.objects.filter(unit=cast.lead_unit).exclude(read_by=cast.reporter)
    assert not mine.filter(kind="red").exists() and mine.filter(kind="urge").exists()
    response = client.post("/delivery/notices/read-all/", {"next": "/delivery/notices/"}, follow=True, **HTMX)
    html = page(response)
    assert 'id="notice-centre"' in html and "其中 0 条未读" in html and bell(html) == 0
    assert unread_in_db(cast.lead_unit, cast.reporter) == 0
    assert unread_in_db(cast.lead_unit, cast.head) == Notice.objects.filter(unit=cast.lead_unit).count()  # head's stay


def test_centre_groups_by_kind_and_task_with_chinese_labels(client, cast, cycle):
    add_notices(cast.lead_unit, 6, task=cast.task)
    client.force_login(cast.reporter)
    html = page(client.get("/delivery/notices/?group=kind&state=unread"))
    groups = html[html.index('id="groups-h"'):html.index('id="list-h"')]
    assert groups.index("红色督办") < groups.index("督办单") < groups.index("催办单")  # most urgent first
    listing = html[html.index('id="list-h"'):]
    assert listing.index("未读 · 红色督办") < listing.index("未读 · 催办单")
    assert not re.search(r">\s*(red|urge|supervise)\s*<", html)   # people never see the codes
    by_task = page(client.get("/delivery/notices/?group=task"))
    assert f"{cast.task.key} {cast.task.title}" in by_task and "未关联任务" in by_task
    only_red = page(client.get("/delivery/notices/?group=kind&kind=red"))
    listed = re.findall(r'<h3 class="notice-section">(.*?)</h3>', only_red)
    assert listed and all(section.endswith("红色督办") for section in listed)
    client.post("/delivery/notices/read-all/", {"task": str(cast.task.pk)})
    assert not Notice.objects.filter(task=cast.task).exclude(read_by=cast.reporter).exists()
    assert Notice.objects.filter(unit=cast.lead_unit, task__isnull=True).exclude(read_by=cast.reporter).exists()


def test_a_person_sees_and_marks_only_their_own_units_notices(client, cast, cycle):
    add_notices(cast.lead_unit, 3)
    theirs = Notice.objects.filter(unit=cast.lead_unit).first()
    client.force_login(cast.other_reporter)
    assert theirs.title not in page(client.get("/delivery/notices/?state=all"))
    assert client.post(f"/delivery/notices/{theirs.pk}/read/").status_code == 404
    client.post("/delivery/notices/read-all/")
    assert not Notice.objects.filter(unit=cast.lead_unit, read_by=cast.other_reporter).exists()
    client.force_login(cast.outsider)   # no unit: an empty centre, nothing to mark
    assert "尚未分配到任何单位" in page(client.get("/delivery/notices/"))


def test_bell_is_one_query_per_request(rf: RequestFactory, cast, cycle):
    add_notices(cast.lead_unit, 40)
    request = rf.get("/")
    request.user = cast.reporter
    with CaptureQueriesContext(connection) as queries:
        first = render_to_string("delivery/_notice_bell.html", {"user": cast.reporter}, request=request)
        second = render_to_string("delivery/_notice_bell.html", {"user": cast.reporter}, request=request)
    assert len(queries) == 1 and first == second
    assert bell(first) == unread_in_db(cast.lead_unit, cast.reporter)


def _home_queries_of(client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        html = page(client.get(path))
    return len(queries), html


def _home_queries(client) -> tuple[int, str]:
    return _home_queries_of(client, "/delivery/")


def test_home_is_compact_and_its_cost_is_flat_in_notices(client, cast, cycle):
    client.force_login(cast.reporter)
    add_notices(cast.lead_unit, 3)
    small, _ = _home_queries(client)
    add_notices(cast.lead_unit, 120, start=100)
    large, html = _home_queries(client)
    assert small == large
    notices = html[html.index('id="notices-h"'):html.index('id="items-h"')]
    assert len(re.findall(r"<li>", notices)) == RECENT_UNREAD
    assert "正文全文" not in html and not re.search(r"notices/\d+/read/", html)  # no bodies, no per-notice buttons
    assert "红色督办" in notices and 'href="/delivery/notices/"' in notices
    assert html.index('id="write-h"') < html.index('id="notices-h"')   # work first


def test_centre_cost_is_flat_in_notices(client, cast, cycle):
    client.force_login(cast.reporter)
    add_notices(cast.lead_unit, 3, task=cast.task)
    small, _ = _home_queries_of(client, "/delivery/notices/?group=task")
    add_notices(cast.lead_unit, 150, start=100, task=cast.task)
    large, html = _home_queries_of(client, "/delivery/notices/?group=task")
    assert small == large and html.count('class="notice-line') == PAGE_SIZE and "下一页" in html
