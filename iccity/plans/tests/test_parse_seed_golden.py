"""Golden results of the structure parser on the seed plan (data/xiqing-icc-action-plan-2023-2027.txt).

Unit lists are typed from the document, not from the parser's output.
"""
from decimal import Decimal
from pathlib import Path

import pytest

from iccity.plans.parsing.result import CO, LEAD
from iccity.plans.parsing.structure import parse_text

SEED = Path(__file__).resolve().parents[3] / "data" / "xiqing-icc-action-plan-2023-2027.txt"

GROUPS = ["提升载体能级，打造区域地标商圈", "发挥资源优势，打造知名旅游目的地", "丰富产品供给，打造品质消费策源地",
          "创新业态模式，培育新型消费场景", "完善基础设施，打造优质消费环境"]
GROUP_OF_TASK = [1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 5, 5, 5, 5]
TITLES = ["做强区域核心商圈", "建强西青特色活力商圈", "打造便民社区商圈", "激活民俗文化资源", "挖掘精武文化资源",
          "整合乡村文化资源", "开发大运河水岸资源", "壮大升级消费产品品牌", "推动老字号品牌创新", "做强西青美食品牌",
          "打造“夜西青”场景品牌", "培育周末旅游项目品牌", "推动商旅文体融合发展", "发展智能数字消费", "促进绿色消费",
          "促进康养消费", "做强会展消费", "提升消费触达便利度", "提升消费舒适度", "提升城市消费文明度", "健全完善监管体系"]
ALL = "各镇人民政府和街道办事处"
TASK_UNITS = [
    ["区商务局", "区协同办", "中北镇政府", "杨柳青镇政府", "张家窝镇政府", "南站公司", "区城投公司"],
    ["区商务局", "区文旅局", "大寺镇政府", "精武镇政府", "津门湖街道办事处", "西青经开集团"],
    ["区商务局", "区体育局", "区民政局", ALL],
    ["区文旅局", "区委宣传部", "区农业农村委", "区城投公司", "杨柳青镇政府"],
    ["区文旅局", "区委宣传部", "区教育局", "区体育局", "区发展改革委", "精武镇政府"],
    ["区文旅局", "区农业农村委", "涉农镇人民政府和街道办事处"],
    ["区协同办", "区文旅局", "区住建委", "杨柳青镇政府", "中北镇政府", "辛口镇政府", "西营门街道办事处", "区城投公司"],
    ["区农业农村委", "区工信局", "区商务局", ALL, "西青经开集团"],
    ["区商务局", "区市场监管局", "区文旅局", ALL, "西青经开集团"],
    ["区商务局", "区市场监管局", ALL, "西青经开集团"],
    ["区商务局", "区文旅局", "区市场监管局", "区城管委", ALL, "西青经开集团"],
    ["区文旅局", "区融媒体中心", ALL, "西青经开集团"],
    ["区文旅局", "区工信局", "区卫健委", "区体育局", "区商务局", ALL, "西青经开集团"],
    ["区商务局", "区委网信办", "区发展改革委", "区卫健委", "区民政局", "区金融局", "区文旅局", ALL, "西青经开集团",
     "南站公司", "永泰恒基公司"],
    ["区发展改革委", "区税务局", "区商务局", "区农业农村委", "区工信局", "区协同办", "永泰恒基公司", ALL,
     "西青经开集团"],
    ["区民政局", "区卫健委", "区发展改革委", "区人社局", "区协同办", "区文旅局", "区医保局", "区商务局", "南站公司",
     ALL, "西青经开集团"],
    ["区商务局", "区文旅局", "区招商专班", ALL, "西青经开集团"],
    ["区运管局", "区住建委"],
    ["区文旅局", "区生态环境局", "公安西青分局", "南站站区办", "区商务局", "区运管局", "区城管委", "区委宣传部",
     "区市场监管局", "区农业农村委", "区住建委", ALL, "西青经开集团"],
    ["区发展改革委", "区文明办", "区商务局", "区外办", "区司法局", "区政务服务办", "区市场监管局", "区运管局", ALL,
     "西青经开集团"],
    ["区市场监管局", "区应急局", "区政务服务办", "区城管委", "公安西青分局", "市规划资源局西青分局", "区商务局",
     "区人社局", ALL, "西青经开集团"],
]
MEASURE_TITLES = ["坚持统筹推动", "完善规划布局", "加强政策支持", "优化商业环境", "强化人才保障", "注重宣传推广"]
MEASURE_UNITS = [
    ["领导小组各成员单位"],
    ["区商务局", "市规划资源局西青分局", "区住建委"],
    ["区财政局", "区发展改革委", "区招商专班", "区文旅局", "区体育局", "区商务局"],
    ["区发展改革委", "区商务局", "区政务服务办", "区外办", ALL, "西青经开集团"],
    ["区人社局", "区委组织部", "区科技局"],
    ["区委网信办", "区文旅局", "区委宣传部"],
]


@pytest.fixture(scope="module")
def plan():
    return parse_text(SEED.read_text(encoding="utf-8"))


def test_header(plan):
    assert plan.title == "西青区加快建设国际消费中心城市行动方案（2023—2027年）"
    assert plan.issuer is None          # the seed starts at the addressee line
    assert plan.date == "2023-12-29"


def test_goals(plan):
    # The 到20XX年， opener is stripped from goal texts (the year is in ``year``).
    assert [g.year for g in plan.goals] == [2025, 2027]
    assert plan.goals[0].text.startswith("我区国际知名度")
    assert plan.goals[0].text.endswith("打造国际消费中心城市“西青样板”。")
    assert plan.goals[1].text.startswith("我区消费供给")
    assert plan.goals[1].text.endswith("知名旅游目的地。")
    assert [g.line for g in plan.goals] == [21, 24]


def test_groups(plan):
    assert [(g.number, g.title) for g in plan.groups] == list(enumerate(GROUPS, 1))
    assert [g.line for g in plan.groups] == [32, 100, 166, 250, 373]


def test_tasks(plan):
    assert [t.number for t in plan.tasks] == list(range(1, 22))
    assert [t.title for t in plan.tasks] == TITLES
    assert [t.group for t in plan.tasks] == GROUP_OF_TASK
    assert plan.tasks[0].line == 34 and plan.tasks[20].line == 436


@pytest.mark.parametrize("number", range(1, 22))
def test_task_units(plan, number):
    task = plan.tasks[number - 1]
    assert [u.name for u in task.units] == TASK_UNITS[number - 1]
    assert [u.position for u in task.units] == list(range(1, len(task.units) + 1))
    assert [u.role for u in task.units] == [LEAD] + [CO] * (len(task.units) - 1)
    assert not any(u.role_explicit for u in task.units)


def test_unit_counts(plan):
    assert [len(t.units) for t in plan.tasks] == [7, 6, 4, 5, 6, 3, 8, 5, 5, 4, 6, 4, 7, 11, 9, 11, 5, 2, 13, 10, 10]
    assert [len(m.units) for m in plan.measures] == [1, 3, 6, 6, 3, 3]
    assert plan.assignment_count == 141
    assert sum(len(m.units) for m in plan.measures) == 22
    assert len(plan.distinct_unit_names()) == 49
    assert len({u.name for t in plan.tasks for u in t.units}) == 45


def test_measures(plan):
    assert [m.title for m in plan.measures] == MEASURE_TITLES
    assert [m.number for m in plan.measures] == list(range(1, 7))
    assert all(m.group is None for m in plan.measures)
    assert [[u.name for u in m.units] for m in plan.measures] == MEASURE_UNITS
    assert all(m.units[0].role == LEAD and all(u.role == CO for u in m.units[1:]) for m in plan.measures)


def test_task_text_and_measures(plan):
    task1, task2 = plan.tasks[0], plan.tasks[1]
    assert task1.text.startswith("做强区域核心商圈。南站商圈依托南站科技商务区")
    assert task1.text.endswith("（责任单位：区商务局、区协同办、中北镇政府、杨柳青镇政府、张家窝镇政府、南站公司、区城投公司）")
    assert len(task1.measures) == 4       # split on 。 and ；, label removed, title not repeated
    assert task1.measures[1].startswith("依托社会山文旅港")
    assert not any("责任单位" in m for t in plan.tasks for m in t.measures)
    # the page marker between 交付中 and 心 does not leak into the text
    assert "交付中心" in task2.text and "- 3 -" not in task2.text
    # stray spaces are gone, Latin words keep theirs only when both sides are Latin
    assert "杨柳青文化IP影响力" in plan.tasks[3].text
    assert "AR/VR" in plan.tasks[13].text
    assert "居住（小）区" in plan.tasks[2].text   # brackets inside text are not a label


def test_targets(plan):
    assert len(plan.targets) == 1
    target = plan.targets[0]
    assert (target.year, target.subject, target.comparator, target.value, target.unit, target.kind) == (
        2027, "津农精品品牌", ">=", Decimal(25), "个", "absolute")
    assert (target.task_number, target.owner_kind, target.line) == (8, "task", 170)
    assert target.text == "到2027年培育“津农精品”品牌不少于25个"


def test_no_warnings(plan):
    assert plan.warnings == []


def test_json_ready(plan):
    import json
    data = plan.to_dict()
    json.dumps(data, ensure_ascii=False)
    assert data["targets"][0]["value"] == 25
