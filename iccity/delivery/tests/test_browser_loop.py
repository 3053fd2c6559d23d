"""The delivery loop in Debian's Chromium, as people walk it: the reporter writes and submits with a PDF, the unit head
approves, the task force returns it with a comment, the reporter fixes and resubmits, the head approves, the task
force accepts, and the task timeline's audit trail shows every step in order.

The live server runs in another thread; the delivery conftest freezes ``clock`` at 2026-03-02 through a module global,
so the server sees the same day as the test. Everybody logs in on ``/accounts/login/`` (the admin login admits staff only).
"""
from __future__ import annotations

import re

import pytest

from iccity.delivery.models import Report, ReportState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TINY_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def login(page, live_server, username: str):
    page.context.clear_cookies()
    page.goto(live_server.url + "/delivery/")
    assert "/accounts/login/" in page.url                      # anonymous: the Chinese login page
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-123456")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_the_report_loop_from_draft_to_accepted(cast, cycle, live_server, page, tmp_path):
    report = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
    pdf = tmp_path / "南站商圈规划初稿.pdf"
    pdf.write_bytes(TINY_PDF)
    report_link = f"a[href='/delivery/reports/{report.pk}/']"

    # The reporter writes the report and submits it with a PDF.
    login(page, live_server, "reporter")
    assert page.locator("h1").inner_text() == "我的任务"
    page.locator("#write-h").wait_for()
    page.locator(report_link).first.click()
    page.fill("textarea[name=narrative]", "完成南站商圈规划初稿")
    page.fill("input[name=progress]", "30")
    page.set_input_files("input[name=files]", str(pdf))
    page.click("button[value=submit]")
    page.locator("text=报告已提交，等待单位负责人审核").wait_for()
    assert "南站商圈规划初稿.pdf" in page.content()

    # The unit head approves it.
    login(page, live_server, "head")
    page.locator("#approve-h").wait_for()
    page.locator(report_link).first.click()
    page.click("button[value=approve]")
    page.locator("text=已审核通过，报送专班/办公室").wait_for()

    # The task-force member returns it from the review queue (htmx swaps the card).
    login(page, live_server, "tf_member")
    assert page.url.endswith("/delivery/review/")
    card = page.locator(f"#review-{report.pk}")
    card.locator("input[name=comment]").fill("请补充招商签约数据")
    card.locator("button[value=return]").click()
    page.locator(f"#review-{report.pk} >> text=已退回，单位将收到修改意见").wait_for()

    # The reporter sees the comment, fixes the report and resubmits.
    login(page, live_server, "reporter")
    page.locator("#returned-h").wait_for()
    assert "请补充招商签约数据" in page.locator("section", has=page.locator("#returned-h")).inner_text()
    page.locator(report_link).first.click()
    assert "请补充招商签约数据" in page.locator(".comment-box").first.inner_text()
    page.fill("textarea[name=narrative]", "完成南站商圈规划初稿，签约项目3个")
    page.locator("input[name=fig_name]").first.fill("签约项目")
    page.locator("input[name=fig_value]").first.fill("3")
    page.locator("input[name=fig_unit]").first.fill("个")
    page.click("button[value=submit]")
    page.locator("text=报告已提交，等待单位负责人审核").wait_for()

    # The head approves again; the task force accepts.
    login(page, live_server, "head")
    page.locator(report_link).first.click()
    page.click("button[value=approve]")
    page.locator("text=已审核通过，报送专班/办公室").wait_for()
    login(page, live_server, "tf_lead")
    page.locator(f"#review-{report.pk} button[value=accept]").click()
    page.locator(f"#review-{report.pk} .form-ok", has_text="已通过").wait_for()
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED and report.revisions.count() == 2

    # The revision switcher shows both versions; the audit trail on the task timeline shows each step in order.
    login(page, live_server, "office")
    page.goto(live_server.url + f"/delivery/reports/{report.pk}/?rev=1")
    assert "完成南站商圈规划初稿" in page.locator(".revision").inner_text()
    assert page.locator(".revision-bar a").count() == 2
    page.goto(live_server.url + f"/delivery/tasks/{cast.task.pk}/")
    actions = [a for a in page.locator("#audit-trail li").evaluate_all("els => els.map(e => e.dataset.action)")
               if re.match(r"delivery\.report\.(submitted|unit_approved|returned|accepted)$", a)]
    assert actions == ["delivery.report.submitted", "delivery.report.unit_approved", "delivery.report.returned",
                       "delivery.report.submitted", "delivery.report.unit_approved", "delivery.report.accepted"]
    assert page.locator("#audit-trail li[data-action='delivery.evidence.attached']").count() == 1


def test_delivery_pages_fit_a_phone_screen(cast, cycle, live_server, page):
    report = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "reporter")
    for path in ("/delivery/", f"/delivery/reports/{report.pk}/", f"/delivery/tasks/{cast.task.pk}/"):
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} 在手机宽度下横向溢出 {overflow}px"
    login(page, live_server, "office")
    for path in ("/delivery/overview/", "/delivery/review/", "/delivery/task-forces/"):
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} 在手机宽度下横向溢出 {overflow}px"
