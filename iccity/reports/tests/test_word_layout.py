"""公文 layout (GB/T 9704) of generated Word files: page, fonts with w:eastAsia, headings, exact line spacing,
odd/even page-number footers; an office-edited template still renders; LibreOffice renders the result as A4 PDF."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from iccity.reports.actions.documents import do_generate_document, do_upload_template
from iccity.reports.documents import templates_builtin
from iccity.reports.models import DocumentTemplate


def docx_of(document) -> Document:
    with document.file.open("rb") as fh:
        return Document(io.BytesIO(fh.read()))


def east_asian(run) -> str | None:
    rpr = run._element.rPr
    return rpr.rFonts.get(qn("w:eastAsia")) if rpr is not None and rpr.rFonts is not None else None


def first_paragraph(doc, startswith: str):
    return next(p for p in doc.paragraphs if p.text.startswith(startswith))


@pytest.mark.parametrize("kind", templates_builtin.KINDS)
def test_builtin_templates_set_a4_page_and_gbt9704_type_area(kind):
    doc = Document(io.BytesIO(templates_builtin.builtin_bytes(kind)))
    s = doc.sections[0]

    def mm(length) -> float:  # Word stores twips: compare to 0.1 mm
        return round(length / 36000, 1)  # EMU per mm

    assert (mm(s.page_width), mm(s.page_height)) == (210, 297)
    assert (mm(s.top_margin), mm(s.left_margin)) == (37, 28)
    assert mm(s.page_width - s.left_margin - s.right_margin) == 156
    assert mm(s.page_height - s.top_margin - s.bottom_margin) == 225


def test_checked_in_templates_match_the_build_script():
    """The .docx files under data/templates are what ``iccity reports build-templates`` writes."""
    for kind in templates_builtin.KINDS:
        with zipfile.ZipFile(templates_builtin.builtin_path(kind)) as stored, \
                zipfile.ZipFile(io.BytesIO(templates_builtin.build(kind))) as built:
            assert stored.read("word/document.xml") == built.read("word/document.xml"), kind


def test_monthly_report_uses_gongwen_fonts_headings_and_page_numbers(activity, fixed_evaluation):
    doc = docx_of(do_generate_document("monthly", {"period": "2026-05"}))
    title = doc.paragraphs[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size == Pt(22) and east_asian(title.runs[0]) == "方正小标宋简体"
    body = first_paragraph(doc, "截至2026年5月31日")
    assert body.runs[0].font.size == Pt(16) and east_asian(body.runs[0]) == "仿宋_GB2312"
    assert body.paragraph_format.line_spacing == Pt(29)
    assert body.paragraph_format.first_line_indent == Pt(32)  # two characters
    assert east_asian(first_paragraph(doc, "一、总体情况").runs[0]) == "黑体"
    assert east_asian(first_paragraph(doc, "（一）").runs[0]) == "楷体_GB2312"
    # every run that names a font names the East Asian one too (checked in the XML)
    for rfonts in doc.element.body.iter(qn("w:rFonts")):
        assert rfonts.get(qn("w:eastAsia")), rfonts.attrib
    section = doc.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT and even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    for footer in (odd, even):
        xml = footer._element.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
        assert footer.text.startswith("— ") and footer.text.endswith(" —")
        assert all(r.font.size == Pt(14) for r in footer.runs)
    assert doc.settings.element.find(qn("w:evenAndOddHeaders")) is not None


def test_template_edited_in_python_docx_renders_and_gets_fonts_and_page_numbers_back(activity, fixed_evaluation,
                                                                                     office_admin):
    """The office changes the 红头, adds a line typed without an East Asian font and loses the footers: the upload
    is accepted, documents use it, and post-processing restores the East Asian font and the page numbers."""
    doc = Document(io.BytesIO(templates_builtin.builtin_bytes("urge")))
    red_head = doc.paragraphs[0]
    red_head.runs[0].text = "天津市西青区商务局{{ '' }}"
    extra = doc.add_paragraph()
    extra.add_run("联系人：张三，电话：27392000").font.name = "仿宋_GB2312"  # python-docx: no w:eastAsia
    for section in doc.sections:
        for footer in (section.footer, section.even_page_footer):
            for p in footer.paragraphs:
                p._element.getparent().remove(p._element)
    buffer = io.BytesIO()
    doc.save(buffer)
    buffer.seek(0)
    template = do_upload_template("urge", "商务局红头", buffer, actor=office_admin)
    generated = do_generate_document("urge", {"notice": activity["notice"].pk})
    assert generated.template == template
    out = docx_of(generated)
    assert out.paragraphs[0].text == "天津市西青区商务局"
    line = first_paragraph(out, "联系人")
    assert east_asian(line.runs[0]) == "仿宋_GB2312"
    assert "PAGE" in out.sections[0].footer._element.xml and "PAGE" in out.sections[0].even_page_footer._element.xml


@pytest.mark.parametrize("content, message", [
    (b"not a word file", "不是 Word（.docx）文件"),
    (b"", "文件是空的"),
])
def test_upload_refuses_files_that_are_not_docx(media, office_admin, content, message):
    from iccity.core.actions import ActionRefused

    with pytest.raises(ActionRefused, match=message):
        do_upload_template("monthly", "坏模板", io.BytesIO(content), actor=office_admin)
    assert not DocumentTemplate.objects.exists()


def test_upload_refuses_a_template_with_broken_tags(media, office_admin):
    from iccity.core.actions import ActionRefused

    doc = Document(io.BytesIO(templates_builtin.builtin_bytes("monthly")))
    doc.add_paragraph("{%p for x in groups %}")  # never closed
    buffer = io.BytesIO()
    doc.save(buffer)
    buffer.seek(0)
    with pytest.raises(ActionRefused, match="模板"):
        do_upload_template("monthly", "漏了 endfor", buffer, actor=office_admin)
    assert not DocumentTemplate.objects.exists()


# -- LibreOffice ---------------------------------------------------------------------------------------------------

def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        message = "找不到 LibreOffice（soffice），跳过 PDF 渲染测试。安装：sudo apt-get install -y libreoffice-writer fonts-noto-cjk poppler-utils"
        if os.environ.get("ICCITY_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(message + "（ICCITY_REQUIRE_LIBREOFFICE=1：CI 中不允许跳过）")
        pytest.skip(message)
    return path


def to_pdf(docx_bytes: bytes, tmp_path, name: str) -> tuple[dict, str]:
    source = tmp_path / f"{name}.docx"
    source.write_bytes(docx_bytes)
    profile = tmp_path / "lo-profile"  # private profile: parallel runs do not share a lock
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, timeout=120, capture_output=True)
    pdf = tmp_path / f"{name}.pdf"
    info = dict(line.split(":", 1) for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                                              check=True).stdout.splitlines() if ":" in line)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, v in info.items()}, fonts


def test_libreoffice_renders_notice_on_one_a4_page_and_monthly_report_on_several(activity, fixed_evaluation, tmp_path):
    soffice()
    notice = do_generate_document("urge", {"notice": activity["notice"].pk})
    monthly = do_generate_document("monthly", {"period": "2026-05"})
    for document, name in ((notice, "notice"), (monthly, "monthly")):
        with document.file.open("rb") as fh:
            data = fh.read()
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = z.read("word/document.xml").decode()
        assert 'w:eastAsia="仿宋_GB2312"' in xml and ('w:eastAsia="方正小标宋简体"' in xml)
        info, fonts = to_pdf(data, tmp_path, name)
        width, height = (float(x) for x in info["Page size"].split(" pts")[0].split(" x "))
        assert round(width) == 595 and round(height) == 842  # A4
        assert "CJK" in fonts  # the 公文 fonts are absent on the server: LibreOffice substitutes Noto CJK
        pages = int(info["Pages"])
        if name == "notice":
            assert pages == 1
        else:
            assert pages > 3  # 27 tasks in five group tables, overdue items, indicators
