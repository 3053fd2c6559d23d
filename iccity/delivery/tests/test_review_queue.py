"""The review queue: default 只看需要我处理的 per role, filters with faceted counts, paging that keeps the filters,
newest actionable first, batch acceptance, visibility, a flat query count, and the registry's contributions."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from iccity.core.models import AuditEvent
from iccity.delivery import registry
from iccity.delivery.actions import do_accept_reports, do_review, do_save_draft, do_submit_report, do_unit_approve
from iccity.delivery.models import Report, ReportRevision, ReportState
from iccity.delivery.permissions import visible_reports
from iccity.delivery.registry import Badge, QueueFilter, ReportAnnotator

from .conftest import TODAY


def shown_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="review-(\d+)"', html)]


def get(client, user, query: str = "") -> str:
    client.force_login(user)
    response = client.get("/delivery/review/" + query)
    assert response.status_code == 200
    return response.content.decode()


def report_of(cast, cycle, unit, task=None) -> Report:
    return Report.objects.get(cycle=cycle, task=task or cast.task, unit=unit)


def submit(cast, report, who, text="本月完成商圈改造项目3个"):
    do_save_draft(report, {"narrative": text}, scope=cast.scope(who))
    do_submit_report(report, scope=cast.scope(who))


def send_up(cast, report, who, head):
    submit(cast, report, who)
    do_unit_approve(report, scope=cast.scope(head))
    report.refresh_from_db()
    return report


@pytest.fixture
def world(cast, cycle):
    """a: T1 lead unit, submitted (its head must act); b: T1 co-unit, sent up (T1's task force and the office act);
    c: another task of the lead unit, sent up (only the office acts: no task force drives it); d: accepted."""
    other_tasks = list(Report.objects.filter(cycle=cycle, unit=cast.lead_unit).exclude(task=cast.task)
                       .order_by("task__kind", "task__number"))
    a = report_of(cast, cycle, cast.lead_unit)
    submit(cast, a, "reporter")
    b = send_up(cast, report_of(cast, cycle, cast.co_unit), "co_reporter", "co_head")
    c = send_up(cast, other_tasks[0], "reporter", "head")
    d = send_up(cast, other_tasks[1], "reporter", "head")
    d = do_review(d, True, "", scope=cast.scope("office"))
    for r in (a, b, c):
        r.refresh_from_db()
    return {"a": a, "b": b, "c": c, "d": d, "others": other_tasks[2:]}


def test_each_role_sees_by_default_only_what_it_must_act_on(client, cast, world):
    a, b, c, d = (world[k] for k in "abcd")
    assert shown_ids(get(client, cast.head)) == [a.pk]
    assert shown_ids(get(client, cast.tf_member)) == [b.pk]
    assert sorted(shown_ids(get(client, cast.office))) == sorted([b.pk, c.pk])
    everything = shown_ids(get(client, cast.office, "?show=all"))
    assert {b.pk, c.pk, d.pk} <= set(everything) and a.pk not in everything   # a is still inside its unit
    for who in ("reporter", "leader", "outsider"):
        client.force_login(getattr(cast, who))
        assert client.get("/delivery/review/").status_code == 403, who


def test_nobody_is_asked_to_approve_a_revision_they_wrote(client, cast, cycle):
    own = report_of(cast, cycle, cast.lead_unit)
    submit(cast, own, "head")                      # the head wrote and submitted it himself
    assert own.pk not in shown_ids(get(client, cast.head))
    html = get(client, cast.head, "?show=all")
    card = html[html.index(f'id="review-{own.pk}"'):]
    assert 'name="decision"' not in card.split("</li>")[0]


def test_the_newest_actionable_report_comes_first_and_the_rest_follow(client, cast, world):
    b, c, d = world["b"], world["c"], world["d"]
    base = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(9)))   # the test clock stands still: spread the moves
    for minutes, r in enumerate((b, c, d)):
        Report.objects.filter(pk=r.pk).update(moved_at=base + dt.timedelta(minutes=minutes))
    ids = shown_ids(get(client, cast.office, "?show=all"))
    # c was sent up after b; d is newer than both but already accepted, so it comes after what the office must do
    assert ids.index(c.pk) < ids.index(b.pk) < ids.index(d.pk)


def test_filters_narrow_the_list_and_each_option_counts_what_it_would_give(client, cast, cycle, world):
    b, c, d = world["b"], world["c"], world["d"]
    late_at = timezone.make_aware(dt.datetime.combine(cycle.due_on + dt.timedelta(days=2), dt.time(9)))
    Report.objects.filter(pk=c.pk).update(reached_review_at=late_at)
    html = get(client, cast.office, "?show=all")
    options = dict(re.findall(r'<option value="([^"]+)"[^>]*>[^<（]*（(\d+)）</option>', html))
    for key, values in {"state": ReportState.values, "lateness": ["on_time", "late", "overdue"]}.items():
        for value in values:
            expected = len(shown_ids(get(client, cast.office, f"?show=all&{key}={value}")))
            assert int(options.get(value, 0)) == expected, (key, value)
    assert shown_ids(get(client, cast.office, "?show=all&lateness=late")) == [c.pk]
    assert shown_ids(get(client, cast.office, "?show=all&state=accepted")) == [d.pk]
    assert shown_ids(get(client, cast.office, f"?show=all&unit={cast.co_unit.pk}")) == [b.pk]
    assert shown_ids(get(client, cast.office, f"?show=all&task={cast.task.pk}&cycle={cycle.pk}")) == [b.pk]
    # a count is faceted: with state=accepted chosen, the unit options count accepted reports only
    html = get(client, cast.office, "?show=all&state=accepted")
    assert re.search(rf'<option value="{cast.lead_unit.pk}"[^>]*>{cast.lead_unit.name}（1）', html)
    # only the unit select: another select's option may carry the same number
    units = re.search(r'<select[^>]*name="unit"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert f'<option value="{cast.co_unit.pk}"' not in units
    # the scope toggle counts both ways under the same filters
    assert "只看需要我处理的（2）" in get(client, cast.office, "?show=all")


def sent_up_in_bulk(cycle, n: int) -> list[Report]:
    """n reports of the cycle sent up, newest last (bulk: the loop's actions are tested elsewhere)."""
    reports = list(Report.objects.filter(cycle=cycle).order_by("pk")[:n])
    base = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(8)))
    for i, r in enumerate(reports):
        moved = base + dt.timedelta(minutes=i)
        Report.objects.filter(pk=r.pk).update(state=ReportState.UNIT_APPROVED, reached_review_at=moved, moved_at=moved)
        ReportRevision.objects.create(report=r, number=1, narrative=f"进展{i}", submitted_at=moved)
    return reports


def test_paging_keeps_the_filters(client, cast, cycle):
    reports = sent_up_in_bulk(cycle, 25)
    html = get(client, cast.office, f"?cycle={cycle.pk}&state=unit_approved")
    first = shown_ids(html)
    assert len(first) == 20 and first[0] == reports[-1].pk          # newest first
    link = re.search(r'<a href="(\?[^"]*page=2[^"]*)" rel="next">', html).group(1).replace("&amp;", "&")
    assert f"cycle={cycle.pk}" in link and "state=unit_approved" in link
    second = shown_ids(get(client, cast.office, link))
    assert len(second) == 5 and not set(first) & set(second)


def test_many_pages_show_the_ends_and_the_neighbours_not_every_number(client, cast, cycle, monkeypatch):
    from iccity.delivery import queue

    monkeypatch.setattr(queue, "PAGE_SIZE", 1)
    sent_up_in_bulk(cycle, 15)
    html = get(client, cast.office, f"?cycle={cycle.pk}&state=unit_approved&page=8")
    nav = html[html.index('class="pagination"'):]
    nav = nav[:nav.index("</nav>")]
    numbers = [int(n) for n in re.findall(r'page=(\d+)"(?: rel="(?:prev|next)")?>(\d+)<', nav) for n in n[1:]]
    assert numbers == [1, 2, 6, 7, 9, 10, 14, 15]
    assert '<span aria-current="page">8</span>' in nav and nav.count("…") == 2


def test_the_page_costs_the_same_number_of_queries_for_5_or_25_reports(client, cast, cycle):
    client.force_login(cast.office)
    client.get("/delivery/review/?show=all")                       # warm the per-process caches
    counts = []
    for n in (5, 25):
        Report.objects.filter(cycle=cycle).update(state=ReportState.DRAFT, reached_review_at=None)
        ReportRevision.objects.all().delete()
        sent_up_in_bulk(cycle, n)
        for query in ("", "?show=all&lateness=on_time&flag=none"):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get("/delivery/review/" + query)
            assert response.status_code == 200 and len(shown_ids(response.content.decode())) == min(n, 20)
            counts.append(len(ctx.captured_queries))
    assert counts[:2] == counts[2:], counts


def test_no_report_the_viewer_may_not_see_appears(client, cast, world):
    for who in ("head", "co_head", "tf_member", "tf_lead", "other_tf", "office"):
        user = getattr(cast, who)
        seen, query = [], "?show=all"
        while query:
            html = get(client, user, query)
            seen += shown_ids(html)
            nxt = re.search(r'<a href="(\?[^"]*)" rel="next">', html)
            query = nxt.group(1).replace("&amp;", "&") if nxt else ""
        assert sorted(seen) == sorted(visible_reports(cast.scope(who)).values_list("pk", flat=True)), who


def test_a_decision_from_the_queue_returns_to_the_same_filtered_page(client, cast, world):
    b = world["b"]
    here = f"/delivery/review/?unit={cast.co_unit.pk}&show=all"
    client.force_login(cast.tf_member)
    response = client.post(f"/delivery/reports/{b.pk}/review/",
                           {"decision": "return", "comment": "补充数据", "lock_version": b.lock_version, "next": here})
    assert response.status_code == 302 and response["Location"] == here
    b.refresh_from_db()
    assert b.state == ReportState.RETURNED


def test_a_unit_head_approves_inline_from_the_queue(client, cast, world):
    a = world["a"]
    client.force_login(cast.head)
    html = client.post(f"/delivery/reports/{a.pk}/unit-decision/", {"decision": "approve", "lock_version": a.lock_version},
                       HTTP_HX_REQUEST="true").content.decode()
    assert "已审核通过" in html and "<html" not in html
    a.refresh_from_db()
    assert a.state == ReportState.UNIT_APPROVED


def flag_reports(*flagged):
    ids = {r.pk for r in flagged}

    def annotate(reports):
        return {r.pk: [Badge("内容空泛", "只有套话", code="empty", blocks_batch=True)] for r in reports if r.pk in ids}
    registry.register_annotator(ReportAnnotator("test.flags", "质量提示", "测试", annotate))
    registry.register_queue_filter(QueueFilter("flag", "质量提示", lambda: [("any", "有质量提示")],
                                               lambda v: Q(pk__in=ids)))


def test_batch_accept_accepts_clean_reports_and_refuses_the_others_with_reasons(client, cast, cycle, world):
    b, c = world["b"], world["c"]
    flagged = send_up(cast, world["others"][0], "reporter", "head")
    stale = send_up(cast, world["others"][1], "reporter", "head")
    draft = world["others"][2]                                      # never sent up: the office may not see it
    with registry.isolated():
        flag_reports(flagged)
        html = get(client, cast.office)
        assert re.search(rf'id="pick-{flagged.pk}" disabled', html) and "有质量提示（内容空泛），请打开报告逐份审核" in html
        assert re.search(rf'id="pick-{b.pk}" name="reports" value="{b.pk}:{b.lock_version}"', html)
        before = AuditEvent.objects.filter(action="delivery.report.accepted").count()
        response = client.post("/delivery/review/batch-accept/", {
            "reports": [f"{b.pk}:{b.lock_version}", f"{c.pk}:{c.lock_version}", f"{flagged.pk}:{flagged.lock_version}",
                        f"{stale.pk}:{stale.lock_version - 1}", f"{draft.pk}:0"],
            "comment": "同意", "next": "/delivery/review/?show=all"})
    assert response.status_code == 302 and response["Location"] == "/delivery/review/?show=all"
    summary = str(list(get_messages(response.wsgi_request))[-1])
    assert summary.startswith("已接受 2 份，3 份未能接受：")
    assert "有质量提示（内容空泛）" in summary and "该报告已被他人处理" in summary and "报告不存在或无权查看" in summary
    states = dict(Report.objects.filter(pk__in=[b.pk, c.pk, flagged.pk, stale.pk, draft.pk]).values_list("pk", "state"))
    assert states == {b.pk: "accepted", c.pk: "accepted", flagged.pk: "unit_approved", stale.pk: "unit_approved",
                      draft.pk: "draft"}
    assert AuditEvent.objects.filter(action="delivery.report.accepted").count() == before + 2
    batch = AuditEvent.objects.filter(action="delivery.report.batch_accepted").latest("pk")
    assert batch.after["accepted"] == [b.pk, c.pk] and len(batch.after["refused"]) == 3


def test_a_task_force_cannot_batch_accept_what_it_does_not_review(cast, world):
    b, c = world["b"], world["c"]
    outcome = do_accept_reports({c.pk: c.lock_version}, scope=cast.scope("tf_lead"))   # a task it does not drive
    assert not outcome.accepted and "报告不存在或无权查看" in outcome.summary
    outcome = do_accept_reports({b.pk: b.lock_version}, scope=cast.scope("leader"))    # sees it, may not review
    assert not outcome.accepted and "只有负责该任务的专班或领导小组办公室可以审核" in outcome.summary
    assert set(Report.objects.filter(pk__in=[b.pk, c.pk]).values_list("state", flat=True)) == {ReportState.UNIT_APPROVED}


def test_delivery_works_without_contributors_and_shows_theirs_when_registered(client, cast, world):
    b = world["b"]
    with registry.isolated():
        html = get(client, cast.office)
        assert 'name="flag"' not in html and "质量提示" not in html
        assert re.search(rf'id="pick-{b.pk}" name="reports"', html)
        flag_reports(b)
        html = get(client, cast.office)
        assert re.search(r'<option value="any"[^>]*>有质量提示（1）</option>', html)
        assert "质量提示：内容空泛" in html and re.search(rf'id="pick-{b.pk}" disabled', html)
        assert shown_ids(get(client, cast.office, "?flag=any")) == [b.pk]
