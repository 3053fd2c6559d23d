"""Word notices: generated from the editable template, East Asian fonts set, numbers unique per year."""
from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.oxml.ns import qn

from iccity.complaints import documents
from iccity.complaints.actions import do_accept, do_reject, issue_document_number
from iccity.complaints.models import CaseNotice
from iccity.core import clock


def _fonts(doc) -> set[str]:
    return {run._element.rPr.rFonts.get(qn("w:eastAsia")) for p in doc.paragraphs for run in p.runs
            if run._element.rPr is not None and run._element.rPr.rFonts is not None}


def test_committed_template_is_the_generated_one_and_has_fonts():
    assert documents.TEMPLATE_PATH.exists()
    doc = Document(str(documents.TEMPLATE_PATH))
    assert _fonts(doc) == {"仿宋_GB2312", "方正小标宋简体"}
    assert "{{ document_number }}" in "\n".join(p.text for p in doc.paragraphs)


def test_rejection_notice_docx_has_number_reason_basis_and_fonts(register, world):
    case = register()[0]
    with clock.travel(dt.datetime(2026, 11, 30, 10)):
        case = do_reject(case, "ART16_4", actor=world["handler"], note="购买时间为2022年")
    notice = case.notices.get(document_type="不予受理决定书")
    assert notice.recipient == "张三" and notice.channel == "internet"
    doc = Document(io.BytesIO(documents.render_notice(notice)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert notice.document_number in text and "不予受理决定书" in text and "张三：" in text
    assert "第十六条第（四）项" in text and "第三十九条" in text and "2026年11月30日" in text
    assert case.receipt_number in text and "{{" not in text and "{%" not in text
    assert _fonts(doc) >= {"仿宋_GB2312", "方正小标宋简体"}
    sizes = {run.font.size.pt for p in doc.paragraphs for run in p.runs if run.font.size}
    assert sizes == {16.0, 22.0}


def test_numbers_run_per_year_without_repeats(register, world):
    first = register()[0]  # 分送通知书 No. 1
    with clock.travel(dt.datetime(2026, 11, 30, 10)):
        do_accept(first, actor=world["handler"])
    numbers = list(CaseNotice.objects.order_by("id").values_list("document_number", flat=True))
    assert numbers == ["西青市监〔2026〕第1号", "西青市监〔2026〕第2号"]
    assert issue_document_number(dt.date(2027, 1, 4)) == "西青市监〔2027〕第1号"


def test_template_missing_falls_back_to_the_built_in_one(register, world, tmp_path):
    notice = register()[0].notices.get()
    data = documents.render_notice(notice, template=tmp_path / "missing.docx")
    assert notice.document_number in "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_anonymous_reporter_gets_no_notice_but_the_step_is_logged(register, world):
    report = register(case_type="report", anonymous=True)[0]
    head, handler = world["head"], world["handler"]
    with clock.travel(dt.datetime(2026, 12, 1, 9)):
        from iccity.complaints.actions import do_transition
        report = do_transition(report, "not_opened", actor=handler, reason_code="NOT_OPENED_1", approval_by=head)
        report = do_transition(report, "result_notified", actor=handler)
    assert not report.notices.exists() and report.events.filter(action="notify_result").exists()
