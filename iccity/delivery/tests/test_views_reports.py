"""The report page as unit staff and reviewers use it: fill in, attach evidence, submit, approve, return, download."""
from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iccity.delivery.actions import (
    do_accept_work_item, do_attach_evidence, do_propose_work_items, do_review, do_save_draft, do_submit_report,
    do_unit_approve,
)
from iccity.delivery.models import Evidence, Report, ReportState

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def lead_report(cast, cycle):
    return Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)


@pytest.fixture
def co_report(cast, cycle):
    return Report.objects.get(cycle=cycle, task=cast.task, unit=cast.co_unit)


def page(response) -> str:
    return response.content.decode()


def form_data(report, **extra):
    data = {"narrative": "完成南站商圈规划初稿", "progress": "30", "problems": "用地指标紧张", "next_steps": "推进招商",
            "fig_name": ["签约项目", ""], "fig_value": ["3", ""], "fig_unit": ["个", ""],
            "lock_version": str(report.lock_version), "action": "save"}
    data.update(extra)
    return data


def send_up(report, cast, who="reporter", head="head", text="进展"):
    do_save_draft(report, {"narrative": text}, scope=cast.scope(who))
    do_submit_report(report, scope=cast.scope(who))
    do_unit_approve(report, scope=cast.scope(head))
    report.refresh_from_db()
    return report


def test_anonymous_people_are_sent_to_the_login_page(client, lead_report):
    response = client.get(f"/delivery/reports/{lead_report.pk}/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=")


def test_reporter_saves_a_draft_with_figures_and_completed_items(client, cast, lead_report):
    do_propose_work_items(cast.task, scope=cast.scope("office"))
    item = cast.task.work_items.first()
    do_accept_work_item(item, scope=cast.scope("office"))
    client.force_login(cast.reporter)
    url = f"/delivery/reports/{lead_report.pk}/"
    form = page(client.get(url))
    assert 'name="lock_version"' in form and "工作进展" in form and item.title in form
    response = client.post(url, form_data(lead_report, completed_items=[str(item.pk)]))
    assert response.status_code == 302
    revision = lead_report.revisions.get()
    assert revision.narrative == "完成南站商圈规划初稿" and revision.progress == 30 and revision.problems == "用地指标紧张"
    assert revision.figures == [{"name": "签约项目", "value": "3", "unit": "个"}]
    assert list(revision.completed_items.all()) == [item]
    again = page(client.get(url))
    assert "草稿已保存" in again and 'value="签约项目"' in again
    assert again.count('name="fig_name"') == 2   # the saved row plus one blank row: adding a row needs no JavaScript


def test_add_row_shows_more_blank_rows_and_keeps_the_text_without_saving(client, cast, lead_report):
    client.force_login(cast.reporter)
    response = client.post(f"/delivery/reports/{lead_report.pk}/", form_data(lead_report, action="add_row"))
    assert response.status_code == 200
    assert page(response).count('name="fig_name"') == 3 and "完成南站商圈规划初稿" in page(response)
    assert not lead_report.revisions.exists()


def test_a_figure_that_is_not_a_number_is_refused_with_the_text_kept(client, cast, lead_report):
    client.force_login(cast.reporter)
    response = client.post(f"/delivery/reports/{lead_report.pk}/", form_data(lead_report, fig_value=["三个", ""]))
    assert response.status_code == 400
    assert "不是数字" in page(response) and "完成南站商圈规划初稿" in page(response)


def test_evidence_upload_lists_size_and_type_and_refuses_a_fake_pdf(client, cast, lead_report):
    client.force_login(cast.reporter)
    url = f"/delivery/reports/{lead_report.pk}/"
    files = [SimpleUploadedFile("规划初稿.pdf", PDF), SimpleUploadedFile("假的.pdf", b"<html>not a pdf</html>")]
    response = client.post(url, {**form_data(lead_report), "files": files}, follow=True)
    html = page(response)
    assert "假的.pdf：文件内容与扩展名 .pdf 不符" in html
    assert "规划初稿.pdf" in html and "application/pdf" in html and f"{len(PDF)}" in html
    assert Evidence.objects.filter(revision__report=lead_report).count() == 1


def test_submit_saves_and_submits_then_the_form_becomes_read_only(client, cast, lead_report):
    client.force_login(cast.reporter)
    url = f"/delivery/reports/{lead_report.pk}/"
    response = client.post(url, {**form_data(lead_report, action="submit"), "files": [SimpleUploadedFile("a.pdf", PDF)]},
                           follow=True)
    lead_report.refresh_from_db()
    assert lead_report.state == ReportState.SUBMITTED
    html = page(response)
    assert "报告已提交" in html and 'name="narrative"' not in html and "第1版" in html


def test_submit_without_narrative_keeps_the_draft_and_says_why(client, cast, lead_report):
    client.force_login(cast.reporter)
    response = client.post(f"/delivery/reports/{lead_report.pk}/", form_data(lead_report, narrative="", action="submit"),
                           follow=True)
    assert "“工作进展”不能为空" in page(response)
    lead_report.refresh_from_db()
    assert lead_report.state == ReportState.DRAFT and lead_report.revisions.get().problems == "用地指标紧张"


def test_a_stale_form_gets_the_conflict_message_and_keeps_the_typed_text(client, cast, lead_report):
    client.force_login(cast.reporter)
    stale = form_data(lead_report, narrative="我刚刚写的很长一段进展")
    do_save_draft(lead_report, {"narrative": "同事先保存的内容"}, scope=cast.scope("head"))
    response = client.post(f"/delivery/reports/{lead_report.pk}/", stale)
    assert response.status_code == 409
    html = page(response)
    assert "报告在您编辑期间已被他人修改或流转" in html and "我刚刚写的很长一段进展" in html
    assert lead_report.revisions.get().narrative == "同事先保存的内容"
    lead_report.refresh_from_db()
    # The page now carries the current lock: saving again deliberately overwrites.
    assert f'name="lock_version" value="{lead_report.lock_version}"' in html


def test_other_units_cannot_open_or_edit_a_draft(client, cast, lead_report):
    client.force_login(cast.other_reporter)
    assert client.get(f"/delivery/reports/{lead_report.pk}/").status_code == 403
    response = client.post(f"/delivery/reports/{lead_report.pk}/", form_data(lead_report))
    assert response.status_code == 403 and "无权查看该报告" in page(response)
    assert not lead_report.revisions.exists()


def test_head_approves_and_returns_with_buttons(client, cast, lead_report):
    do_save_draft(lead_report, {"narrative": "进展"}, scope=cast.scope("reporter"))
    do_submit_report(lead_report, scope=cast.scope("reporter"))
    lead_report.refresh_from_db()
    client.force_login(cast.head)
    html = page(client.get(f"/delivery/reports/{lead_report.pk}/"))
    assert "审核通过" in html and 'value="return"' in html
    response = client.post(f"/delivery/reports/{lead_report.pk}/unit-decision/",
                           {"decision": "return", "comment": "", "lock_version": lead_report.lock_version}, follow=True)
    assert "退回必须填写修改意见" in page(response)
    client.post(f"/delivery/reports/{lead_report.pk}/unit-decision/",
                {"decision": "approve", "lock_version": lead_report.lock_version})
    lead_report.refresh_from_db()
    assert lead_report.state == ReportState.UNIT_APPROVED


def test_reporter_sees_no_approval_buttons(client, cast, lead_report):
    do_save_draft(lead_report, {"narrative": "进展"}, scope=cast.scope("reporter"))
    do_submit_report(lead_report, scope=cast.scope("reporter"))
    client.force_login(cast.reporter)
    assert "审核通过" not in page(client.get(f"/delivery/reports/{lead_report.pk}/"))
    response = client.post(f"/delivery/reports/{lead_report.pk}/unit-decision/", {"decision": "approve"})
    assert response.status_code == 403 and "只有本单位负责人可以审核本单位的报告" in page(response)
    lead_report.refresh_from_db()
    assert lead_report.state == ReportState.SUBMITTED


def test_reviewer_return_needs_a_comment_and_the_reporter_sees_it(client, cast, lead_report):
    send_up(lead_report, cast)
    client.force_login(cast.tf_member)
    html = page(client.get(f"/delivery/reports/{lead_report.pk}/"))
    assert "退回（必须填写意见）" in html
    response = client.post(f"/delivery/reports/{lead_report.pk}/review/", {"decision": "return", "comment": " "}, follow=True)
    assert "退回必须填写修改意见" in page(response)
    client.post(f"/delivery/reports/{lead_report.pk}/review/", {"decision": "return", "comment": "请补充招商数据"})
    client.force_login(cast.reporter)
    html = page(client.get(f"/delivery/reports/{lead_report.pk}/"))
    assert "请补充招商数据" in html and 'name="narrative"' in html   # editable again, with the comment on top
    home = page(client.get("/delivery/"))
    assert "被退回待修改" in home and "请补充招商数据" in home


def test_revision_switcher_and_timeline_after_a_return(client, cast, lead_report):
    send_up(lead_report, cast, text="第一版内容")
    do_review(lead_report, False, "请补充", scope=cast.scope("tf_member"))
    do_save_draft(lead_report, {"narrative": "第二版内容"}, scope=cast.scope("reporter"))
    do_submit_report(lead_report, scope=cast.scope("reporter"))
    client.force_login(cast.head)
    url = f"/delivery/reports/{lead_report.pk}/"
    html = page(client.get(url))
    assert "第二版内容" in html and "?rev=1" in html and "?rev=2" in html
    old = page(client.get(url + "?rev=1"))
    assert "第一版内容" in old and "第二版内容" not in old
    steps = re.findall(r"→ <b>([^<]+)</b>", old)
    assert steps == ["已提交，待单位负责人审核", "单位已审核，待专班/办公室审核", "已退回修改", "已提交，待单位负责人审核"]
    assert client.get(url + "?rev=9").status_code == 404


def test_reviewers_never_see_the_units_new_draft(client, cast, lead_report):
    send_up(lead_report, cast, text="已报送内容")
    do_review(lead_report, False, "请补充", scope=cast.scope("tf_member"))
    do_save_draft(lead_report, {"narrative": "正在修改的草稿"}, scope=cast.scope("reporter"))
    client.force_login(cast.tf_member)
    html = page(client.get(f"/delivery/reports/{lead_report.pk}/"))
    assert "已报送内容" in html and "正在修改的草稿" not in html and "?rev=2" not in html


def test_lead_unit_sees_co_unit_reports_that_were_sent_up(client, cast, lead_report, co_report):
    send_up(co_report, cast, who="co_reporter", head="co_head", text="配合单位的进展")
    client.force_login(cast.reporter)
    html = page(client.get(f"/delivery/reports/{lead_report.pk}/"))
    assert "配合单位报告" in html and "配合单位的进展" in html and "区协同办" in html


def test_lead_unit_does_not_see_a_co_unit_draft(client, cast, lead_report, co_report):
    do_save_draft(co_report, {"narrative": "配合单位草稿"}, scope=cast.scope("co_reporter"))
    client.force_login(cast.reporter)
    assert "配合单位草稿" not in page(client.get(f"/delivery/reports/{lead_report.pk}/"))


# ---------------------------------------------------------------- evidence download

def test_evidence_download_is_an_attachment_with_safe_headers(client, cast, lead_report):
    evidence = do_attach_evidence(lead_report, "南站 规划.pdf", PDF, scope=cast.scope("reporter"))
    client.force_login(cast.reporter)
    response = client.get(f"/delivery/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E5%8D%97%E7%AB%99%20%E8%A7%84%E5%88%92.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_text_evidence_is_never_served_as_html(client, cast, lead_report):
    evidence = do_attach_evidence(lead_report, "说明.txt", "进展说明".encode(), scope=cast.scope("reporter"))
    client.force_login(cast.reporter)
    response = client.get(f"/delivery/evidence/{evidence.pk}/")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")


def test_evidence_is_404_for_people_who_may_not_read_the_report(client, cast, lead_report):
    evidence = do_attach_evidence(lead_report, "a.pdf", PDF, scope=cast.scope("reporter"))
    for who in ("other_reporter", "tf_member", "outsider"):   # a draft: not even the task force sees it yet
        client.force_login(getattr(cast, who))
        assert client.get(f"/delivery/evidence/{evidence.pk}/").status_code == 404, who
    assert client.get("/delivery/evidence/999999/").status_code == 404   # the same answer as for a missing file


def test_evidence_of_a_sent_up_report_is_readable_by_its_reviewers(client, cast, lead_report):
    evidence = do_attach_evidence(lead_report, "a.pdf", PDF, scope=cast.scope("reporter"))
    send_up(lead_report, cast)
    frozen = Evidence.objects.get(revision__report=lead_report, revision__number=1)
    assert frozen.pk == evidence.pk
    client.force_login(cast.tf_member)
    assert client.get(f"/delivery/evidence/{evidence.pk}/").status_code == 200
    client.force_login(cast.other_tf)
    assert client.get(f"/delivery/evidence/{evidence.pk}/").status_code == 404


def test_draft_evidence_can_be_removed_from_the_page(client, cast, lead_report):
    evidence = do_attach_evidence(lead_report, "a.pdf", PDF, scope=cast.scope("reporter"))
    client.force_login(cast.reporter)
    assert f"/delivery/evidence/{evidence.pk}/remove/" in page(client.get(f"/delivery/reports/{lead_report.pk}/"))
    response = client.post(f"/delivery/evidence/{evidence.pk}/remove/", follow=True)
    assert "已删除佐证材料 a.pdf" in page(response)
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
