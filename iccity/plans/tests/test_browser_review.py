"""Review before import in Chromium: a table-format .docx is uploaded, one unit is corrected in the review, the
version is imported, and the correction shows in the responsibility matrix and in the task's audit trail."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _table_docx(path):
    from docx import Document

    document = Document()
    document.add_paragraph("某区商贸重点任务分工方案")
    header = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]
    rows = [header,
            ["1", "建设智慧商圈。", "区商务局", "区工信局", "2025年底前"],
            ["2", "发展首店经济。", "", "区市场监管局", "2026年6月底前"],
            ["3", "培育夜间经济。", "区文旅局", "区公安分局", "长期坚持"]]
    table = document.add_table(rows=len(rows), cols=len(header))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value:
                table.cell(r, c).text = value
    table.cell(1, 2).merge(table.cell(2, 2))        # row 2's lead is a merged cell: below the review threshold
    table.cell(1, 2).text = "区商务局"
    document.save(str(path))
    return path


def test_upload_docx_table_correct_a_unit_in_review_and_see_it_in_matrix_and_trail(
        live_server, page, django_user_model, tmp_path):
    from iccity.orgs.actions import do_load_registry

    do_load_registry()
    django_user_model.objects.create_user("office", password="office-pass-123", is_staff=True, is_superuser=True)
    page.goto(live_server.url + "/admin/login/?next=/plans/import/")
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", "office-pass-123")
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url("**/plans/import/")

    page.set_input_files("input[type=file]", str(_table_docx(tmp_path / "分工表.docx")))
    page.click("form.stack-form button[type=submit]")
    page.wait_for_url("**/plans/import/drafts/*/")
    # low-confidence first, the source text beside it with the unit names marked
    first = page.locator("article.review-item").first
    assert "is-low" in first.get_attribute("class") and first.get_attribute("data-number") == "2"
    assert "合并单元格" in first.inner_text()
    assert page.locator(".source-lines mark.unit-span", has_text="区商务局").count() >= 1

    first.locator("input[name=unit_name]").first.fill("区发展改革委")    # the inherited lead was wrong
    first.locator("form.review-units button[type=submit]").click()
    page.locator("text=已保存更正").wait_for()
    page.locator("button[name=commit]").click()
    page.wait_for_url("**/plans/*/")
    slug = page.url.rstrip("/").split("/")[-1]

    page.goto(f"{live_server.url}/plans/{slug}/matrix/")
    role = page.evaluate("""() => {
        const heads = [...document.querySelectorAll('table.matrix thead th')];
        const col = heads.findIndex(th => th.dataset.unit === '区发展改革委');
        if (col < 0) return null;
        const cell = document.querySelector('tr[data-task="T2"]').children[col];
        return cell.className;
    }""")
    assert role is not None and "cell-lead" in role

    page.goto(f"{live_server.url}/plans/{slug}/tasks/T2/")
    page.locator("#history-panel", has_text="区发展改革委").wait_for()
    trail = page.locator("#history-panel").inner_text()
    assert "审核时修改任务" in trail and "plans.task.corrected_in_review" not in trail and "{'" not in trail
