"""Plans written by other authorities: each format of the genre on a small fixture written for it
(fixtures/genre/), and a task table in a real .docx with merged cells and a repeated header row."""
from pathlib import Path

import pytest

from iccity.plans.parsing import PlanParseError, parse_file
from iccity.plans.parsing.result import CO, LEAD
from iccity.plans.parsing.structure import parse_text

GENRE = Path(__file__).parent / "fixtures" / "genre"


def units(task):
    return [(u.name, u.role) for u in task.units]


def test_prose_roles_tiers_collectives_and_standing_rule():
    plan = parse_file(GENRE / "prose_roles.txt")
    assert (plan.title, plan.issuer, plan.date) == ("某省促进文旅消费若干措施", "某省人民政府办公厅", "2024-03-05")
    assert [t.title for t in plan.tasks] == ["丰富节庆消费活动", "提升景区服务水平", "发展夜间经济", "扩大体育消费",
                                            "优化消费环境", "加强统计监测"]
    all_counties = ("各市、县人民政府", CO)
    # "X、Y等按职责分工负责": no lead named, so the first listed leads; 等 dropped with a warning
    assert units(plan.tasks[0]) == [("省文化和旅游厅", LEAD), ("省商务厅", CO), ("省财政厅", CO), all_counties]
    assert not plan.tasks[0].units[0].role_explicit
    # "X牵头负责，Y组织落实" and the standing rule printed in item 一 (not in this item's bracket)
    assert units(plan.tasks[1]) == [("省文化和旅游厅", LEAD), ("省发展改革委", CO), ("省交通运输厅", CO), all_counties]
    assert plan.tasks[1].units[0].role_explicit and not plan.tasks[1].units[-1].printed
    assert units(plan.tasks[2]) == [("省商务厅", LEAD), ("省公安厅", CO), ("省住房城乡建设厅", CO), all_counties]
    assert units(plan.tasks[3]) == [("省体育局", LEAD), ("省教育厅", CO), all_counties]           # X会同Y负责
    assert units(plan.tasks[4]) == [("省市场监管局", LEAD), all_counties]
    # "…等和各有关市人民政府负责": the collective after 等和 is kept; the closing paragraph is not part of item 六
    assert units(plan.tasks[5])[:4] == [("省统计局", LEAD), ("省文化和旅游厅", CO), ("国家统计局某调查总队", CO),
                                        ("各有关市人民政府", CO)]
    assert "各地各部门" not in plan.tasks[5].text
    messages = [w.message for w in plan.warnings]
    assert any("通用规定" in m and "各市、县人民政府" in m for m in messages)
    assert sum("名单不完整" in m for m in messages) == 2
    assert plan.tasks[1].deadline == "2024-12-31" and plan.tasks[1].deadline_text == "2024年底前"
    assert plan.tasks[5].deadline == "2025-12-31"


def test_task_level_is_the_level_carrying_units_not_the_first_numbered_one():
    plan = parse_file(GENRE / "deep_level.txt")
    assert plan.title == "某市商贸流通发展三年行动计划（2012—2014年）" and plan.date == "2012-06-18"
    # 基本原则 (一)(二) and 实施步骤 1.–3. carry no units: not tasks; the （一） headings are groups
    assert [g.title for g in plan.groups] == ["完善商业网点布局", "发展现代流通方式"]
    assert [t.title for t in plan.tasks] == ["编制商业网点规划", "建设区域商业中心", "推进连锁经营", "发展电子商务",
                                            "发展第三方物流"]
    assert [t.group for t in plan.tasks] == [1, 1, 2, 2, 2]
    assert units(plan.tasks[0]) == [("市商务委", LEAD), ("市规划局", CO), ("市国土局", CO)]
    assert units(plan.tasks[1]) == [("市商务委", LEAD), ("各区、县级市人民政府", CO)]
    # three tiers: 牵头 / 责任 / 配合
    assert units(plan.tasks[2]) == [("市商务委", LEAD), ("市工商局", CO), ("市财政局", CO)]
    # 〔…〕 label on its own paragraph after the item, half-width colon and semicolon
    assert units(plan.tasks[3]) == [("市经信委", LEAD), ("市商务委", CO), ("市科技局", CO)]
    # an item of the task level without units is still an item, to be assigned by the office
    assert plan.tasks[4].units == [] and plan.tasks[4].confidence < 0.8
    assert plan.tasks[0].deadline == "2012-12-31"
    assert [m.title for m in plan.measures] == ["加强组织领导", "加大资金支持"]


def test_document_without_units_parses_to_items_without_units():
    plan = parse_file(GENRE / "unitless.txt")
    assert [t.title for t in plan.tasks] == ["完善便民网点", "发展特色小店", "推动数字化改造"]
    assert all(t.units == [] for t in plan.tasks)
    assert sum("未识别到责任单位" in w.message for w in plan.warnings) == 3


def test_document_without_items_is_refused():
    with pytest.raises(PlanParseError, match="未识别到任何任务条目"):
        parse_text("某区工作总结\n今年以来，我区认真贯彻落实各项决策部署。\n下一步，我们将继续努力。\n")


def test_flattened_table_with_merged_cells_categories_and_repeated_header():
    plan = parse_file(GENRE / "flattened_table.txt")
    assert [g.title for g in plan.groups] == ["一、商圈提升", "二、消费环境"]
    assert [t.printed_number for t in plan.tasks] == ["1", "2", "3", "4", "5"]
    assert [t.group for t in plan.tasks] == [1, 1, 1, 2, 2]
    assert units(plan.tasks[0]) == [("区商务局", LEAD), ("区住建委", CO), ("区城管委", CO)]
    # row 3 prints no unit: merged cells, the units above are taken, flagged for review
    assert units(plan.tasks[2]) == units(plan.tasks[1])
    assert all(not u.printed and u.confidence < 0.8 for u in plan.tasks[2].units)
    assert any("合并单元格" in w.message for w in plan.warnings)
    assert plan.tasks[0].units[0].reason == "表格列“牵头单位”"
    # 完成时限 column → proposed deadlines
    assert [t.deadline for t in plan.tasks] == ["2024-12-31", None, "2025-06-30", None, "2025-12-31"]
    assert plan.tasks[3].deadline_text == "长期坚持"
    assert units(plan.tasks[4]) == [("区交通局", LEAD), ("区住建委", CO), ("各街镇", CO)]   # after the repeated header


def test_metadata_block_forwarding_notice_annex_phases_and_deadlines():
    plan = parse_file(GENRE / "furniture.txt")
    assert (plan.title, plan.issuer, plan.date) == ("某县县域商业体系建设实施方案", "某县人民政府办公室", "2023-05-10")
    assert plan.metadata["发文字号"] == "某政办发〔2023〕12号"
    assert [t.title for t in plan.tasks] == ["建设县级物流配送中心", "改造乡镇商贸中心", "发展农村电商"]
    assert [t.deadline for t in plan.tasks] == ["2023-12-31", "2024-12-31", None]
    assert [(m.title, m.start, m.due) for m in plan.milestones] == [
        ("全面推进阶段", "2023-01-01", "2024-12-31"), ("巩固提升阶段", "2025-01-01", "2025-12-31")]
    assert "索引号" not in " ".join(t.text for t in plan.tasks)


def test_confidence_and_reason_on_items_and_assignments():
    plan = parse_file(GENRE / "deep_level.txt")
    unit = plan.tasks[0].units[0]
    assert unit.reason == "标注“牵头单位”" and unit.confidence >= 0.9
    assert plan.tasks[0].reason == "该层级条目写明了责任单位"
    prose = parse_file(GENRE / "prose_roles.txt").tasks[1].units[0]
    assert "牵头负责" in prose.reason


def test_docx_task_table_with_vertically_merged_cells_and_repeated_header(tmp_path):
    from docx import Document

    from iccity.plans.parsing import parse_bytes

    document = Document()
    document.add_paragraph("某区商贸重点任务分工方案")
    header = ["序号", "重点任务", "牵头单位", "责任单位", "完成时限"]
    rows = [header,
            ["1", "建设智慧商圈。", "区商务局", "区工信局、区数据局", "2025年底前"],
            ["2", "发展首店经济。", "", "区市场监管局", "2026年6月底前"],
            header,
            ["3", "培育夜间经济。", "区文旅局", "区公安分局、各街道", "长期坚持"]]
    table = document.add_table(rows=len(rows), cols=len(header))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value:
                table.cell(r, c).text = value
    table.cell(1, 2).merge(table.cell(2, 2))         # 牵头单位 of rows 1–2 is one merged cell
    table.cell(1, 2).text = "区商务局"
    path = tmp_path / "table.docx"
    document.save(str(path))
    plan = parse_bytes(path.read_bytes(), "table.docx")
    assert [t.title for t in plan.tasks] == ["建设智慧商圈", "发展首店经济", "培育夜间经济"]
    assert units(plan.tasks[0]) == [("区商务局", LEAD), ("区工信局", CO), ("区数据局", CO)]
    assert units(plan.tasks[1]) == [("区商务局", LEAD), ("区市场监管局", CO)]
    assert not plan.tasks[1].units[0].printed and plan.tasks[1].units[1].printed
    assert units(plan.tasks[2]) == [("区文旅局", LEAD), ("区公安分局", CO), ("各街道", CO)]
    assert [t.deadline for t in plan.tasks] == ["2025-12-31", "2026-06-30", None]


def test_trailing_bracket_of_bare_unit_names_is_a_label_but_other_brackets_are_not():
    plan = parse_text("某区促消费措施\n一、举办购物节。组织商场开展促销。（区商务局、区财政局）\n"
                      "二、发展夜经济。打造夜间消费地标（详见附件2）。（区文旅局）\n"
                      "三、改善路况。路面技术状况指数（PQI）稳步提升（2023—2025年）。\n")
    assert [[u.name for u in t.units] for t in plan.tasks] == [["区商务局", "区财政局"], ["区文旅局"], []]
    assert plan.tasks[0].units[0].confidence < 0.8


def test_text_export_of_a_table_with_tabs_between_cells():
    text = ("某区重点任务清单\n序号\t重点任务\t责任单位\t完成时限\n1\t建设智慧商圈。\t区商务局、区数据局\t2025年底前\n"
            "2\t发展首店经济。\t区市场监管局\t2026年6月底前\n")
    plan = parse_text(text)
    assert [(t.title, [u.name for u in t.units], t.deadline) for t in plan.tasks] == [
        ("建设智慧商圈", ["区商务局", "区数据局"], "2025-12-31"), ("发展首店经济", ["区市场监管局"], "2026-06-30")]


def test_labels_at_two_levels_take_the_deeper_items_as_tasks():
    plan = parse_text("某市方案\n一、重点任务\n（一）壮大商圈。（牵头单位：市商务局）\n"
                      "1.改造步行街。（牵头单位：市商务局；配合单位：市住建局）\n2.建设夜市。（牵头单位：市文旅局）\n"
                      "（二）培育品牌。\n1.推广老字号。（牵头单位：市商务局）\n2.发展首店。（牵头单位：市商务局）\n")
    assert [t.title for t in plan.tasks] == ["改造步行街", "建设夜市", "推广老字号", "发展首店"]
    assert [g.title for g in plan.groups] == ["壮大商圈", "培育品牌"]


@pytest.mark.parametrize("a, b", [("经济技术开发区", "经开区"), ("区人民政府", "区政府"), ("各区人民政府", "各区政府"),
                                  ("临港新片区管理委员会", "临港新片区管委会")])
def test_registry_matches_short_forms_of_one_body(a, b):
    from iccity.orgs.registry import canonical_key

    assert canonical_key(a) == canonical_key(b)
    assert canonical_key("中北镇人民政府") == canonical_key("中北镇")


def test_unitless_document_reads_the_finest_numbered_items_and_keeps_long_item_titles():
    plan = parse_text("某市整治方案\n一、工作目标\n到2025年，隐患基本消除。\n二、基本步骤\n1.动员部署。做好部署。\n"
                      "2.集中整治。全面整治。\n三、突出重点开展攻坚\n（一）整治经营风险\n1.对无证经营的企业依法关停。\n"
                      "2.对违规充装的企业依法处罚。\n（二）整治设施风险\n3.对老化管道限期改造。\n4.对问题气瓶依法查处。\n"
                      "四、保障困难群众基本生活需求。做好困难群众帮扶。\n五、保障措施\n（一）加强组织领导。成立专班。\n")
    assert [t.title for t in plan.tasks] == ["对无证经营的企业依法关停", "对违规充装的企业依法处罚", "对老化管道限期改造",
                                            "对问题气瓶依法查处", "保障困难群众基本生活需求"]
    assert [g.title for g in plan.groups][:2] == ["整治经营风险", "整治设施风险"]
    assert all(not t.units for t in plan.tasks) and [m.title for m in plan.measures] == ["加强组织领导"]


def test_labels_on_consecutive_lines_and_completion_time_inside_a_label():
    plan = parse_text("某市方案\n一、重点任务\n（一）推进A。做好A工作。\n牵头单位：市发展改革委\n配合单位：市财政局、市商务局\n"
                      "（二）推进B。做好B工作。（责任单位：市商务局牵头，各区人民政府、市有关部门按职责分工负责；"
                      "完成时限：2024年12月）\n（三）推进C。做好C工作，2023年底前启动。责任单位：市商务局；完成时限：2025年底前。\n")
    assert [units(t) for t in plan.tasks] == [
        [("市发展改革委", LEAD), ("市财政局", CO), ("市商务局", CO)],
        [("市商务局", LEAD), ("各区人民政府", CO), ("市有关部门", CO)],
        [("市商务局", LEAD)]]
    assert [(t.deadline, t.deadline_text) for t in plan.tasks] == [
        (None, ""), ("2024-12-31", "2024年12月"), ("2025-12-31", "2025年底前")]


def test_standing_rules_in_the_preamble_or_an_items_own_bracket_apply_from_there_on():
    plan = parse_text("某市方案\n各项任务均涉及各区，不再一一列出，下同。\n一、推进A。做好A工作。（市商务局牵头，市财政局参与）\n"
                      "二、推进B。做好B工作。（市文旅局、市体育局分别负责）\n"
                      "三、推进C。做好C工作（具体任务均需各街道落实，不再列出，下同）。（市商务局负责）\n")
    assert [[(u.name, u.printed) for u in t.units if not u.printed] for t in plan.tasks] == [
        [("各区", False)], [("各区", False)], [("各区", False), ("各街道", False)]]
    assert units(plan.tasks[1])[:2] == [("市文旅局", LEAD), ("市体育局", CO)]
    assert sum("通用规定" in w.message for w in plan.warnings) == 2


def test_a_group_whose_only_label_sits_on_its_last_item_is_still_a_group():
    plan = parse_text("某区方案\n一、主要任务\n（一）完善体制\n1.强化区级责任。做好统筹。（责任单位：区发展改革委）\n"
                      "2.落实属地责任。做好落实。（责任单位：区交通委、各街镇）\n"
                      "（二）强化资金管理\n1.明确出资比例。县道由区级承担。\n2.明确列支途径。纳入预算。\n"
                      "3.加强资金监管。做好监管。（责任单位：区财政局）\n")
    assert [t.title for t in plan.tasks] == ["强化区级责任", "落实属地责任", "明确出资比例", "明确列支途径", "加强资金监管"]
    assert [units(t)[:1] for t in plan.tasks] == [[("区发展改革委", LEAD)], [("区交通委", LEAD)], [], [],
                                                 [("区财政局", LEAD)]]


def test_headed_labels_in_lenticular_brackets():
    plan = parse_text("某市方案\n一、推进A。做好A工作。【牵头单位】市商务局【配合单位】市财政局、市发展改革委\n"
                      "二、推进B。做好B工作。【责任单位】市文旅局\n")
    assert [units(t) for t in plan.tasks] == [[("市商务局", LEAD), ("市财政局", CO), ("市发展改革委", CO)],
                                              [("市文旅局", LEAD)]]
    assert plan.tasks[0].measures == ["做好A工作"]


def test_with_phrase_makes_the_first_unit_lead():
    plan = parse_text("某市方案\n一、推进A。做好A工作。由市商务局会同市财政局、各区政府组织实施。\n"
                      "二、推进B。做好B工作。（市文旅局会同有关部门负责）\n")
    assert [units(t) for t in plan.tasks] == [[("市商务局", LEAD), ("市财政局", CO), ("各区政府", CO)],
                                              [("市文旅局", LEAD), ("有关部门", CO)]]
    assert plan.tasks[0].units[0].role_explicit and "会同" in plan.tasks[0].units[0].reason


def test_forwarding_notice_with_its_own_numbered_points_and_attachment_line():
    plan = parse_text("某区人民政府办公室关于印发某区促消费实施方案的通知\n各镇人民政府，区政府各部门：\n"
                      "一、高度重视。请各单位认真组织实施。\n二、抓好落实。请按要求报送进展。\n附件：某区促消费实施方案\n"
                      "某区人民政府办公室\n2024年3月1日\n某区促消费实施方案\n一、总体要求\n坚持稳中求进。\n二、重点任务\n"
                      "（一）举办购物节。组织促销。（责任单位：区商务局）\n"
                      "（二）发展夜经济。打造地标。（责任单位：区文旅局、各镇人民政府）\n三、保障措施\n（一）加强领导。成立专班。\n")
    assert (plan.title, plan.issuer, plan.date) == ("某区促消费实施方案", "某区人民政府办公室", "2024-03-01")
    assert [(t.title, units(t)) for t in plan.tasks] == [
        ("举办购物节", [("区商务局", LEAD)]), ("发展夜经济", [("区文旅局", LEAD), ("各镇人民政府", CO)])]
    assert [m.title for m in plan.measures] == ["加强领导"]


def test_leaders_named_in_a_label_are_not_units_and_table_unit_cells_may_span_paragraphs():
    plan = parse_text("某区方案\n一、推进A。做好A。（牵头领导：张三；牵头单位：区商务局；配合单位：区财政局）\n")
    assert units(plan.tasks[0]) == [("区商务局", LEAD), ("区财政局", CO)]
    table = parse_text("某区清单\n序号\n重点任务\n责任单位\n1\n建设商圈。\n市商务局（牵头）\n各县（市、区）人民政府\n"
                       "2\n发展夜经济。\n市文旅局\n")
    assert [units(t) for t in table.tasks] == [[("市商务局", LEAD), ("各县（市、区）人民政府", CO)], [("市文旅局", LEAD)]]


def test_a_goals_section_whose_items_carry_units_gives_items():
    plan = parse_text("某区方案\n一、主要目标\n（一）社零总额增长6%。做好监测。（责任单位：区商务局）\n"
                      "（二）新增首店20家。做好招引。（责任单位：区商务局、区招商专班）\n二、保障措施\n（一）加强领导。成立专班。\n")
    assert [t.title for t in plan.tasks] == ["社零总额增长6%", "新增首店20家"]
    assert plan.goals == []
