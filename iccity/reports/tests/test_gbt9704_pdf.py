"""GB/T 9704-2012 checked on the PDF LibreOffice renders (positions from ``pdftotext -bbox``, in mm from the top-left
corner of the A4 page; the type area is 28–184 mm across and 37–262 mm down):

- §7.5 page numbers: odd pages right, even pages left, each one character (四号, 4.94 mm) in from the type-area edge;
  the 一字线 7 mm below the type area;
- §7.3.5.4 dates of issue without zero padding;
- §7.2.3 the agency mark (发文机关标志) on one line, not broken mid-word.
"""
from __future__ import annotations

import re
import subprocess

import pytest

from iccity.reports.actions.documents import do_generate_document

from .test_word_layout import soffice, to_pdf

MM = 25.4 / 72
TYPE_LEFT, TYPE_RIGHT, TYPE_BOTTOM = 28.0, 184.0, 262.0
ONE_CHARACTER = 14 * MM  # 四号 = 14 pt, the page numbers' size
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def pages_of(docx: bytes, tmp_path, name: str) -> list[list[tuple[float, float, float, float, str]]]:
    to_pdf(docx, tmp_path, name)
    xml = subprocess.run(["pdftotext", "-bbox", str(tmp_path / f"{name}.pdf"), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [[(*(float(v) * MM for v in w[:4]), w[4]) for w in WORD.findall(page)] for page in xml.split("<page ")[1:]]


def page_number_words(page):
    """The "— n —" words: the lowest line of the page."""
    bottom = max(w[3] for w in page)
    return [w for w in page if abs(w[3] - bottom) < 0.5]


def data_of(document) -> bytes:
    with document.file.open("rb") as fh:
        return fh.read()


def test_page_numbers_sit_one_character_in_and_their_dashes_7_mm_below_the_type_area(activity, fixed_evaluation,
                                                                                      tmp_path):
    soffice()
    pages = pages_of(data_of(do_generate_document("monthly", {"period": "2026-05"})), tmp_path, "monthly")
    assert len(pages) >= 3
    for number, page in enumerate(pages[:4], start=1):
        words = page_number_words(page)
        assert [w[4] for w in words] == ["—", str(number), "—"], words
        if number % 2:  # odd: right, one character in from the right edge
            assert words[-1][2] == pytest.approx(TYPE_RIGHT - ONE_CHARACTER, abs=0.3)
        else:           # even: left, one character in from the left edge
            assert words[0][0] == pytest.approx(TYPE_LEFT + ONE_CHARACTER, abs=0.3)
        dash = words[0]
        middle = (dash[1] + dash[3]) / 2  # the dash is drawn at the middle of its line
        assert middle - TYPE_BOTTOM == pytest.approx(7.0, abs=0.5)


def test_the_notice_has_an_unbroken_agency_mark_and_unpadded_dates(activity, fixed_evaluation, tmp_path):
    soffice()
    notice = activity["notice"]
    (page, *_rest) = pages_of(data_of(do_generate_document("urge", {"notice": notice.pk})), tmp_path, "notice")
    from iccity.reports.documents.context import issuer_name

    mark = issuer_name()
    assert len(mark) > 20  # long enough to wrap at 二号
    top_line = min(page, key=lambda w: w[1])
    assert top_line[4] == mark  # the whole name on the first line
    assert top_line[0] >= TYPE_LEFT - 0.5 and top_line[2] <= TYPE_RIGHT + 0.5
    text = "".join(w[4] for w in page)
    assert "2026年6月15日" in text  # date of issue
    assert not re.search(r"年0\d月|月0\d日", text), text  # the stored body said 2026年05月20日
    assert "2026年5月20日" in text
