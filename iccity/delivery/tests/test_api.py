"""The 督办 API: session auth, the same permissions as the pages, Chinese errors with 400/403/404/409."""
from __future__ import annotations

import json

import pytest

from iccity.delivery.actions import do_save_draft, do_submit_report, do_unit_approve
from iccity.delivery.models import Acknowledgement, AckState, Notice, Report, ReportState


@pytest.fixture
def lead_report(cast, cycle):
    return Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_anonymous_callers_get_401(client, db):
    assert client.get("/api/delivery/my").status_code == 401


def test_my_tasks(client, cast, cycle, lead_report):
    client.force_login(cast.reporter)
    data = client.get("/api/delivery/my").json()
    assert any(a["task_key"] == "T1" and not a["late"] for a in data["acknowledgements"])
    assert lead_report.pk in [r["id"] for r in data["to_write"]]
    assert data["to_approve"] == [] and data["unread_notices"] >= 1


def test_report_list_is_filtered_by_visibility(client, cast, cycle, lead_report):
    client.force_login(cast.tf_member)
    assert client.get("/api/delivery/reports?task=T1").json() == []   # drafts stay inside the unit
    client.force_login(cast.reporter)
    ids = [r["id"] for r in client.get("/api/delivery/reports?task=t1").json()]
    assert ids == [lead_report.pk]


def test_the_whole_loop_through_the_api(client, cast, cycle, lead_report):
    client.force_login(cast.reporter)
    response = post(client, f"/api/delivery/reports/{lead_report.pk}/draft",
                    {"narrative": "完成规划初稿", "progress": 40, "figures": [{"name": "签约项目", "value": "3", "unit": "个"}],
                     "lock_version": lead_report.lock_version})
    assert response.status_code == 200, response.content
    lock = response.json()["lock_version"]
    assert post(client, f"/api/delivery/reports/{lead_report.pk}/submit", {"lock_version": lock}).json()["state"] == "submitted"
    client.force_login(cast.head)
    lock = Report.objects.get(pk=lead_report.pk).lock_version
    assert post(client, f"/api/delivery/reports/{lead_report.pk}/unit-decision",
                {"approve": True, "lock_version": lock}).json()["state"] == "unit_approved"
    client.force_login(cast.tf_member)
    response = post(client, f"/api/delivery/reports/{lead_report.pk}/review", {"accept": False, "comment": ""})
    assert response.status_code == 400 and response.json() == {"detail": "退回必须填写修改意见"}
    assert post(client, f"/api/delivery/reports/{lead_report.pk}/review",
                {"accept": True}).json()["state"] == ReportState.ACCEPTED
    detail = client.get(f"/api/delivery/reports/{lead_report.pk}").json()
    assert [r["number"] for r in detail["revisions"]] == [1]
    assert detail["revisions"][0]["figures"] == [{"name": "签约项目", "value": "3", "unit": "个"}]
    assert [e["action"] for e in detail["events"]] == ["submitted", "unit_approved", "accepted"]
    # display fields in words next to the codes: the state in Chinese, people by name and unit
    assert detail["events"][-1]["to_state_label"] == "已通过"
    assert detail["events"][0]["actor_name"] == f"reporter（{cast.lead_unit.name}）"
    assert detail["revisions"][0]["author_name"] == f"reporter（{cast.lead_unit.name}）"


def test_stale_lock_version_is_409(client, cast, cycle, lead_report):
    client.force_login(cast.reporter)
    post(client, f"/api/delivery/reports/{lead_report.pk}/draft", {"narrative": "a"})
    response = post(client, f"/api/delivery/reports/{lead_report.pk}/draft", {"narrative": "b", "lock_version": 0})
    assert response.status_code == 409 and "已被他人修改" in response.json()["detail"]


def test_a_reporter_may_not_approve_403(client, cast, cycle, lead_report):
    do_save_draft(lead_report, {"narrative": "a"}, scope=cast.scope("reporter"))
    do_submit_report(lead_report, scope=cast.scope("reporter"))
    client.force_login(cast.reporter)
    response = post(client, f"/api/delivery/reports/{lead_report.pk}/unit-decision", {"approve": True})
    assert response.status_code == 403 and response.json()["detail"] == "只有本单位负责人可以审核本单位的报告"


def test_invisible_reports_are_404(client, cast, cycle, lead_report):
    client.force_login(cast.other_reporter)
    assert client.get(f"/api/delivery/reports/{lead_report.pk}").status_code == 404
    response = post(client, f"/api/delivery/reports/{lead_report.pk}/draft", {"narrative": "x"})
    assert response.status_code == 404 and "无权查看" in response.json()["detail"]


def test_second_reviewer_409(client, cast, cycle, lead_report):
    do_save_draft(lead_report, {"narrative": "a"}, scope=cast.scope("reporter"))
    do_submit_report(lead_report, scope=cast.scope("reporter"))
    do_unit_approve(lead_report, scope=cast.scope("head"))
    client.force_login(cast.tf_member)
    post(client, f"/api/delivery/reports/{lead_report.pk}/review", {"accept": True})
    client.force_login(cast.office)
    response = post(client, f"/api/delivery/reports/{lead_report.pk}/review", {"accept": False, "comment": "再改"})
    assert response.status_code == 409 and "已被他人处理" in response.json()["detail"]


def test_acknowledge_and_return(client, cast, cycle):
    ack = Acknowledgement.objects.get(assignment__task=cast.task, assignment__unit=cast.lead_unit)
    co_ack = Acknowledgement.objects.get(assignment__task=cast.task, assignment__unit=cast.co_unit)
    client.force_login(cast.reporter)
    assert post(client, f"/api/delivery/acknowledgements/{ack.pk}/acknowledge").json()["state"] == AckState.ACKNOWLEDGED
    assert post(client, f"/api/delivery/acknowledgements/{ack.pk}/acknowledge").status_code == 409
    assert post(client, f"/api/delivery/acknowledgements/{co_ack.pk}/acknowledge").status_code == 404
    client.force_login(cast.co_reporter)
    response = post(client, f"/api/delivery/acknowledgements/{co_ack.pk}/return", {"reason": "否"})
    assert response.status_code == 400 and "至少4个字" in response.json()["detail"]
    assert post(client, f"/api/delivery/acknowledgements/{co_ack.pk}/return",
                {"reason": "属区商务局职责"}).json()["state"] == AckState.RETURNED


def test_my_tasks_unread_count_follows_the_in_app_preference_like_the_bell(client, cast, cycle):
    """With in-app notices off the API counts what the bell counts: 红色督办 only, not every unread notice."""
    from iccity.delivery.actions import do_set_notice_preferences
    from iccity.delivery.inbox import bell_count
    from iccity.delivery.notify import create_notice

    from .conftest import scope_of

    do_set_notice_preferences({"inapp": "off"}, scope=scope_of(cast.reporter))
    create_notice(kind="urge", unit=cast.lead_unit, title="催报", body="请按时报送", dedupe_key="api-u1")
    create_notice(kind="red", unit=cast.lead_unit, title="红色督办", body="请立即办理", dedupe_key="api-r1")
    client.force_login(cast.reporter)
    unread = client.get("/api/delivery/my").json()["unread_notices"]
    assert unread == bell_count(cast.reporter) >= 1
    assert unread < Notice.objects.filter(unit=cast.lead_unit).exclude(read_by=cast.reporter).count()
