"""我的任务: what a unit's liaison and head see and do first; everyone else lands on their own queue."""
from __future__ import annotations

import datetime as dt

from iccity.delivery.actions import (
    do_create_work_item, do_decide_extension, do_request_extension, do_review, do_save_draft,
    do_submit_report, do_unit_approve,
)
from iccity.delivery.models import Acknowledgement, AckState, ExtensionRequest, Notice, Report

HTMX = {"HTTP_HX_REQUEST": "true"}


def page(response) -> str:
    return response.content.decode()


def ack_of(cast, unit=None) -> Acknowledgement:
    return Acknowledgement.objects.get(assignment__task=cast.task, assignment__unit=unit or cast.lead_unit)


def test_anonymous_people_go_to_the_chinese_login_page(client, db):
    response = client.get("/delivery/")
    assert response.status_code == 302 and response.url == "/accounts/login/?next=/delivery/"
    login = page(client.get(response.url))
    assert "登录推进平台" in login and 'name="username"' in login


def test_unit_staff_log_in_on_the_plain_login_page(client, cast):
    response = client.post("/accounts/login/", {"username": "reporter", "password": "pass-123456", "next": "/delivery/"})
    assert response.status_code == 302 and response.url == "/delivery/"
    assert client.get("/delivery/").status_code == 200


def test_office_task_forces_and_leaders_land_on_their_queue(client, cast):
    for who, target in (("office", "/delivery/overview/"), ("leader", "/delivery/overview/"),
                        ("tf_member", "/delivery/review/"), ("tf_lead", "/delivery/review/")):
        client.force_login(getattr(cast, who))
        assert client.get("/delivery/").url == target, who


def test_people_without_a_role_are_told_whom_to_ask(client, cast):
    client.force_login(cast.outsider)
    assert "尚未分配到任何单位" in page(client.get("/delivery/"))


def test_pending_acknowledgements_with_deadline_and_buttons(client, cast, cycle):
    client.force_login(cast.reporter)
    html = page(client.get("/delivery/"))
    ack = ack_of(cast)
    assert "待签收" in html and f'id="ack-{ack.pk}"' in html and "剩 3 个工作日" in html
    assert 'hx-post="/delivery/acknowledgements/' in html and "签收" in html and "退回" in html


def test_acknowledge_with_htmx_swaps_the_row(client, cast, cycle):
    ack = ack_of(cast)
    client.force_login(cast.reporter)
    response = client.post(f"/delivery/acknowledgements/{ack.pk}/", {"decision": "acknowledge"}, **HTMX)
    assert response.status_code == 200 and "已签收" in page(response) and "<html" not in page(response)
    ack.refresh_from_db()
    assert ack.state == AckState.ACKNOWLEDGED
    again = client.post(f"/delivery/acknowledgements/{ack.pk}/", {"decision": "acknowledge"}, **HTMX)
    assert "该任务已签收，无需重复操作" in page(again)


def test_return_needs_a_reason_and_works_without_javascript(client, cast, cycle):
    ack = ack_of(cast, cast.co_unit)
    client.force_login(cast.co_reporter)
    response = client.post(f"/delivery/acknowledgements/{ack.pk}/", {"decision": "return", "reason": "否"}, follow=True)
    assert "退回必须说明理由（至少4个字）" in page(response)
    response = client.post(f"/delivery/acknowledgements/{ack.pk}/",
                           {"decision": "return", "reason": "该事项属区商务局职责"}, follow=True)
    assert "已退回 T1" in page(response)
    ack.refresh_from_db()
    assert ack.state == AckState.RETURNED and ack.return_reason == "该事项属区商务局职责"


def test_another_units_acknowledgement_is_forbidden(client, cast, cycle):
    client.force_login(cast.other_reporter)
    response = client.post(f"/delivery/acknowledgements/{ack_of(cast).pk}/", {"decision": "acknowledge"})
    assert response.status_code == 403 and "只有本单位人员可以签收" in page(response)


def test_reports_to_write_show_due_date_and_working_days_left(client, cast, cycle):
    client.force_login(cast.reporter)
    html = page(client.get("/delivery/"))
    report = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
    assert f"/delivery/reports/{report.pk}/" in html and cycle.due_on.strftime("%Y-%m-%d") in html
    assert "个工作日" in html and "待填报" in html


def test_overdue_reports_are_marked(client, cast, cycle):
    from iccity.core import clock

    client.force_login(cast.reporter)
    with clock.travel(cycle.due_on + dt.timedelta(days=3)):
        html = page(client.get("/delivery/"))
    assert "已逾期" in html and "is-overdue" in html


def test_head_sees_reports_awaiting_approval(client, cast, cycle):
    report = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
    do_save_draft(report, {"narrative": "进展"}, scope=cast.scope("reporter"))
    do_submit_report(report, scope=cast.scope("reporter"))
    client.force_login(cast.head)
    assert "待我审核" in page(client.get("/delivery/"))
    client.force_login(cast.reporter)
    assert "待我审核" not in page(client.get("/delivery/"))


def test_returned_reports_show_the_reviewers_comment(client, cast, cycle):
    report = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
    do_save_draft(report, {"narrative": "进展"}, scope=cast.scope("reporter"))
    do_submit_report(report, scope=cast.scope("reporter"))
    do_unit_approve(report, scope=cast.scope("head"))
    do_review(report, False, "请补充签约金额", scope=cast.scope("tf_member"))
    client.force_login(cast.reporter)
    html = page(client.get("/delivery/"))
    assert "被退回待修改" in html and "请补充签约金额" in html and "tf_member" in html
    assert html.index('id="returned-h"') < html.index('id="acks-h"') < html.index('id="write-h"')  # returned on top


def test_notices_unread_first_and_mark_read_with_htmx(client, cast, cycle):
    old = Notice.objects.filter(unit=cast.lead_unit).first()
    old.read_by.add(cast.reporter)
    new = Notice.objects.create(kind="urge", unit=cast.lead_unit, title="催办单：请报送3月进展", body="请尽快报送",
                                dedupe_key="test-urge")
    client.force_login(cast.reporter)
    home = page(client.get("/delivery/"))
    assert "催办单：请报送3月进展" in home and old.title not in home   # the home page lists unread ones only
    html = page(client.get("/delivery/notices/"))
    assert html.index("催办单：请报送3月进展") < html.index(old.title)
    response = client.post(f"/delivery/notices/{new.pk}/read/", **HTMX)
    row, bell = page(response).split('id="notice-bell"')
    assert response.status_code == 200 and "标为已读" not in row
    assert 'hx-swap-oob="true"' in bell and "通知 (" in bell   # the header bell is updated out of band
    assert new.read_by.filter(pk=cast.reporter.pk).exists()
    client.force_login(cast.other_reporter)
    assert client.post(f"/delivery/notices/{new.pk}/read/").status_code == 404


def test_work_items_keep_the_baseline_visible_when_extended(client, cast, cycle):
    item = do_create_work_item(cast.task, {"title": "南站商圈规划编制", "lead_unit": cast.lead_unit,
                                           "deadline": dt.date(2026, 6, 30)}, scope=cast.scope("office"))
    request = do_request_extension(item, dt.date(2026, 9, 30), "规划审批流程延长", scope=cast.scope("reporter"))
    client.force_login(cast.reporter)
    assert "已申请延期至 2026-09-30，待审批" in page(client.get("/delivery/"))
    do_decide_extension(request, True, "同意", scope=cast.scope("office"))
    html = page(client.get("/delivery/"))
    assert "原定 2026-06-30，延期至 2026-09-30" in html and "延期申请" in html and "已批准" in html


def test_extension_request_from_the_page(client, cast, cycle):
    item = do_create_work_item(cast.task, {"title": "规划编制", "lead_unit": cast.lead_unit,
                                           "deadline": dt.date(2026, 6, 30)}, scope=cast.scope("office"))
    client.force_login(cast.reporter)
    response = client.post(f"/delivery/work-items/{item.pk}/extension/",
                           {"new_deadline": "2026-05-01", "reason": "提前"}, follow=True)
    assert "申请延至的日期应晚于当前时限 2026-06-30" in page(response)
    client.post(f"/delivery/work-items/{item.pk}/extension/", {"new_deadline": "2026-08-31", "reason": "审批延长"})
    assert ExtensionRequest.objects.get(work_item=item).new_deadline == dt.date(2026, 8, 31)
    client.force_login(cast.co_reporter)   # a co-unit may not ask
    assert client.post(f"/delivery/work-items/{item.pk}/extension/",
                       {"new_deadline": "2026-09-30", "reason": "x"}).status_code == 403


def test_an_empty_extension_request_says_which_fields_are_missing(client, cast, cycle):
    """The message shows at the top of 我的任务, away from the folded form: it names each field, not
    “这个字段是必填项。；这个字段是必填项。”."""
    item = do_create_work_item(cast.task, {"title": "规划编制", "lead_unit": cast.lead_unit,
                                           "deadline": dt.date(2026, 6, 30)}, scope=cast.scope("office"))
    client.force_login(cast.reporter)
    html = page(client.post(f"/delivery/work-items/{item.pk}/extension/", {"new_deadline": "", "reason": ""},
                            follow=True))
    assert "申请延至：这个字段是必填项。" in html and "延期理由：这个字段是必填项。" in html
