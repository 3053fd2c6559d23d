"""The task timeline (督办台账): work items, acknowledgements, reports, 批示, notices and the audit trail."""
from __future__ import annotations

import datetime as dt

from iccity.delivery.actions import (
    do_acknowledge, do_create_work_item, do_request_extension, do_save_draft, do_submit_report, do_unit_approve,
)
from iccity.delivery.models import Acknowledgement, Comment, ExtensionRequest, ExtensionState, Report, WorkItem, WorkItemState


def page(response) -> str:
    return response.content.decode()


def url(cast) -> str:
    return f"/delivery/tasks/{cast.task.pk}/"


def test_who_may_open_the_timeline(client, cast, cycle):
    for who in ("office", "leader", "tf_member", "reporter", "co_reporter"):
        client.force_login(getattr(cast, who))
        assert client.get(url(cast)).status_code == 200, who
    for who in ("other_reporter", "other_tf", "outsider"):
        client.force_login(getattr(cast, who))
        response = client.get(url(cast))
        assert response.status_code == 403 and "督办台账" in page(response), who


def test_office_proposes_items_from_measures_then_accepts_one(client, cast, cycle):
    client.force_login(cast.office)
    html = page(client.get(url(cast)))
    assert "按具体举措生成事项" in html
    response = client.post(f"/delivery/tasks/{cast.task.pk}/propose/", follow=True)
    n = cast.task.measures.count()
    assert f"已按具体举措生成 {n} 个待确认事项" in page(response) and "确认交办" in page(response)
    item = WorkItem.objects.filter(task=cast.task).first()
    client.post(f"/delivery/work-items/{item.pk}/edit/",
                {f"w{item.pk}-title": "编制南站商圈规划", f"w{item.pk}-deliverable": "规划文本",
                 f"w{item.pk}-deadline": "2026-06-30", "action": "accept"})
    item.refresh_from_db()
    assert item.state == WorkItemState.ACTIVE and item.title == "编制南站商圈规划"
    assert item.deadline == item.baseline_deadline == dt.date(2026, 6, 30)


def test_units_see_items_but_no_management_buttons(client, cast, cycle):
    do_create_work_item(cast.task, {"title": "规划编制", "lead_unit": cast.lead_unit, "deadline": dt.date(2026, 6, 30)},
                        scope=cast.scope("office"))
    client.force_login(cast.reporter)
    html = page(client.get(url(cast)))
    assert "规划编制" in html and "按具体举措生成事项" not in html and "新增事项" not in html and "标记办结" not in html
    assert "申请延期" in html   # the lead unit may ask for more time
    response = client.post(f"/delivery/tasks/{cast.task.pk}/propose/")
    assert response.status_code == 403


def test_add_item_mark_done_and_deadline_inheritance_message(client, cast, cycle):
    client.force_login(cast.tf_lead)
    client.post(f"/delivery/tasks/{cast.task.pk}/items/",
                {"title": "招商推介会", "kind": "milestone", "deadline": "2026-05-31", "lead_unit": cast.lead_unit.pk,
                 "co_units": [cast.co_unit.pk]})
    parent = WorkItem.objects.get(title="招商推介会")
    assert list(parent.co_units.all()) == [cast.co_unit]
    response = client.post(f"/delivery/tasks/{cast.task.pk}/items/",
                           {"title": "子事项", "kind": "milestone", "deadline": "2026-07-31",
                            "lead_unit": cast.lead_unit.pk, "parent": parent.pk}, follow=True)
    assert "下级事项只能提前，不能推后" in page(response)
    client.post(f"/delivery/work-items/{parent.pk}/complete/")
    parent.refresh_from_db()
    assert parent.state == WorkItemState.DONE and "办结于" in page(client.get(url(cast)))


def test_extension_decision_keeps_the_baseline_visible(client, cast, cycle):
    item = do_create_work_item(cast.task, {"title": "规划编制", "lead_unit": cast.lead_unit,
                                           "deadline": dt.date(2026, 6, 30)}, scope=cast.scope("office"))
    request = do_request_extension(item, dt.date(2026, 9, 30), "审批延长", scope=cast.scope("reporter"))
    client.force_login(cast.tf_lead)
    html = page(client.get(url(cast)))
    assert "批准延期" in html and "审批延长" in html
    client.post(f"/delivery/extensions/{request.pk}/decide/", {"decision": "approve", "note": "同意"})
    request.refresh_from_db()
    assert request.state == ExtensionState.APPROVED
    assert "原定 2026-06-30，延期至 2026-09-30" in page(client.get(url(cast)))
    client.force_login(cast.tf_member)   # members review reports; only leads decide
    other = do_request_extension(item, dt.date(2026, 10, 31), "再延", scope=cast.scope("reporter"))
    assert "批准延期" not in page(client.get(url(cast)))
    assert client.post(f"/delivery/extensions/{other.pk}/decide/", {"decision": "approve"}).status_code == 403
    assert ExtensionRequest.objects.get(pk=other.pk).state == ExtensionState.PENDING


def test_acknowledgements_with_late_marks(client, cast, cycle):
    from iccity.core import clock

    ack = Acknowledgement.objects.get(assignment__task=cast.task, assignment__unit=cast.lead_unit)
    with clock.travel(ack.due_on + dt.timedelta(days=2)):
        do_acknowledge(ack, scope=cast.scope("reporter"))
        client.force_login(cast.office)
        html = page(client.get(url(cast)))
    assert "签收情况" in html and "领办逾期" in html and "已签收" in html


def test_reports_per_cycle_and_unit_respect_visibility(client, cast, cycle):
    report = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
    client.force_login(cast.tf_member)
    assert f"/delivery/reports/{report.pk}/" not in page(client.get(url(cast)))   # still a draft inside the unit
    do_save_draft(report, {"narrative": "进展"}, scope=cast.scope("reporter"))
    do_submit_report(report, scope=cast.scope("reporter"))
    do_unit_approve(report, scope=cast.scope("head"))
    html = page(client.get(url(cast)))
    assert f"/delivery/reports/{report.pk}/" in html and cycle.label in html


def test_leaders_add_instructions(client, cast, cycle):
    client.force_login(cast.leader)
    response = client.post(f"/delivery/tasks/{cast.task.pk}/comments/", {"text": "加快推进南站商圈建设"}, follow=True)
    assert "已添加批示/意见" in page(response) and "领导批示" in page(response)
    assert Comment.objects.get().is_instruction
    client.force_login(cast.reporter)
    html = page(client.get(url(cast)))
    assert "加快推进南站商圈建设" in html and "发表" not in html
    assert client.post(f"/delivery/tasks/{cast.task.pk}/comments/", {"text": "x"}).status_code == 403
    assert Comment.objects.count() == 1


def test_audit_trail_lists_the_reports_steps_in_order_with_an_export_link(client, cast, cycle):
    report = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
    do_save_draft(report, {"narrative": "进展"}, scope=cast.scope("reporter"))
    do_submit_report(report, scope=cast.scope("reporter"))
    do_unit_approve(report, scope=cast.scope("head"))
    client.force_login(cast.office)
    html = page(client.get(url(cast)))
    assert html.index("delivery.report.draft_saved") < html.index("delivery.report.submitted") \
        < html.index("delivery.report.unit_approved")
    assert f"/audit/export.csv?task={cast.task.pk}" in html and f"/audit/export.xlsx?task={cast.task.pk}" in html
    client.force_login(cast.reporter)
    assert "/audit/export.csv" not in page(client.get(url(cast)))   # only the office exports


def test_notices_sent_about_the_task(client, cast, cycle):
    from iccity.delivery.models import Notice

    Notice.objects.create(kind="supervise", unit=cast.co_unit, task=cast.task, title="督办单：T1 3月进展",
                          body="请报送", dedupe_key="t-1")
    client.force_login(cast.office)
    assert "督办单：T1 3月进展" in page(client.get(url(cast)))
    client.force_login(cast.reporter)   # another unit's notice stays with that unit
    assert "督办单：T1 3月进展" not in page(client.get(url(cast)))
