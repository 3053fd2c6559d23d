"""Text PDFs via pdfplumber (measured as the only library that keeps 公文 numbering lines intact).

Lines come out page by page in reading order. pdfplumber puts spaces between CJK and digits ("2023 年"); that is
left to the structure parser. Page-number lines ("- 3 -", "第3页") at the very top or bottom of a page are
dropped, since they would otherwise land in the middle of a paragraph that runs across the page break.
"""
from __future__ import annotations

import io
import re

from ..errors import PlanReadError

_NO_TEXT = "PDF中没有可提取的文字（可能是扫描件），请提供文字版PDF、Word或TXT文件"
_ENCRYPTED = "PDF文件已加密，请取消密码保护后再上传"
_CORRUPT = "PDF文件已损坏，无法读取"
_CID = re.compile(r"\(cid:\d+\)")

# Page-number decorations: "- 3 -", "— 3 —", "－3－", "·3·", "第3页", "第 3 页 共 14 页", "3/14", "Page 3".
_DECORATED_PAGE_NUMBER = re.compile(
    r"^\s*(?:"
    r"[-—–－‒―~～·•\[\(（]\s*\d{1,4}\s*[-—–－‒―~～·•\]\)）]"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?"
    r")\s*$"
)
_BARE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")


def is_page_number_line(line: str, page_number: int | None = None) -> bool:
    """True for a line that is only a page number. A bare number counts only near the page's position."""
    if _DECORATED_PAGE_NUMBER.match(line):
        return True
    bare = _BARE_NUMBER.match(line)
    # Cover pages are often unnumbered, so the printed number may lag the physical page by a few.
    return bool(bare and page_number is not None and abs(int(bare.group(1)) - page_number) <= 3)


def pdf_lines(data: bytes) -> tuple[list[str], list[str]]:
    """Return (lines, notes) for a PDF. Raises PlanReadError for encrypted, broken or image-only PDFs."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    encryption_errors = (PDFPasswordIncorrect, PDFEncryptionError)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - pdfplumber wraps pdfminer errors in PdfminerException
        cause = exc.args[0] if exc.args else exc
        if isinstance(exc, encryption_errors) or isinstance(cause, encryption_errors):
            raise PlanReadError(_ENCRYPTED, found="打开PDF需要密码") from None
        raise PlanReadError(_CORRUPT, found=f"{type(cause).__name__}: {str(cause)[:120]}") from None

    lines: list[str] = []
    notes: list[str] = []
    empty_pages: list[int] = []
    removed = 0
    with pdf:
        page_count = len(pdf.pages)
        for index, page in enumerate(pdf.pages, start=1):
            try:
                text = page.extract_text() or ""
            except Exception as exc:  # noqa: BLE001 - one broken page should not hide the others
                cause = exc.args[0] if exc.args else exc
                if isinstance(cause, encryption_errors):
                    raise PlanReadError(_ENCRYPTED, found="PDF内容已加密") from None
                notes.append(f"第{index}页无法读取，已跳过")
                continue
            page_lines = [line.rstrip() for line in text.split("\n")]
            page_lines, dropped = _strip_page_numbers(page_lines, index)
            removed += dropped
            if not any(line.strip() for line in page_lines):
                empty_pages.append(index)
            lines.extend(page_lines)

    text_lines = [line for line in lines if line.strip()]
    if not text_lines:
        raise PlanReadError(_NO_TEXT, found=f"{page_count}页")
    # Fonts without a Unicode map: pdfplumber can only print glyph ids like "(cid:1234)".
    cid_tokens = [m for line in text_lines for m in _CID.findall(line)]
    if cid_tokens:
        share = sum(map(len, cid_tokens)) / sum(len(line) for line in text_lines)
        if share > 0.3:
            raise PlanReadError("PDF中的文字无法解码（字体缺少编码信息），请提供Word或TXT文件",
                                found=f"{len(cid_tokens)}处无法识别的字形")
        notes.append(f"PDF中有{len(cid_tokens)}处字形无法解码，显示为(cid:…)")
    if empty_pages and len(empty_pages) < page_count:
        notes.append(f"第{_page_list(empty_pages)}页没有可提取的文字（可能是扫描页），其内容未读取")
    if removed:
        notes.append(f"已去除{removed}个页码行")
    return lines, notes


def _strip_page_numbers(lines: list[str], page_number: int) -> tuple[list[str], int]:
    """Drop page-number lines among the first and last non-empty lines of a page."""
    removed = 0
    for edge in (0, -1):
        while lines:
            # Skip blank lines at the edge, then look at the first real one.
            while lines and not lines[edge].strip():
                lines.pop(edge)
            if lines and is_page_number_line(lines[edge], page_number):
                lines.pop(edge)
                removed += 1
            else:
                break
    return lines, removed


def _page_list(pages: list[int]) -> str:
    shown = "、".join(str(p) for p in pages[:10])
    return shown + ("等" if len(pages) > 10 else "")
