"""The built-in Word templates (docxtpl), one per document kind, built here so they are reproducible:
``iccity reports build-templates`` writes them to ``iccity/reports/data/templates/<kind>.docx`` (checked in as data).

The office downloads one, edits it in Word/WPS (红头, 文号, 落款, wording) and uploads it; the tags below are the
contract between a template and ``context.py``. Every context has: ``issuer``, ``title``, ``date`` (Arabic numerals),
``is_demo``, ``demo_note``.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from . import layout as L

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "data" / "templates"
KINDS = ("monthly", "special", "stocktake", "urge", "supervise")
RED = (0xC0, 0x00, 0x00)
CENTER, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT


def _new_document():
    doc = Document()
    L.style_defaults(doc)
    L.page_setup(doc.sections[0])
    L.page_number_footers(doc)
    props = doc.core_properties  # fixed, so a rebuild changes nothing but real edits
    props.author = props.last_modified_by = "iccity"
    props.created = props.modified = dt.datetime(2026, 1, 1)
    props.revision = 1
    return doc


def _demo_note(doc):
    L.tag(doc, "{%p if is_demo %}")
    L.paragraph(doc, "{{ demo_note }}", align=CENTER, indent=False, color=RED)
    L.tag(doc, "{%p endif %}")


def _bullets(doc, name: str):
    L.tag(doc, f"{{%p for line in {name} %}}")
    L.paragraph(doc, "{{ line }}")
    L.tag(doc, "{%p endfor %}")


def _signature(doc):
    L.paragraph(doc, "")
    L.paragraph(doc, "{{ issuer }}", align=RIGHT, indent=False)
    L.paragraph(doc, "{{ date }}", align=RIGHT, indent=False)


def _figure_notes(doc):
    """附注 below the date (GB/T 9704 §7.3.6): the definitions of every count the document states."""
    L.tag(doc, "{%p if figure_notes %}")
    L.paragraph(doc, "（统计口径）")
    _bullets(doc, "figure_notes")
    L.tag(doc, "{%p endif %}")


TASK_COLUMNS = (["编号", "任务", "牵头单位", "事项（办结/总数）", "灯色", "进度"],
                ["{{ t.key }}", "{{ t.title }}", "{{ t.lead }}", "{{ t.item_count }}", "{{ t.light }}", "{{ t.progress }}"],
                [12, 52, 30, 22, 20, 20])
OVERDUE_COLUMNS = (["任务", "事项", "牵头单位", "完成时限", "逾期（天）"],
                   ["{{ o.task }}", "{{ o.title }}", "{{ o.unit }}", "{{ o.deadline }}", "{{ o.days }}"],
                   [14, 62, 32, 28, 20])
INDICATOR_COLUMNS = (["指标", "最新值", "期别", "进展判断"],
                     ["{{ i.name }}", "{{ i.value }}", "{{ i.period }}", "{{ i.status }}"],
                     [50, 30, 26, 50])


def _table(doc, columns, loop):
    headers, cells, widths = columns
    L.table(doc, headers, cells, widths, loop=loop)


def build_monthly(doc):
    L.title(doc, "{{ title }}")
    _demo_note(doc)
    L.paragraph(doc, "")
    L.heading1(doc, "一、总体情况")
    _bullets(doc, "overview")
    L.heading1(doc, "二、工作亮点")
    _bullets(doc, "highlights")
    L.heading1(doc, "三、存在问题")
    _bullets(doc, "problems")
    L.heading1(doc, "四、下步打算")
    _bullets(doc, "next_steps")
    L.heading1(doc, "五、各项任务推进情况")
    L.tag(doc, "{%p for g in groups %}")
    L.heading2(doc, "{{ g.heading }}")
    _table(doc, TASK_COLUMNS, "t in g.tasks")
    L.tag(doc, "{%p endfor %}")
    L.heading1(doc, "六、逾期事项")
    L.paragraph(doc, "{{ overdue_note }}")
    _table(doc, OVERDUE_COLUMNS, "o in overdue")
    L.heading1(doc, "七、指标进展")
    L.paragraph(doc, "{{ indicator_note }}")
    _table(doc, INDICATOR_COLUMNS, "i in indicators")
    L.heading1(doc, "八、单位考核排名（摘录）")
    L.paragraph(doc, "{{ league_note }}")
    L.table(doc, ["名次", "单位", "得分", "名次变化"],
            ["{{ u.rank }}", "{{ u.unit }}", "{{ u.total }}", "{{ u.change }}"], [20, 76, 30, 30], loop="u in league")
    _signature(doc)
    _figure_notes(doc)


def build_special(doc):
    L.title(doc, "{{ title }}")
    _demo_note(doc)
    L.paragraph(doc, "")
    L.heading1(doc, "一、基本情况")
    _bullets(doc, "overview")
    _table(doc, TASK_COLUMNS, "t in tasks")
    L.heading1(doc, "二、推进情况")
    L.tag(doc, "{%p for p in progress %}")
    L.heading2(doc, "{{ p.heading }}")
    L.paragraph(doc, "{{ p.text }}")
    L.tag(doc, "{%p endfor %}")
    L.heading1(doc, "三、存在问题")
    _bullets(doc, "problems")
    L.heading1(doc, "四、下步打算")
    _bullets(doc, "next_steps")
    L.heading1(doc, "五、事项与指标")
    L.paragraph(doc, "{{ overdue_note }}")
    _table(doc, OVERDUE_COLUMNS, "o in overdue")
    L.paragraph(doc, "{{ indicator_note }}")
    _table(doc, INDICATOR_COLUMNS, "i in indicators")
    L.heading1(doc, "六、领导批示")
    _bullets(doc, "comments")
    _signature(doc)
    _figure_notes(doc)


def build_stocktake(doc):
    L.title(doc, "{{ title }}")
    _demo_note(doc)
    L.paragraph(doc, "{{ subtitle }}", align=CENTER, indent=False, font=L.HEADING2_FONT)
    L.heading1(doc, "一、任务总体情况")
    _bullets(doc, "overview")
    L.table(doc, ["编号", "任务", "灯色及理由", "完成可能性评定", "事项（办结/总数）"],
            ["{{ t.key }}", "{{ t.title }}", "{{ t.light_explanation }}", "{{ t.rating }}", "{{ t.item_count }}"],
            [12, 44, 46, 32, 22], loop="t in tasks")
    L.heading1(doc, "二、指标进展")
    L.paragraph(doc, "{{ indicator_note }}")
    _table(doc, INDICATOR_COLUMNS, "i in indicators")
    L.heading1(doc, "三、报告反映的问题")
    _bullets(doc, "problems")
    L.heading1(doc, "四、逾期事项")
    L.paragraph(doc, "{{ overdue_note }}")
    _table(doc, OVERDUE_COLUMNS, "o in overdue")
    L.heading1(doc, "五、需会议研究决定的事项")
    L.tag(doc, "{%p for d in decisions %}")
    L.heading2(doc, "{{ d.heading }}")
    L.paragraph(doc, "{{ d.text }}")
    L.tag(doc, "{%p endfor %}")
    _signature(doc)
    _figure_notes(doc)


def _red_line(paragraph):
    """The red rule under the 红头 (a bottom border on the 文号 line)."""
    ppr = paragraph._element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "4"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def build_notice(doc, heading: str):
    L.paragraph(doc, "{{ issuer }}", font=L.TITLE_FONT, size=L.TITLE_SIZE, align=CENTER, indent=False, color=RED)
    _demo_note(doc)
    _red_line(L.paragraph(doc, "{{ document_number }}", align=CENTER, indent=False))
    L.paragraph(doc, "")
    L.title(doc, heading)
    L.paragraph(doc, "")
    L.paragraph(doc, "{{ unit }}：", indent=False)
    _bullets(doc, "paragraphs")
    L.table(doc, ["任务", "事项", "时限", "当前状态"],
            ["{{ i.task }}", "{{ i.title }}", "{{ i.deadline }}", "{{ i.state }}"], [30, 70, 28, 28], loop="i in items")
    L.paragraph(doc, "{{ closing }}")
    _signature(doc)


BUILDERS = {
    "monthly": build_monthly,
    "special": build_special,
    "stocktake": build_stocktake,
    "urge": lambda doc: build_notice(doc, "催办通知"),
    "supervise": lambda doc: build_notice(doc, "督办通知"),
}


def build(kind: str) -> bytes:
    doc = _new_document()
    BUILDERS[kind](doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def builtin_path(kind: str) -> Path:
    return TEMPLATE_DIR / f"{kind}.docx"


def builtin_bytes(kind: str) -> bytes:
    """The checked-in template; built in memory when the file is missing (a fresh checkout without data)."""
    path = builtin_path(kind)
    return path.read_bytes() if path.exists() else build(kind)


def write_all(directory: Path | None = None) -> list[Path]:
    directory = directory or TEMPLATE_DIR
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        path = directory / f"{kind}.docx"
        path.write_bytes(build(kind))
        written.append(path)
    return written
