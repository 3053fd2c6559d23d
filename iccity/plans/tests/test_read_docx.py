"""Word plans: body order, tables, headers/footers ignored, and automatic numbering rendered."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from iccity.plans.parsing.readers import read_bytes, read_document
from iccity.plans.parsing.readers.numbering import W_NS, Numbering, format_number
from iccity.plans.tests.docfixtures import PLAN_LEVELS, DocxTable, build_docx

SEED = Path(__file__).resolve().parents[3] / "data" / "xiqing-icc-action-plan-2023-2027.txt"


def lines_of(tmp_path, items, **kwargs) -> list[str]:
    return read_document(build_docx(tmp_path / "plan.docx", items, **kwargs)).lines


def test_plain_paragraphs_in_order(tmp_path):
    doc = read_document(build_docx(tmp_path / "plan.docx", ["西青区行动方案", "", "一、工作目标", "到2025年……"]))
    assert doc.source_format == "docx"
    assert doc.lines == ["西青区行动方案", "", "一、工作目标", "到2025年……"]
    assert doc.encoding == ""


def test_three_levels_of_automatic_numbering(tmp_path):
    items = [
        "西青区加快建设国际消费中心城市行动方案",
        ("工作目标", {"level": 0}),
        "到2025年，我区国际知名度全面提升。",
        ("重点任务", {"level": 0}),
        ("提升载体能级", {"level": 1}),
        ("做强区域核心商圈。", {"level": 2}),
        ("打造特色商业街区。", {"level": 2}),
        ("丰富消费供给", {"level": 1}),
        ("培育津农精品。", {"level": 2}),
        ("保障措施", {"level": 0}),
    ]
    doc = read_document(build_docx(tmp_path / "plan.docx", items))
    assert doc.lines == [
        "西青区加快建设国际消费中心城市行动方案",
        "一、工作目标",
        "到2025年，我区国际知名度全面提升。",
        "二、重点任务",
        "（一）提升载体能级",
        "1.做强区域核心商圈。",
        "2.打造特色商业街区。",
        "（二）丰富消费供给",
        "1.培育津农精品。",  # level 2 restarts when level 1 advances
        "三、保障措施",
    ]
    assert any("自动编号" in note for note in doc.notes)


def test_level_1_restarts_after_level_0_advances(tmp_path):
    items = [("目标", {"level": 0}), ("甲", {"level": 1}), ("乙", {"level": 1}),
             ("任务", {"level": 0}), ("丙", {"level": 1}), ("丁", {"level": 2})]
    assert lines_of(tmp_path, items) == ["一、目标", "（一）甲", "（二）乙", "二、任务", "（一）丙", "1.丁"]


def test_counting_past_ten(tmp_path):
    items = [(f"任务{i}", {"level": 1}) for i in range(1, 23)]
    lines = lines_of(tmp_path, items)
    assert lines[9] == "（十）任务10"
    assert lines[10] == "（十一）任务11"
    assert lines[19] == "（二十）任务20"
    assert lines[21] == "（二十二）任务22"


def test_start_override(tmp_path):
    items = [
        ("一号", {"level": 1}),
        ("二号", {"level": 1}),
        ("从五开始", {"level": 1, "restart": 5}),  # a new w:num with <w:startOverride w:val="5"/>
        ("接着", {"level": 1}),
        ("新的列表", {"level": 0, "restart": True}),
    ]
    assert lines_of(tmp_path, items) == ["（一）一号", "（二）二号", "（五）从五开始", "（六）接着", "一、新的列表"]


def test_numbering_inherited_from_paragraph_style(tmp_path):
    items = [("工作目标", {"level": 0, "via_style": True}), ("载体", {"level": 1, "via_style": True}),
             ("重点任务", {"level": 0, "via_style": True})]
    assert lines_of(tmp_path, items) == ["一、工作目标", "（一）载体", "二、重点任务"]


def test_num_id_zero_and_unknown_num_id_give_no_number(tmp_path):
    items = [("甲", {"level": 0}), ("无编号", {"num_id": 0}), ("未定义", {"num_id": 999}), ("乙", {"level": 0})]
    assert lines_of(tmp_path, items) == ["一、甲", "无编号", "未定义", "二、乙"]


@pytest.mark.parametrize("fmt, text, expected", [
    ("chineseCounting", "%1、", ["一、", "二、", "三、"]),
    ("chineseCountingThousand", "%1、", ["一、", "二、", "三、"]),
    ("japaneseCounting", "%1、", ["一、", "二、", "三、"]),
    ("taiwaneseCountingThousand", "第%1条", ["第一条", "第二条", "第三条"]),
    ("ideographTraditional", "%1、", ["甲、", "乙、", "丙、"]),
    ("decimal", "%1.", ["1.", "2.", "3."]),
    ("decimal", "%1、", ["1、", "2、", "3、"]),
    ("decimal", "（%1）", ["（1）", "（2）", "（3）"]),
    ("decimalFullWidth", "%1．", ["１．", "２．", "３．"]),
    ("decimalEnclosedCircleChinese", "%1", ["①", "②", "③"]),
    ("decimalEnclosedCircle", "%1", ["①", "②", "③"]),
    ("decimalEnclosedParen", "%1", ["⑴", "⑵", "⑶"]),
    ("chineseCounting", "（%1）", ["（一）", "（二）", "（三）"]),
    ("upperRoman", "%1.", ["I.", "II.", "III."]),
    ("lowerLetter", "%1)", ["a)", "b)", "c)"]),
    ("bullet", "\uf06c", ["", "", ""]),
    ("none", "", ["", "", ""]),
])
def test_number_formats(tmp_path, fmt, text, expected):
    items = [(t, {"level": 0}) for t in ("甲", "乙", "丙")]
    lines = lines_of(tmp_path, items, numbering=[(fmt, text)])
    assert lines == [prefix + t for prefix, t in zip(expected, ("甲", "乙", "丙"))]


def test_multi_level_text_and_custom_start(tmp_path):
    levels = [("decimal", "%1."), ("decimal", "%1.%2"), ("chineseCounting", "第%3节", 3)]
    items = [("总则", {"level": 0}), ("范围", {"level": 1}), ("细则", {"level": 2}), ("定义", {"level": 1}),
             ("分则", {"level": 0}), ("适用", {"level": 1})]
    assert lines_of(tmp_path, items, numbering=levels) == [
        "1.总则", "1.1范围", "第三节细则", "1.2定义", "2.分则", "2.1适用",
    ]


def test_two_lists_count_separately(tmp_path):
    lists = {"plan": PLAN_LEVELS, "circles": [("decimalEnclosedCircle", "%1")]}
    items = [("目标", {"level": 0}), ("甲", {"level": 0, "list": "circles"}),
             ("乙", {"level": 0, "list": "circles"}), ("任务", {"level": 0})]
    assert lines_of(tmp_path, items, numbering=lists) == ["一、目标", "①甲", "②乙", "二、任务"]


def test_table_cells_row_by_row_in_body_order(tmp_path):
    items = [
        ("重点任务", {"level": 0}),
        DocxTable(rows=[
            ["序号", "任务", "责任单位"],
            ["1", ["做强区域核心商圈。", "（责任单位：区商务局）"], "区商务局、中北镇"],
            ["2", ("打造特色商业街区。", {"level": 2}), "杨柳青镇"],
        ]),
        ("保障措施", {"level": 0}),
    ]
    doc = read_document(build_docx(tmp_path / "plan.docx", items))
    assert doc.lines == [
        "一、重点任务",
        "序号", "任务", "责任单位",
        "1", "做强区域核心商圈。", "（责任单位：区商务局）", "区商务局、中北镇",
        "2", "1.打造特色商业街区。", "杨柳青镇",
        "二、保障措施",
    ]
    assert any("表格" in note for note in doc.notes)


def test_merged_cells_are_read_once(tmp_path):
    from docx import Document

    document = Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "合并的标题"
    for col, text in enumerate(["甲", "乙", "丙"]):
        table.cell(1, col).text = text
    path = tmp_path / "merged.docx"
    document.save(str(path))
    assert read_document(path).lines == ["合并的标题", "甲", "乙", "丙"]


def test_header_and_footer_are_ignored(tmp_path):
    items = ["一、工作目标", "到2025年，我区国际知名度全面提升。"]
    lines = lines_of(tmp_path, items, header="天津市西青区人民政府文件", footer="- {PAGE} -")
    assert lines == items


def test_line_breaks_tracked_changes_hidden_text_and_content_controls(tmp_path):
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = Document()
    paragraph = document.add_paragraph("第一行")
    paragraph.add_run().add_break()
    paragraph.add_run("第二行")
    body = document.element.body
    sect = body[-1]
    for xml in (
        # tracked insertion counts, tracked deletion does not
        '<w:p {ns}><w:r><w:t>保留</w:t></w:r><w:ins w:id="1" w:author="a"><w:r><w:t>插入</w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="a"><w:r><w:delText>删除</w:delText></w:r></w:del></w:p>',
        # hidden run
        '<w:p {ns}><w:r><w:t>可见</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r></w:p>',
        # block-level content control and hyperlink
        '<w:sdt {ns}><w:sdtContent><w:p><w:hyperlink><w:r><w:t>控件内文字</w:t></w:r></w:hyperlink></w:p>'
        '</w:sdtContent></w:sdt>',
    ):
        sect.addprevious(parse_xml(xml.format(ns=nsdecls("w"))))
    path = tmp_path / "edits.docx"
    document.save(str(path))
    assert read_document(path).lines == ["第一行", "第二行", "保留插入", "可见", "控件内文字"]


def test_content_decides_not_extension(tmp_path):
    data = build_docx(tmp_path / "plan.docx", ["一、工作目标"]).read_bytes()
    doc = read_bytes(data, "plan.doc")
    assert doc.source_format == "docx"
    assert doc.lines == ["一、工作目标"]
    assert any(".doc" in note for note in doc.notes)


def test_seed_plan_round_trip(tmp_path):
    if not SEED.exists():
        pytest.skip(f"seed plan missing: {SEED}")
    paragraphs = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    doc = read_document(build_docx(tmp_path / "seed.docx", paragraphs))
    assert doc.lines == paragraphs


# --- the numbering engine on hand-written numbering.xml ------------------------------------------------------

def _numbering_xml(body: str) -> etree._Element:
    return etree.fromstring(f'<w:numbering xmlns:w="{W_NS}">{body}</w:numbering>')


def _p(num_id: int | None = None, ilvl: int | None = None, style: str | None = None) -> etree._Element:
    ppr = ""
    if style:
        ppr += f'<w:pStyle w:val="{style}"/>'
    if num_id is not None:
        ppr += "<w:numPr>" + (f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else "") + f'<w:numId w:val="{num_id}"/></w:numPr>'
    return etree.fromstring(f'<w:p xmlns:w="{W_NS}"><w:pPr>{ppr}</w:pPr></w:p>')


ABSTRACT = (
    '<w:abstractNum w:abstractNumId="7">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/>'
    '<w:pStyle w:val="Task"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:lvlRestart w:val="0"/><w:numFmt w:val="decimalEnclosedCircle"/>'
    '<w:lvlText w:val="%3"/></w:lvl>'
    '<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:isLgl/>'
    '<w:lvlText w:val="%1.%4"/></w:lvl>'
    '</w:abstractNum>'
)


def test_instances_of_one_list_continue_each_other():
    numbering = Numbering(_numbering_xml(ABSTRACT + '<w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>'
                                         '<w:num w:numId="2"><w:abstractNumId w:val="7"/></w:num>'), None)
    assert [numbering.label(_p(n, 0)) for n in (1, 1, 2, 1)] == ["一、", "二、", "三、", "四、"]


def test_lvl_restart_zero_never_restarts_and_is_lgl_shows_arabic():
    numbering = Numbering(_numbering_xml(ABSTRACT + '<w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>'), None)
    labels = [numbering.label(_p(1, ilvl)) for ilvl in (0, 2, 2, 0, 2, 3)]
    assert labels == ["一、", "①", "②", "二、", "③", "2.1"]


def test_level_bound_to_a_style_and_style_inheritance():
    styles = etree.fromstring(
        f'<w:styles xmlns:w="{W_NS}">'
        '<w:style w:type="paragraph" w:styleId="Task"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="TaskBold"><w:basedOn w:val="Task"/></w:style>'
        '</w:styles>'
    )
    numbering = Numbering(_numbering_xml(ABSTRACT + '<w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>'), styles)
    # The style gives numId but no ilvl: the level whose w:pStyle is "Task" (level 1) applies.
    assert [numbering.label(_p(style=s)) for s in ("Task", "TaskBold", "Other")] == ["1.", "2.", ""]


def test_num_style_link_and_level_override():
    styles = etree.fromstring(
        f'<w:styles xmlns:w="{W_NS}"><w:style w:type="numbering" w:styleId="PlanList">'
        '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style></w:styles>'
    )
    xml = _numbering_xml(
        ABSTRACT + '<w:abstractNum w:abstractNumId="8"><w:numStyleLink w:val="PlanList"/></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="8"/></w:num>'
        '<w:num w:numId="3"><w:abstractNumId w:val="7"/><w:lvlOverride w:ilvl="0">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="第%1章"/></w:lvl>'
        '</w:lvlOverride></w:num>'
    )
    numbering = Numbering(xml, styles)
    assert numbering.label(_p(2, 0)) == "一、"   # through the style link into abstractNum 7
    assert numbering.label(_p(1, 0)) == "二、"   # same counters
    assert numbering.label(_p(3, 0)) == "第3章"  # overridden level definition, shared counter


@pytest.mark.parametrize("n, fmt, expected", [
    (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"), (20, "chineseCounting", "二十"),
    (99, "chineseCounting", "九十九"), (100, "chineseCounting", "一〇〇"),
    (101, "chineseCountingThousand", "一百零一"), (110, "chineseCountingThousand", "一百一十"),
    (1005, "chineseCountingThousand", "一千零五"), (15, "chineseCountingThousand", "十五"),
    (12, "chineseLegalSimplified", "壹拾贰"), (21, "ideographDigital", "二一"),
    (21, "decimalEnclosedCircle", "21"), (20, "decimalEnclosedCircleChinese", "⑳"),
    (28, "upperLetter", "BB"), (14, "lowerRoman", "xiv"), (3, "decimalZero", "03"),
    (11, "ideographTraditional", "11"), (5, "unknownFormat", "5"),
])
def test_format_number(n, fmt, expected):
    assert format_number(n, fmt) == expected
