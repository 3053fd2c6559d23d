"""Word (.docx) plans: body paragraphs in order, table cells row by row, and automatic numbering rendered.

python-docx's ``Paragraph.text`` is not enough: it skips tables' place in the body order, text inside w:ins /
content controls, and above all automatic numbering — a heading typed as "工作目标" with numFmt chineseCounting
shows as "一、工作目标" in Word, and the structure parser needs that "一、". So the XML is walked directly and
``w:numPr`` is resolved against numbering.xml (see numbering.py). Headers, footers, footnotes and comments are
separate parts and never read: page numbers live there.
"""
from __future__ import annotations

import io
import zipfile

from lxml import etree

from ..errors import PlanReadError
from ..tables import MERGED
from .numbering import W, Numbering, w

# Refuse zip bombs: a 20 MB upload whose XML inflates beyond this is not a plan.
MAX_XML_BYTES = 400 * 1024 * 1024

_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_CORRUPT = "Word文件已损坏，无法读取正文，请用Word打开并重新保存后再上传"

_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = w("p"), w("tbl"), w("tr"), w("tc"), w("sdt"), w("sdtContent")
_CUSTOM_XML, _SMART_TAG = w("customXml"), w("smartTag")
_T, _TAB, _PTAB, _BR, _CR = w("t"), w("tab"), w("ptab"), w("br"), w("cr")
_NO_BREAK_HYPHEN, _R, _RPR, _VANISH = w("noBreakHyphen"), w("r"), w("rPr"), w("vanish")
_TXBX_CONTENT = w("txbxContent")
# Subtrees that never hold visible body text of this paragraph.
_SKIP = {w("pPr"), w("del"), w("moveFrom"), w("delText"), w("instrText"), w("footnoteReference"),
         w("endnoteReference"), w("commentReference"), f"{{{_MC}}}Fallback"}
# Wrappers that just group block content (paragraphs, tables, rows, cells).
_WRAPPERS = {_SDT, _SDT_CONTENT, _CUSTOM_XML, _SMART_TAG}

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)


def docx_lines(archive: zipfile.ZipFile, data: bytes) -> tuple[list[str], list[str]]:
    """Return (lines, notes) for a .docx held in ``archive`` (``data`` is the same file's bytes)."""
    total = sum(info.file_size for info in archive.infolist() if info.filename.endswith(".xml"))
    if total > MAX_XML_BYTES:
        raise PlanReadError("Word文件解压后过大，无法读取", found=f"解压后约 {total // 1024 // 1024} MB")

    body = _main_body(data)
    numbering = Numbering(_related_xml(body.part, _RT_NUMBERING), _related_xml(body.part, _RT_STYLES))
    reader = _BodyReader(numbering)
    reader.walk(body.element)
    lines = reader.lines
    if not any(line.strip() for line in lines):
        raise PlanReadError("文件为空", found="Word文件中没有文字")
    notes: list[str] = []
    if reader.numbered:
        notes.append(f"已还原Word自动编号（{reader.numbered}处）")
    if reader.table_count:
        notes.append(f"已读取表格中的文字（{reader.table_count}个表格，按行逐格输出）")
    if reader.text_boxes:
        notes.append(f"已读取文本框中的文字（{reader.text_boxes}处，放在所在段落之后）")
    return lines, notes


_RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
_RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"


class _Body:
    def __init__(self, part, element):
        self.part = part
        self.element = element


def _part_xml(part) -> etree._Element:
    # python-docx gives XmlParts an .element; unusual content types (.docm, .dotx) arrive as plain Parts.
    element = getattr(part, "element", None)
    if element is not None:
        return element
    return etree.fromstring(part.blob, _PARSER)


def _main_body(data: bytes) -> _Body:
    from docx.package import Package

    try:
        part = Package.open(io.BytesIO(data)).main_document_part
        root = _part_xml(part)
    except PlanReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-docx/lxml raise many kinds for broken packages
        raise PlanReadError(_CORRUPT, found=f"{type(exc).__name__}: {str(exc)[:120]}") from None
    body = root.find(w("body"))
    if body is None:
        raise PlanReadError(_CORRUPT, found="正文（w:body）缺失")
    return _Body(part, body)


def _related_xml(part, reltype: str) -> etree._Element | None:
    try:
        return _part_xml(part.part_related_by(reltype))
    except KeyError:
        return None
    except Exception:  # noqa: BLE001 - a broken numbering/styles part only costs the numbers
        return None


class _BodyReader:
    def __init__(self, numbering: Numbering):
        self.numbering = numbering
        self.lines: list[str] = []
        self.numbered = 0
        self.table_count = 0
        self.text_boxes = 0

    def walk(self, container: etree._Element) -> None:
        for child in container:
            tag = child.tag
            if tag == _P:
                self.paragraph(child)
            elif tag == _TBL:
                self.table_count += 1
                self.table(child)
            elif tag in _WRAPPERS:
                self.walk(child)

    def table(self, tbl: etree._Element) -> None:
        # Raw rows/cells (not python-docx's row.cells, which repeats merged cells once per grid column).
        for row in _descend(tbl, _TR):
            for cell in _descend(row, _TC):
                if _continues_merge(cell):
                    # A vertically merged cell below its first row: mark it, so a task table can tell which
                    # column is merged (the structure parser reads "〃" as "same as the row above").
                    self.lines.append(MERGED)
                    continue
                self.walk(cell)

    def paragraph(self, p: etree._Element) -> None:
        parts: list[str] = []
        boxes: list[etree._Element] = []
        _collect(p, parts, boxes)
        label = self.numbering.label(p)
        if label:
            self.numbered += 1
        text = label + "".join(parts)
        self.lines.extend(text.split("\n"))
        for box in boxes:
            self.text_boxes += 1
            self.walk(box)


def _continues_merge(cell: etree._Element) -> bool:
    tcpr = cell.find(w("tcPr"))
    vmerge = tcpr.find(w("vMerge")) if tcpr is not None else None
    return vmerge is not None and vmerge.get(W + "val", "continue") != "restart"


def _descend(element: etree._Element, tag: str):
    """Children with ``tag``, looking through content-control and custom-XML wrappers."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _descend(child, tag)


def _collect(element: etree._Element, parts: list[str], boxes: list[etree._Element]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _T:
            parts.append(child.text or "")
        elif tag in (_TAB, _PTAB):
            parts.append("\t")
        elif tag in (_BR, _CR):
            parts.append("\n")
        elif tag == _NO_BREAK_HYPHEN:
            parts.append("-")
        elif tag == _TXBX_CONTENT:
            boxes.append(child)  # read after the paragraph, as its own lines
        elif tag == _R and _hidden(child):
            continue
        else:
            _collect(child, parts, boxes)


def _hidden(run: etree._Element) -> bool:
    rpr = run.find(_RPR)
    if rpr is None:
        return False
    vanish = rpr.find(_VANISH)
    return vanish is not None and vanish.get(W + "val", "true") not in ("0", "false", "off")
