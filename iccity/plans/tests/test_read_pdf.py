"""Text PDFs (pdfplumber): page order, page numbers dropped, scans and encryption refused."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from iccity.plans.parsing.readers import PlanReadError, read_bytes, read_document
from iccity.plans.parsing.readers.pdf import _strip_page_numbers, is_page_number_line
from iccity.plans.tests.docfixtures import (
    A4_H, FONT, MM, _register_font, build_encrypted_pdf, build_image_pdf, build_pdf, wrap_lines,
)

SEED = Path(__file__).resolve().parents[3] / "data" / "xiqing-icc-action-plan-2023-2027.txt"
PAGE_NUMBER = re.compile(r"^\s*-\s*\d+\s*-\s*$")


def non_space(lines) -> str:
    return re.sub(r"\s+", "", "".join(lines))


PLAN = [
    "西青区加快建设国际消费中心城市行动方案",
    "一、工作目标",
    "到2025年，我区国际知名度、消费繁荣度、商业活跃度、通达便利度、政策引领度全面提升，打造国际消费中心城市“西青样板”。",
    "二、重点任务",
    "（一）提升载体能级，打造区域地标商圈",
    "1.做强区域核心商圈。南站商圈依托南站科技商务区，努力打造天津面向北京非首都功能疏解的重要承载地。"
    "（责任单位：区商务局、区发展改革委、中北镇人民政府、杨柳青镇人民政府、张家窝镇人民政府）",
    "2.打造特色商业街区。（责任单位：区商务局、区文化和旅游局）",
    "三、保障措施",
]


def test_three_pages_with_page_numbers(tmp_path):
    wrapped = wrap_lines(PLAN, 28)
    lines_per_page = (len(wrapped) + 2) // 3  # spread the plan over exactly three pages
    path = build_pdf(tmp_path / "plan.pdf", PLAN, lines_per_page=lines_per_page)
    doc = read_document(path)
    assert doc.source_format == "pdf"
    assert not any(PAGE_NUMBER.match(line) for line in doc.lines)
    assert "已去除3个页码行" in doc.notes
    assert [line.replace(" ", "") for line in doc.lines] == [line.replace(" ", "") for line in wrapped]
    # Unit names broken across lines come back whole once the lines are joined (the structure parser's job).
    assert "张家窝镇人民政府" in non_space(doc.lines)


def test_lines_are_wrapped_at_28_characters(tmp_path):
    doc = read_document(build_pdf(tmp_path / "plan.pdf", ["测" * 60]))
    assert [len(line) for line in doc.lines] == [28, 28, 4]


def test_cjk_and_digits_are_kept_in_order(tmp_path):
    doc = read_document(build_pdf(tmp_path / "plan.pdf", ["到2027年，津农精品品牌达到25个以上。"]))
    # pdfplumber may put spaces between CJK and digits; the characters and their order are unchanged.
    assert non_space(doc.lines) == "到2027年，津农精品品牌达到25个以上。"


def test_seed_plan_round_trip(tmp_path):
    if not SEED.exists():
        pytest.skip(f"seed plan missing: {SEED}")
    source = SEED.read_text(encoding="utf-8").splitlines()
    doc = read_document(build_pdf(tmp_path / "seed.pdf", source))
    expected = [line for line in source if not PAGE_NUMBER.match(line)]
    got = [line for line in doc.lines if not PAGE_NUMBER.match(line)]
    assert non_space(got) == non_space(expected)
    assert len([n for n in doc.notes if "页码" in n]) == 1


def test_page_number_line_forms():
    for line in ("- 3 -", "—3—", "－ 12 －", " -3- ", "·5·", "第3页", "第 3 页 共 14 页", "3/14", "Page 3", "（3）"):
        assert is_page_number_line(line, 3), line
    for line in ("2023", "一、工作目标", "- 3 - 5", "3.做强商圈", "（一）提升载体能级", ""):
        assert not is_page_number_line(line, 3), line
    assert is_page_number_line("4", 3)
    assert not is_page_number_line("40", 3)


def test_only_edge_page_numbers_are_stripped():
    lines = ["", "- 2 -", "正文第一行", "- 2 -", "正文第二行", "2", ""]
    assert _strip_page_numbers(lines, 2) == (["正文第一行", "- 2 -", "正文第二行"], 2)


def test_image_only_pdf_is_refused(tmp_path):
    with pytest.raises(PlanReadError) as info:
        read_document(build_image_pdf(tmp_path / "scan.pdf", pages=3))
    assert info.value.message == "PDF中没有可提取的文字（可能是扫描件），请提供文字版PDF、Word或TXT文件"
    assert info.value.found == "3页"


def test_page_numbers_only_count_as_no_text(tmp_path):
    with pytest.raises(PlanReadError) as info:
        read_document(build_pdf(tmp_path / "blank.pdf", [""] * 30, lines_per_page=10))
    assert info.value.message.startswith("PDF中没有可提取的文字")
    assert info.value.found == "3页"


def test_scanned_page_inside_a_text_pdf_is_reported(tmp_path):
    from reportlab.pdfgen import canvas

    _register_font()
    path = tmp_path / "mixed.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont(FONT, 16)
    pdf.drawString(30 * MM, A4_H - 40 * MM, "一、工作目标")
    pdf.showPage()
    pdf.rect(20 * MM, 20 * MM, 100 * MM, 100 * MM, fill=1)
    pdf.showPage()
    pdf.save()
    doc = read_document(path)
    assert doc.lines == ["一、工作目标"]
    assert any("第2页" in note and "扫描" in note for note in doc.notes)


def test_encrypted_pdf_is_refused(tmp_path):
    with pytest.raises(PlanReadError) as info:
        read_document(build_encrypted_pdf(tmp_path / "secret.pdf", PLAN))
    assert "加密" in info.value.message


def test_corrupt_pdf_is_refused():
    with pytest.raises(PlanReadError) as info:
        read_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n" + bytes(range(256)) * 4, "plan.pdf")
    assert "PDF" in info.value.message


def test_content_decides_not_extension(tmp_path):
    data = build_pdf(tmp_path / "plan.pdf", ["一、工作目标"]).read_bytes()
    doc = read_bytes(data, "plan.docx")
    assert doc.source_format == "pdf"
    assert non_space(doc.lines) == "一、工作目标"
    assert any(".docx" in note for note in doc.notes)
