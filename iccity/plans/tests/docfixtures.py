"""Build real .docx / .pdf plan documents at test time (no binary fixtures in the repository).

- ``build_docx``: paragraphs (optionally with Word automatic numbering, injected into numbering.xml the way Word
  stores it), tables, header and footer.
- ``build_pdf``: a text PDF in the built-in CID font STSong-Light, hard-wrapped at a fixed number of characters
  per line like a 公文 (28 per line), with "- N -" page numbers centred at the bottom.
- ``build_image_pdf``: a PDF with drawings and an image but no text layer (a "scan").
- ``build_encrypted_pdf``: a text PDF that needs a password.

Usable from any test: ``from iccity.plans.tests.docfixtures import build_docx, build_pdf``.
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Union

# Levels of the default plan list: (numFmt, lvlText[, start]). lvlText placeholders are 1-based level numbers,
# so level 2's own number is %3; it still renders as "1.".
PLAN_LEVELS: tuple[tuple, ...] = (
    ("chineseCounting", "%1、"),
    ("chineseCounting", "（%2）"),
    ("decimal", "%3."),
)


@dataclass
class DocxTable:
    """A table in ``build_docx``'s paragraph list. A cell is a paragraph item or a list of them."""
    rows: list[list]


ParagraphItem = Union[str, tuple[str, dict]]
Item = Union[ParagraphItem, DocxTable]

A4_W, A4_H = 595.27, 841.89
MM = 72 / 25.4


def build_docx(
    path: str | os.PathLike,
    paragraphs: Sequence[Item],
    *,
    numbering: Sequence[tuple] | Mapping[str, Sequence[tuple]] = PLAN_LEVELS,
    header: str | None = None,
    footer: str | None = None,
) -> Path:
    """Write a .docx and return its path.

    ``paragraphs`` items:
    - ``"text"``: a plain paragraph;
    - ``("text", opts)`` with opts:
      ``level`` (int): number the paragraph automatically at this level (0 = "一、", 1 = "（一）", 2 = "1.");
      ``list`` (str): which list of ``numbering`` (when it is a mapping; default: the first);
      ``restart`` (True | int | {level: start}): start a new w:num instance of the list with a startOverride
      (True: the level's own start; int: this value for this level) — later paragraphs of the list use it;
      ``via_style`` (bool): put numPr on a paragraph style "PlanList{level}" instead of the paragraph;
      ``num_id`` (int): write this raw numId (e.g. 0 = "no numbering", or an id that does not exist);
      ``style`` (str): a python-docx style name such as "Heading 1";
    - ``DocxTable(rows=[[cell, …], …])``: a table; a cell is an item as above or a list of them.
    ``numbering``: levels ``(numFmt, lvlText[, start])`` of the single list, or ``{name: levels}``.
    ``header``/``footer``: text of the page header/footer; "{PAGE}" in the footer becomes a PAGE field.
    """
    from docx import Document

    document = Document()
    lists = dict(numbering) if isinstance(numbering, Mapping) else {"main": numbering}
    builder = _NumberingBuilder(document, lists)
    body_items = list(paragraphs)
    # Document() starts with no paragraphs; fill them in order.
    for item in body_items:
        if isinstance(item, DocxTable):
            _add_table(document, item, builder)
        else:
            _fill(document.add_paragraph(), item, builder)
    section = document.sections[0]
    if header is not None:
        section.header.paragraphs[0].text = header
    if footer is not None:
        _footer_text(section.footer.paragraphs[0], footer)
    path = Path(path)
    document.save(str(path))
    return path


class _NumberingBuilder:
    def __init__(self, document, lists: Mapping[str, Sequence[tuple]]):
        self.document = document
        self.lists = lists
        self.default_list = next(iter(lists), "main")
        self._abstract: dict[str, int] = {}
        self._current_num: dict[str, int] = {}
        self._styles: dict[tuple[str, int], str] = {}
        self._element = None

    @property
    def element(self):
        if self._element is None:
            self._element = self.document.part.numbering_part.element
        return self._element

    def _next_id(self, tag: str, attr: str) -> int:
        from docx.oxml.ns import qn
        ids = [int(e.get(qn(attr))) for e in self.element.findall(qn(tag))]
        return max(ids, default=0) + 1

    def _add_abstract(self, name: str) -> int:
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls, qn

        abstract_id = self._next_id("w:abstractNum", "w:abstractNumId")
        levels = []
        for ilvl, spec in enumerate(self.lists[name]):
            fmt, text = spec[0], spec[1]
            start = spec[2] if len(spec) > 2 else 1
            levels.append(
                f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="{420 * (ilvl + 1)}" w:hanging="420"/></w:pPr></w:lvl>'
            )
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="multilevel"/>{"".join(levels)}</w:abstractNum>'
        )
        # Schema order: every w:abstractNum precedes every w:num.
        existing = self.element.findall(qn("w:abstractNum"))
        if existing:
            existing[-1].addnext(abstract)
        else:
            self.element.insert(0, abstract)
        return abstract_id

    def num_id(self, name: str, restart: Mapping[int, int] | None = None) -> int:
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        if name not in self._abstract:
            self._abstract[name] = self._add_abstract(name)
        if name in self._current_num and restart is None:
            return self._current_num[name]
        num_id = self._next_id("w:num", "w:numId")
        overrides = "".join(
            f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
            for ilvl, start in (restart or {}).items()
        )
        self.element.append(parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}">'
            f'<w:abstractNumId w:val="{self._abstract[name]}"/>{overrides}</w:num>'
        ))
        self._current_num[name] = num_id
        return num_id

    def level_start(self, name: str, level: int) -> int:
        spec = self.lists[name][level]
        return spec[2] if len(spec) > 2 else 1

    def style_for(self, name: str, level: int, num_id: int) -> str:
        from docx.enum.style import WD_STYLE_TYPE

        key = (name, level)
        if key not in self._styles:
            style_name = f"PlanList{level}" if name == self.default_list else f"PlanList{name}{level}"
            style = self.document.styles.add_style(style_name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = self.document.styles["Normal"]
            numpr = style.element.get_or_add_pPr().get_or_add_numPr()
            numpr.get_or_add_ilvl().val = level
            numpr.get_or_add_numId().val = num_id
            self._styles[key] = style_name
        return self._styles[key]


def _fill(paragraph, item: ParagraphItem, builder: _NumberingBuilder) -> None:
    text, opts = (item, {}) if isinstance(item, str) else item
    paragraph.add_run(text)
    if opts.get("style"):
        paragraph.style = paragraph.part.document.styles[opts["style"]]
    if "num_id" in opts:
        numpr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        numpr.get_or_add_ilvl().val = opts.get("level", 0)
        numpr.get_or_add_numId().val = opts["num_id"]
        return
    if "level" not in opts:
        return
    level = opts["level"]
    name = opts.get("list", builder.default_list)
    restart = opts.get("restart")
    if restart is True:
        restart = {level: builder.level_start(name, level)}
    elif isinstance(restart, int):
        restart = {level: restart}
    num_id = builder.num_id(name, restart)
    if opts.get("via_style"):
        paragraph.style = builder.style_for(name, level, num_id)
        return
    numpr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numpr.get_or_add_ilvl().val = level
    numpr.get_or_add_numId().val = num_id


def _add_table(document, table: DocxTable, builder: _NumberingBuilder) -> None:
    cols = max((len(row) for row in table.rows), default=1)
    docx_table = document.add_table(rows=len(table.rows), cols=cols)
    for row, values in zip(docx_table.rows, table.rows):
        for cell, value in zip(row.cells, values):
            items = value if isinstance(value, list) else [value]
            for index, item in enumerate(items):
                paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
                _fill(paragraph, item, builder)


def _footer_text(paragraph, text: str) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    before, sep, after = text.partition("{PAGE}")
    paragraph.add_run(before)
    if sep:
        paragraph._p.append(parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        ))
        paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve">{after}</w:t></w:r>'))


# --- PDF -----------------------------------------------------------------------------------------------------

FONT = "STSong-Light"
# reportlab's UniGB-UCS2-H encoding has no glyph for U+00B7 "·" (精武门·中华武林园) and silently drops it;
# U+30FB is GB2312's middle dot (0xA1A4), drawn by the font and extracted by pdfplumber as "·" again.
_PDF_SUBSTITUTES = str.maketrans({"\u00b7": "\u30fb"})


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def wrap_lines(lines: Sequence[str], chars_per_line: int) -> list[str]:
    """Hard-wrap every line at ``chars_per_line`` characters, like a 公文 grid (an empty line stays empty)."""
    out: list[str] = []
    for line in lines:
        if not line:
            out.append("")
            continue
        out.extend(line[i:i + chars_per_line] for i in range(0, len(line), chars_per_line))
    return out


def build_pdf(
    path: str | os.PathLike,
    lines: Sequence[str],
    *,
    chars_per_line: int = 28,
    lines_per_page: int = 22,
    font_size: float = 16,
    page_numbers: bool = True,
    encrypt: str | None = None,
) -> Path:
    """Write a text PDF (A4, 公文-like margins) and return its path.

    Each input line is wrapped at ``chars_per_line`` characters, so words and unit names break across lines
    and pages; pages hold ``lines_per_page`` lines and carry "- N -" centred at the bottom.
    ``encrypt``: a user password (the file then cannot be opened without it).
    """
    from reportlab.pdfgen import canvas

    _register_font()
    path = Path(path)
    pdf = canvas.Canvas(str(path), pagesize=(A4_W, A4_H), encrypt=encrypt)
    left, top = 28 * MM, A4_H - 37 * MM
    leading = (225 * MM) / lines_per_page
    wrapped = wrap_lines(lines, chars_per_line)
    pages = [wrapped[i:i + lines_per_page] for i in range(0, len(wrapped), lines_per_page)] or [[]]
    for number, page_lines in enumerate(pages, start=1):
        pdf.setFont(FONT, font_size)
        for row, text in enumerate(page_lines):
            if text:
                pdf.drawString(left, top - font_size - row * leading, text.translate(_PDF_SUBSTITUTES))
        if page_numbers:
            pdf.setFont(FONT, 14)
            pdf.drawCentredString(A4_W / 2, 20 * MM, f"- {number} -")
        pdf.showPage()
    pdf.save()
    return path


def build_encrypted_pdf(path: str | os.PathLike, lines: Sequence[str], password: str = "secret") -> Path:
    return build_pdf(path, lines, encrypt=password)


def build_image_pdf(path: str | os.PathLike, pages: int = 1) -> Path:
    """Write a PDF whose pages hold only shapes and a raster image: no text layer, like a scan."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    path = Path(path)
    image = Image.new("L", (200, 280), color=235)
    for x in range(20, 180):
        for y in range(30, 250, 12):
            image.putpixel((x, y), 40)  # grey "text lines" in the picture, as in a scanned page
    pdf = canvas.Canvas(str(path), pagesize=(A4_W, A4_H))
    for _ in range(pages):
        pdf.rect(20 * MM, 20 * MM, A4_W - 40 * MM, A4_H - 40 * MM, stroke=1, fill=0)
        pdf.drawImage(ImageReader(image), 30 * MM, 40 * MM, width=A4_W - 60 * MM, height=A4_H - 80 * MM)
        pdf.showPage()
    pdf.save()
    return path
