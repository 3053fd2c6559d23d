"""The review queue of task forces and the office: reports sent up, decided inline (more in test_review_queue)."""
from __future__ import annotations

from iccity.delivery.actions import do_save_draft, do_submit_report, do_unit_approve
from iccity.delivery.models import Report, ReportState

HTMX = {"HTTP_HX_REQUEST": "true"}


def page(response) -> str:
    return response.content.decode()


def send_up(cast, cycle, unit, who, head, text):
    report = Report.objects.get(cycle=cycle, task=cast.task, unit=unit)
    do_save_draft(report, {"narrative": text}, scope=cast.scope(who))
    do_submit_report(report, scope=cast.scope(who))
    do_unit_approve(report, scope=cast.scope(head))
    report.refresh_from_db()
    return report


def test_queue_shows_the_lead_and_co_unit_reports_of_a_task_it_drives(client, cast, cycle):
    lead = send_up(cast, cycle, cast.lead_unit, "reporter", "head", "牵头单位进展")
    co = send_up(cast, cycle, cast.co_unit, "co_reporter", "co_head", "配合单位进展")
    client.force_login(cast.tf_member)
    html = page(client.get("/delivery/review/"))
    assert f'id="review-{lead.pk}"' in html and f'id="review-{co.pk}"' in html and "共 2 份" in html
    assert "T1" in html and "牵头" in html and "配合" in html


def test_a_task_force_sees_only_the_tasks_it_drives(client, cast, cycle):
    send_up(cast, cycle, cast.lead_unit, "reporter", "head", "牵头单位进展")
    client.force_login(cast.other_tf)
    html = page(client.get("/delivery/review/"))
    assert "没有待审核的报告" in html and 'id="review-' not in html


def test_reports_not_yet_approved_by_the_unit_are_not_in_the_queue(client, cast, cycle):
    report = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
    do_save_draft(report, {"narrative": "草稿中"}, scope=cast.scope("reporter"))
    do_submit_report(report, scope=cast.scope("reporter"))
    client.force_login(cast.office)
    assert "草稿中" not in page(client.get("/delivery/review/"))


def test_accept_inline_with_htmx(client, cast, cycle):
    lead = send_up(cast, cycle, cast.lead_unit, "reporter", "head", "牵头单位进展")
    client.force_login(cast.tf_member)
    response = client.post(f"/delivery/reports/{lead.pk}/review/",
                           {"decision": "accept", "comment": "", "lock_version": lead.lock_version}, **HTMX)
    html = page(response)
    assert response.status_code == 200 and "已通过" in html and "<html" not in html and 'name="decision"' not in html
    lead.refresh_from_db()
    assert lead.state == ReportState.ACCEPTED


def test_return_inline_needs_a_comment_and_keeps_what_was_typed(client, cast, cycle):
    lead = send_up(cast, cycle, cast.lead_unit, "reporter", "head", "牵头单位进展")
    client.force_login(cast.tf_member)
    html = page(client.post(f"/delivery/reports/{lead.pk}/review/", {"decision": "return", "comment": ""}, **HTMX))
    assert "退回必须填写修改意见" in html and 'name="decision"' in html
    html = page(client.post(f"/delivery/reports/{lead.pk}/review/", {"decision": "return", "comment": "数据不全"}, **HTMX))
    assert "已退回" in html
    lead.refresh_from_db()
    assert lead.state == ReportState.RETURNED


def test_a_second_reviewer_sees_the_conflict_message(client, cast, cycle):
    lead = send_up(cast, cycle, cast.lead_unit, "reporter", "head", "牵头单位进展")
    client.force_login(cast.tf_member)
    client.post(f"/delivery/reports/{lead.pk}/review/", {"decision": "accept", "lock_version": lead.lock_version}, **HTMX)
    client.force_login(cast.office)   # opened the queue before, acts on the old page
    html = page(client.post(f"/delivery/reports/{lead.pk}/review/",
                            {"decision": "return", "comment": "再补充", "lock_version": lead.lock_version}, **HTMX))
    assert "该报告已被他人处理，当前状态为“已通过”" in html
    lead.refresh_from_db()
    assert lead.state == ReportState.ACCEPTED


def test_a_stale_lock_version_is_a_conflict_even_in_the_right_state(client, cast, cycle):
    lead = send_up(cast, cycle, cast.lead_unit, "reporter", "head", "牵头单位进展")
    client.force_login(cast.tf_member)
    html = page(client.post(f"/delivery/reports/{lead.pk}/review/",
                            {"decision": "accept", "lock_version": lead.lock_version - 1}, **HTMX))
    assert "该报告已被他人处理" in html
    lead.refresh_from_db()
    assert lead.state == ReportState.UNIT_APPROVED


def test_units_and_leaders_may_not_open_the_queue(client, cast, cycle):
    for who in ("reporter", "leader", "outsider"):
        client.force_login(getattr(cast, who))
        response = client.get("/delivery/review/")
        assert response.status_code == 403 and "无权访问" in page(response), who
