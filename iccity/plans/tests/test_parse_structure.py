"""Structure parser on small documents of the genre (fixtures written for these tests, not the seed)."""
from decimal import Decimal
from pathlib import Path

import pytest

from iccity.plans.parsing.errors import PlanParseError
from iccity.plans.parsing.result import CO, LEAD
from iccity.plans.parsing.structure import parse_lines, parse_text
from iccity.plans.parsing.text import (chinese_to_int, clean_line, fold, is_page_number_line, join_lines,
                                       split_sentences)

FIXTURES = Path(__file__).parent / "fixtures"


def load(name):
    return parse_text((FIXTURES / name).read_text(encoding="utf-8"))


def unit_names(item):
    return [u.name for u in item.units]


# --- text helpers -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("line", ["- 3 -", "— 3 —", "－ 3 －", "－3－", "—12—", "第3页", "第 3 页 共 14 页", "3",
                                  " 12 ", "3/14", "－ ３ －"])
def test_page_number_lines(line):
    assert is_page_number_line(line) and clean_line(line) == ""


@pytest.mark.parametrize("line", ["2023—2027年", "3.5亿元", "1. 做强商圈", "一、工作目标", "控制在3%—5%"])
def test_not_page_number_lines(line):
    assert not is_page_number_line(line) and clean_line(line)


@pytest.mark.parametrize("raw, clean", [
    ("交付中 - 3 - 心，打造", "交付中心，打造"),
    ("交付中－3－心", "交付中心"),
    ("交付中 — 12 — 心", "交付中心"),
    ("第1—3季度，3—5个", "第1—3季度，3—5个"),
    ("坚持——3项原则", "坚持——3项原则"),
    ("到 2025年，区 商务局", "到2025年，区商务局"),
    ("AR /VR 全息投影", "AR/VR全息投影"),
    ("Hello World 项目", "Hello World项目"),
    ("2023年 12月 29日", "2023年12月29日"),
    ("\u3000\u3000各镇人民政府：", "各镇人民政府："),
])
def test_clean_line(raw, clean):
    assert clean_line(raw) == clean


def test_join_and_fold_helpers():
    assert join_lines(["区农业农", "村委"]) == "区农业农村委"
    assert join_lines(["Hello", "World"]) == "Hello World"
    assert fold("(责任单位:１２)") == "（责任单位：12）" and len(fold("（責任單位")) == 5
    assert [s for _, s in split_sentences("甲（乙。丙）丁。“戊。”己；庚")] == ["甲（乙。丙）丁。", "“戊。”己；", "庚"]
    assert (chinese_to_int("二十一"), chinese_to_int("二〇二三"), chinese_to_int("十")) == (21, 2023, 10)


# --- fixture: header, ASCII punctuation, restart numbering, label variants, page marker in a unit name ----------

def test_restart_fixture_header():
    plan = load("restart_ascii_header.txt")
    assert plan.title == "示范区促进消费提质扩容实施方案"      # not the 通知 title, not the 文号
    assert plan.issuer == "天津市示范区人民政府办公室"
    assert plan.date == "2024-03-15"                            # Chinese numeral date


def test_restart_fixture_tasks():
    plan = load("restart_ascii_header.txt")
    assert [(g.number, g.title) for g in plan.groups] == [(1, "建设消费载体"), (2, "培育消费热点")]
    assert [(t.number, t.group, t.title) for t in plan.tasks] == [
        (1, 1, "打造城市商圈"), (2, 1, "发展社区商业"), (3, 2, "发展夜间经济"), (4, 2, "促进文旅消费")]
    t1, t2, t3, t4 = plan.tasks
    assert [(u.name, u.role, u.role_explicit) for u in t1.units] == [
        ("区商务局", LEAD, True), ("区住建委", CO, True), ("市交通委（市道运局）", CO, True), ("区文旅局", CO, True)]
    assert [(u.name, u.role) for u in t2.units] == [("区商务局", LEAD), ("区民政局", CO), ("区市场监管局", CO)]
    assert unit_names(t3) == ["区文旅局", "区商务局", "区城管委"]
    assert unit_names(t4) == ["区文旅局", "区农业农村委", "各镇人民政府和街道办事处"]   # page marker inside the name
    assert "— 5 —" not in t4.text and "5" not in t4.text
    assert t4.measures == ["举办文化旅游节，推出精品线路，丰富乡村旅游产品"]
    assert [(m.title, unit_names(m)) for m in plan.measures] == [
        ("加强组织领导", ["区商务局"]), ("强化资金保障", ["区财政局", "区发展改革委"])]


def test_restart_fixture_goals_targets_warnings():
    plan = load("restart_ascii_header.txt")
    assert [g.year for g in plan.goals] == [2025, 2027]
    assert plan.goals[0].text.startswith("全区社会消费品零售总额突破500亿元")
    summary = [(t.owner_kind, t.task_number, t.year, t.kind, t.comparator, t.value) for t in plan.targets]
    assert summary == [
        ("goal", None, 2025, "threshold", ">", Decimal(500)),
        ("goal", None, 2025, "growth", ">=", Decimal(5)),
        ("goal", None, 2025, "sync", "sync", None),
        ("goal", None, 2027, "relative", "x", Decimal(2)),
        ("goal", None, 2027, "absolute", ">=", Decimal(10)),
        ("task", 2, 2025, "absolute", "=", Decimal(20)),
    ]
    # the only doubt in this document: the open-ended 等部门 list of task 3 (line 32)
    assert [(w.line, w.message) for w in plan.warnings] == [(32, "责任单位列表以“等部门”结尾，名单不完整")]


# --- fixture: themed sections, continuous (1)…(6) across groups, narrative labels, traditional, signature -----

def test_themed_fixture():
    plan = load("themed_narrative_continuous.txt")
    assert plan.title == "区推进文旅商贸融合发展三年行动计划（2024—2026年）"
    assert (plan.issuer, plan.date) == ("区文化和旅游局", "2024-01-08")
    assert [g.title for g in plan.groups] == ["提升消费供给", "优化消费环境"]
    assert [(t.number, t.group) for t in plan.tasks] == [(1, 1), (2, 1), (3, 2), (4, 2), (5, 2), (6, 2)]
    assert [t.title for t in plan.tasks] == ["丰富文旅产品", "培育本地品牌", "完善交通设施", "加强市场监管",
                                             "提升服务质量", "推进信用建设"]
    roles = [[(u.name, u.role, u.role_explicit) for u in t.units] for t in plan.tasks]
    assert roles[0] == [("区文旅局", LEAD, True), ("区教育局", CO, True), ("区体育局", CO, True)]
    assert roles[1] == [("区商务局", LEAD, True), ("区市场监管局", LEAD, True), ("区工信局", CO, True),
                        ("各街镇", CO, True)]
    assert roles[2] == [("区运管局", LEAD, True), ("公安分局交警支队", CO, True)]
    assert unit_names(plan.tasks[3]) == ["区市场监管局", "区商务局"]          # unbracketed 责任单位：…。
    assert unit_names(plan.tasks[4]) == ["区人社局", "区商务局"]              # 责任部门
    assert len(plan.tasks[5].units) == 2                                      # 責任單位 recognised
    # "3个板块" and "3、4月" at line starts are running text, not items
    assert "3个板块的精品路线体系" in plan.tasks[0].text and "3、4月赏花游" in plan.tasks[0].text
    assert plan.tasks[0].measures == ["开发研学旅游产品，重点打造3个板块的精品路线体系，形成3、4月赏花游等季节产品"]
    assert [m.title for m in plan.measures] == ["加强统筹协调", "加强宣传引导"]
    assert unit_names(plan.measures[0]) == ["领导小组各成员单位"]
    assert plan.measures[1].units == [] and "区文化和旅游局" not in plan.measures[1].text   # signature cut off
    assert [g.year for g in plan.goals] == [2026]
    assert [(t.kind, t.comparator, t.value, t.upper) for t in plan.targets] == [
        ("growth", "~", Decimal(6), None), ("percentage", ">=", Decimal(30), None),
        ("range", "between", Decimal(3), Decimal(5))]
    assert plan.warnings == []


# --- fixture: 第X条 articles with ① sub-points, each with its own label -------------------------------------

def test_articles_fixture():
    plan = load("articles_subitems.txt")
    assert plan.title == "关于加快发展首店经济的若干措施"
    assert [t.title for t in plan.tasks] == ["支持首店落地", "优化审批服务", "加强宣传推介"]
    assert plan.groups == [] and all(t.group is None for t in plan.tasks)
    assert [(u.name, u.role) for u in plan.tasks[0].units] == [("区商务局", LEAD), ("区财政局", CO)]
    assert unit_names(plan.tasks[1]) == ["区政务服务办", "区市场监管局", "区城管委"]
    assert [(t.task_number, t.value, t.unit) for t in plan.targets] == [(3, Decimal(50), "家")]
    assert plan.warnings == []


# --- numbering styles ---------------------------------------------------------------------------------------

STYLES = {
    "1.": ["1.", "2.", "3."], "1、": ["1、", "2、", "3、"], "１．": ["１．", "２．", "３．"], "１、": ["１、", "２、", "３、"],
    "（1）": ["（1）", "（2）", "（3）"], "(1)": ["(1)", "(2)", "(3)"], "①": ["①", "②", "③"],
    "第一条": ["第一条 ", "第二条 ", "第三条 "], "（一）": ["（一）", "（二）", "（三）"], "(一)": ["(一)", "(二)", "(三)"],
    "一、": ["一、", "二、", "三、"],
}


def _doc(prefixes, *, section=True):
    lines = ["示范区消费提升行动方案", "为促进消费，制定本方案。"]
    if section:
        lines.append("重点任务" if prefixes[0] == "一、" else "一、重点任务")
    units = ["区商务局", "区文旅局", "区体育局"]
    for prefix, unit in zip(prefixes, units):
        lines += [f"{prefix}推进任务{unit[1:3]}。内容甲，打造", "3个板块。内容乙。", f"（责任单位：{unit}、区财政局）"]
    return lines


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("section", [True, False])
def test_numbering_styles(style, section):
    plan = parse_lines(_doc(STYLES[style], section=section))
    assert [t.number for t in plan.tasks] == [1, 2, 3]
    assert [t.title for t in plan.tasks] == ["推进任务商务", "推进任务文旅", "推进任务体育"]
    assert [t.units[0].name for t in plan.tasks] == ["区商务局", "区文旅局", "区体育局"]
    assert plan.warnings == []


def test_out_of_sequence_number_is_reported():
    lines = ["一、重点任务", "1.甲任务。内容。（责任单位：区商务局）", "2.乙任务。内容。（责任单位：区文旅局）",
             "4.丁任务。内容。（责任单位：区体育局）"]
    plan = parse_lines(lines)
    assert [t.title for t in plan.tasks] == ["甲任务", "乙任务", "丁任务"]
    assert [t.number for t in plan.tasks] == [1, 2, 3]
    assert [(w.line, "编号不连续" in w.message) for w in plan.warnings] == [(4, True)]


def test_task_without_units_is_reported():
    plan = parse_lines(["一、重点任务", "1.甲任务。内容。（责任单位：区商务局）", "2.乙任务。内容没有单位。"])
    assert [(w.line, w.message) for w in plan.warnings] == [(3, "任务2“乙任务”未识别到责任单位")]


def test_title_on_its_own_line_and_label_broken_inside_keyword():
    lines = ["一、重点任务", "", "1. 做强核心商圈", "南站商圈依托科技商务区，打造核心商圈。（责", "", "- 4 -", "",
             "任单位：区商务局、区 协同办）", "2. 建强活力商圈。内容。（责任单", "位：区商务局）"]
    plan = parse_lines(lines)
    assert [t.title for t in plan.tasks] == ["做强核心商圈", "建强活力商圈"]
    assert plan.tasks[0].measures == ["南站商圈依托科技商务区，打造核心商圈"]
    assert unit_names(plan.tasks[0]) == ["区商务局", "区协同办"]
    assert plan.tasks[0].line == 3 and plan.tasks[1].line == 9


def test_goals_without_year_and_alternative_heading():
    plan = parse_lines(["一、总体目标", "全面提升消费能级，建成区域消费中心。", "二、主要任务",
                        "（一）甲任务。内容。（责任单位：区商务局）"])
    assert [(g.year, g.text) for g in plan.goals] == [(None, "全面提升消费能级，建成区域消费中心。")]
    assert [t.title for t in plan.tasks] == ["甲任务"] and plan.groups == []


def test_header_variants():
    lines = ["天津市示范区人民政府", "示范政发〔2023〕12号", "关于印发示范区夜间经济发展", "行动方案的通知",
             "各镇人民政府：", "现将《示范区夜间经济发展", "行动方案》印发给你们，请照此执行。", "二〇二三年十二月二十九日",
             "一、重点任务", "（一）甲任务。内容。（责任单位：区商务局）"]
    plan = parse_lines(lines)
    assert plan.title == "示范区夜间经济发展行动方案"
    assert plan.issuer == "天津市示范区人民政府"
    assert plan.date == "2023-12-29"


def test_no_task_raises_with_what_was_found():
    with pytest.raises(PlanParseError) as info:
        parse_text("示范区方案\n一、工作目标\n到2025年，全面提升。\n二、保障措施\n加强领导。\n")
    assert info.value.message == "未识别到任何任务条目"
    assert "5行" in info.value.found and "一、工作目标" in info.value.found


def test_empty_text_raises():
    with pytest.raises(PlanParseError):
        parse_text("\n\n- 1 -\n")


def test_task_with_sub_points_is_not_a_group_and_group_may_have_an_intro():
    lines = ["一、重点任务",
             "（一）提升载体能级。围绕核心商圈，推动提档升级。",
             "1.做强核心商圈。具体包括",
             "（1）改造步行街。", "（2）建设地标商业体。（责任单位：区商务局、区住建委）",
             "2.建设社区商业。完善网点。（责任单位：区商务局）",
             "（二）培育消费热点",
             "3.发展夜间经济。打造集聚区。（责任单位：区文旅局）"]
    plan = parse_lines(lines)
    assert [(g.number, g.title) for g in plan.groups] == [(1, "提升载体能级"), (2, "培育消费热点")]
    assert [(t.number, t.group, t.title) for t in plan.tasks] == [
        (1, 1, "做强核心商圈"), (2, 1, "建设社区商业"), (3, 2, "发展夜间经济")]
    assert plan.tasks[0].measures == ["具体包括（1）改造步行街", "（2）建设地标商业体"]
    assert unit_names(plan.tasks[0]) == ["区商务局", "区住建委"]
    assert plan.warnings == []


def test_seed_like_pdf_extraction_variants():
    """The seed with PDF-style damage: spaces around digits, page numbers every 20 lines, full-width numbers,
    ASCII label punctuation. The parse must not change."""
    seed = Path(__file__).resolve().parents[3] / "data" / "xiqing-icc-action-plan-2023-2027.txt"
    original = parse_text(seed.read_text(encoding="utf-8"))
    damaged = []
    for i, line in enumerate(seed.read_text(encoding="utf-8").splitlines()):
        line = line.replace("（责任单位：", "(责任单位:").replace("年", " 年 ")
        if line[:2] in {"8.", "9."}:
            line = {"8": "８．", "9": "９．"}[line[0]] + line[2:]
        damaged.append(line)
        if i % 20 == 19:
            damaged += ["", f"— {i // 20 + 2} —", ""]
    plan = parse_lines(damaged)
    assert [t.title for t in plan.tasks] == [t.title for t in original.tasks]
    assert [[u.name for u in t.units] for t in plan.tasks] == [[u.name for u in t.units] for t in original.tasks]
    assert [[u.name for u in m.units] for m in plan.measures] == [[u.name for u in m.units] for m in original.measures]
    assert (plan.title, plan.date, plan.warnings) == (original.title, original.date, [])
    assert [(t.subject, t.value, t.year) for t in plan.targets] == [("津农精品品牌", Decimal(25), 2027)]


def test_city_level_layout():
    """一、总体要求 / 二、主要目标 / 三、重点任务 with （一）…行动 groups / 四、保障措施 without units."""
    plan = load("city_sections_goals_first.txt")
    assert plan.title == "天津市加快建设国际消费中心城市行动方案（2023—2027年）"
    assert (plan.issuer, plan.date) == (None, None)
    assert [(g.year, g.text) for g in plan.goals] == [
        (2025, "全市社会消费品零售总额年均增长6%左右，消费对经济增长的贡献率稳步提高。"), (2027, "国际消费中心城市基本建成。")]
    assert [g.title for g in plan.groups] == ["实施消费载体能级提升行动", "实施消费品牌培育行动"]
    assert [(t.number, t.group, t.title) for t in plan.tasks] == [
        (1, 1, "打造世界级地标商圈"), (2, 1, "建设特色商业街区"), (3, 2, "培育本土品牌")]
    assert unit_names(plan.tasks[0]) == ["市商务局", "市规划资源局", "和平区人民政府", "河西区政府", "各区人民政府"]
    assert unit_names(plan.tasks[2]) == ["市工业和信息化局", "市商务局"]
    assert [(m.title, m.units) for m in plan.measures] == [("加强组织领导", []), ("强化政策支持", [])]
    assert [(t.owner_kind, t.task_number, t.year, t.subject, t.comparator, t.value, t.unit) for t in plan.targets] == [
        ("goal", None, 2025, "社会消费品零售总额", "~", Decimal(6), "%"),
        ("task", 1, None, "千亿级商圈", ">=", Decimal(3), "个"),
        ("task", 2, 2025, "特色商业街区", "=", Decimal(10), "条"),
    ]
    assert plan.warnings == []
