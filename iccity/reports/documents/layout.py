"""公文 layout (GB/T 9704-2012) for python-docx: page setup, fonts, headings, page-number footers, and the
post-processing a rendered template gets.

Why post-processing: an office that edits a template in Word/WPS may type text whose runs name only a Latin font
(python-docx and some editors write ``w:ascii`` without ``w:eastAsia``), may drop the footers, or lose the
odd/even setting; the generated document then shows Chinese in the wrong font or without page numbers. ``finish``
repairs exactly those things and nothing else, so the office's 红头 and wording survive.
"""
from __future__ import annotations

import copy

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
TITLE_SIZE, BODY_SIZE, PAGE_NUMBER_SIZE, TABLE_SIZE = 22, 16, 14, 12   # 二号, 三号, 四号, 小四
LINE_PITCH = 29        # exact line spacing in pt: 22 lines in the 225 mm type area
PAGE_W, PAGE_H = 210, 297
TOP, LEFT, BOTTOM, RIGHT = 37, 28, 35, 26       # mm: type area 156 × 225
TYPE_AREA_WIDTH_PT = (PAGE_W - LEFT - RIGHT) / 25.4 * 72
# GB/T 9704-2012 §7.5: the 一字线 of the page number lies 7 mm below the type area (262 mm from the top). A footer
# line of 四号 is 6.4 mm tall in the rendering and its bottom sits 0.6 mm below the footer distance, so its middle
# (where the dash is drawn) is 7 mm below the type area at a footer distance of 25.4 mm (20 mm put it at 12.4 mm).
FOOTER_DISTANCE = 25.4


def set_font(run, name: str, size: float | None = None, bold: bool | None = None) -> None:
    """Name the font in every slot (python-docx's ``font.name`` misses ``w:eastAsia``, so Chinese would not use it)."""
    run.font.name = name
    rfonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), name)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold


def page_setup(section) -> None:
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    section.top_margin, section.left_margin = Mm(TOP), Mm(LEFT)
    section.bottom_margin, section.right_margin = Mm(BOTTOM), Mm(RIGHT)
    section.header_distance, section.footer_distance = Mm(15), Mm(FOOTER_DISTANCE)   # §7.5, see FOOTER_DISTANCE


def style_defaults(doc) -> None:
    """Normal = 仿宋_GB2312 三号, exact 29 pt lines: text typed into the template inherits the 公文 body."""
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_SIZE)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE_PITCH)
    fmt.space_before = fmt.space_after = Pt(0)
    # the theme's East Asian font would otherwise win for runs without rFonts in some Word versions
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for rfonts in defaults.iter(qn("w:rFonts")):
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                rfonts.attrib.pop(qn(attr), None)
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
                rfonts.set(qn(attr), BODY_FONT)


def paragraph(container, text: str = "", *, font: str = BODY_FONT, size: float = BODY_SIZE, bold: bool = False,
              align=None, indent: bool = True, exact: bool = True, color: tuple[int, int, int] | None = None):
    """One paragraph with one run; body paragraphs are indented two characters."""
    from docx.shared import RGBColor

    para = container.add_paragraph()
    fmt = para.paragraph_format
    if exact:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE_PITCH if size >= BODY_SIZE else size * 1.5)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(size * 2) if indent else Pt(0)
    if align is not None:
        para.alignment = align
    if text:
        run = para.add_run(text)
        set_font(run, font, size, bold)
        if color is not None:
            run.font.color.rgb = RGBColor(*color)
    return para


def title(doc, text: str):
    return paragraph(doc, text, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)


def heading1(doc, text: str):
    """一、… in 黑体."""
    return paragraph(doc, text, font=HEADING1_FONT)


def heading2(doc, text: str):
    """（一）… in 楷体_GB2312."""
    return paragraph(doc, text, font=HEADING2_FONT)


def tag(doc, text: str):
    """A docxtpl control paragraph ({%p …%}); it disappears on rendering."""
    return paragraph(doc, text, indent=False)


def table(doc, headers: list[str], cells: list[str], widths_mm: list[float], loop: str | None = None):
    """A bordered table: a header row, then one template row (``cells``) repeated by ``{%tr for … %}`` when
    ``loop`` is given. Table text is 仿宋 小四 so a task title fits."""
    rows = 2 + (2 if loop else 0)
    tbl = doc.add_table(rows=rows, cols=len(headers))
    tbl.style = doc.styles["Table Grid"]
    tbl.alignment = 1  # centred
    tbl.autofit = False  # fixed layout: LibreOffice and WPS otherwise squeeze the title column
    for c, width in enumerate(widths_mm):
        tbl.columns[c].width = Mm(width)
    template_rows = [headers] + ([[f"{{%tr for {loop} %}}"] + [""] * (len(headers) - 1)] if loop else []) \
        + [cells] + ([["{%tr endfor %}"] + [""] * (len(headers) - 1)] if loop else [])
    for r, values in enumerate(template_rows):
        for c, value in enumerate(values):
            cell = tbl.cell(r, c)
            cell.width = Mm(widths_mm[c])
            para = cell.paragraphs[0]
            fmt = para.paragraph_format
            fmt.first_line_indent = Pt(0)
            fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(20)
            if r == 0:
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if value:
                set_font(para.add_run(value), HEADING1_FONT if r == 0 else BODY_FONT, TABLE_SIZE)
    return tbl


# -- page numbers ------------------------------------------------------------------------------------------------


def _field_run(kind: str, instr: str | None = None):
    run = OxmlElement("w:r")
    if instr is None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
    else:
        element = OxmlElement("w:instrText")
        element.set(qn("xml:space"), "preserve")
        element.text = instr
    run.append(element)
    return run


def _page_number_paragraph(footer, align) -> None:
    """"— 1 —" in 四号, half-width digits between em dashes (GB/T 9704 7.5)."""
    for para in list(footer.paragraphs)[1:]:
        para._element.getparent().remove(para._element)
    para = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    for child in list(para._element):
        if child.tag != qn("w:pPr"):
            para._element.remove(child)
    para.alignment = align
    para.paragraph_format.first_line_indent = Pt(0)
    # §7.5: 单页码居右空一字，双页码居左空一字 — one character (四号) in from the type-area edge
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        para.paragraph_format.right_indent, para.paragraph_format.left_indent = Pt(PAGE_NUMBER_SIZE), Pt(0)
    else:
        para.paragraph_format.left_indent, para.paragraph_format.right_indent = Pt(PAGE_NUMBER_SIZE), Pt(0)
    before = para.add_run("— ")
    set_font(before, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    template_rpr = before._element.rPr
    for element in (_field_run("begin"), _field_run("", " PAGE "), _field_run("separate")):
        element.insert(0, copy.deepcopy(template_rpr))
        para._element.append(element)
    number = para.add_run("1")
    set_font(number, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    end = _field_run("end")
    end.insert(0, copy.deepcopy(template_rpr))
    para._element.append(end)
    set_font(para.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def page_number_footers(doc) -> None:
    """Odd pages right, even pages left; ``w:evenAndOddHeaders`` in settings.xml makes Word use both."""
    doc.settings.odd_and_even_pages_header_footer = True
    for section in doc.sections:
        section.footer.is_linked_to_previous = False
        section.even_page_footer.is_linked_to_previous = False
        _page_number_paragraph(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
        _page_number_paragraph(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)


def has_page_numbers(doc) -> bool:
    for section in doc.sections:
        for footer in (section.footer, section.even_page_footer):
            if not footer.is_linked_to_previous and "PAGE" in "".join(
                    t.text or "" for t in footer._element.iter(qn("w:instrText"))):
                continue
            if footer._element.find(".//" + qn("w:fldSimple")) is not None:
                continue
            return False
    return True


def fill_east_asian_fonts(doc) -> int:
    """Give every run that names a Latin font but no East Asian one the same East Asian font; returns the count.
    Runs in headers and footers too."""
    parts = [doc.element.body]
    for section in doc.sections:
        for hf in (section.header, section.footer, section.even_page_footer, section.even_page_header,
                   section.first_page_header, section.first_page_footer):
            if not hf.is_linked_to_previous:
                parts.append(hf._element)
    fixed = 0
    for part in parts:
        for rfonts in part.iter(qn("w:rFonts")):
            latin = rfonts.get(qn("w:ascii")) or rfonts.get(qn("w:hAnsi"))
            if latin and not rfonts.get(qn("w:eastAsia")) and not rfonts.get(qn("w:eastAsiaTheme")):
                rfonts.set(qn("w:eastAsia"), latin)
                fixed += 1
    return fixed


def _is_agency_mark(para) -> bool:
    """The 发文机关标志: a centred paragraph set in red 小标宋 (the 红头)."""
    runs = [r for r in para.runs if r.text.strip()]
    if not runs or para.alignment != WD_ALIGN_PARAGRAPH.CENTER:
        return False
    first = runs[0]
    colour = first.font.color.rgb if first.font.color is not None and first.font.color.type is not None else None
    rfonts = first._element.rPr.rFonts if first._element.rPr is not None else None
    font = (rfonts.get(qn("w:eastAsia")) if rfonts is not None else None) or first.font.name
    return font == TITLE_FONT and colour is not None and str(colour).upper() not in ("000000", "AUTO")


def fit_agency_mark(doc) -> int:
    """A long agency name would wrap mid-word ("…领导小/组办公室"); §7.2.3 asks for a dignified mark, so the mark
    is set in the largest half-point size (at most 二号) that keeps it on one line of the type area. Returns the
    number of marks resized."""
    resized = 0
    for para in doc.paragraphs[:6]:  # the 红头 is at the top
        if not _is_agency_mark(para):
            continue
        text = para.text.strip()
        current = max((r.font.size.pt for r in para.runs if r.font.size is not None), default=TITLE_SIZE)
        fits = int(TYPE_AREA_WIDTH_PT / max(len(text), 1) * 2) / 2  # CJK glyphs are one em wide
        if fits < current:
            for run in para.runs:
                run.font.size = Pt(fits)
            resized += 1
    return resized


def finish(doc) -> None:
    """Post-process a rendered document: fonts, page numbers, odd/even setting, an agency mark that would wrap
    (see the module docstring)."""
    fill_east_asian_fonts(doc)
    fit_agency_mark(doc)
    if not has_page_numbers(doc):
        page_number_footers(doc)
    doc.settings.odd_and_even_pages_header_footer = True
