"""Quantified targets: comparators, kinds, Chinese numerals, ranges, and what must NOT be a target."""
from decimal import Decimal
from pathlib import Path

import pytest

from iccity.plans.parsing.targets import extract_targets

D = Decimal


def one(text, **kwargs):
    targets = extract_targets(text, **kwargs)
    assert len(targets) == 1, targets
    return targets[0]


def test_seed_sentence():
    t = one("积极培育优质农产品品牌，到2027年培育“津农精品”品牌不少于25个。", task_number=8, line=170)
    assert (t.year, t.subject, t.comparator, t.value, t.unit, t.kind) == (2027, "津农精品品牌", ">=", D(25), "个",
                                                                          "absolute")
    assert (t.task_number, t.owner_kind, t.line) == (8, "task", 170)
    assert t.text == "到2027年培育“津农精品”品牌不少于25个"


@pytest.mark.parametrize("text, comparator, value, unit, kind", [
    ("到2025年社会消费品零售总额突破5000亿元", ">", D(5000), "亿元", "threshold"),
    ("到2025年，社会消费品零售总额超过5000亿元", ">", D(5000), "亿元", "threshold"),
    ("到2025年社会消费品零售总额达到5000亿元", ">=", D(5000), "亿元", "threshold"),
    ("到2025年，全市社会消费品零售总额达到5000亿元", ">=", D(5000), "亿元", "threshold"),
])
def test_thresholds(text, comparator, value, unit, kind):
    t = one(text)
    assert (t.year, t.subject, t.comparator, t.value, t.unit, t.kind) == (2025, "社会消费品零售总额", comparator,
                                                                          value, unit, kind)
    assert t.text.startswith("到2025年")


@pytest.mark.parametrize("text, value, baseline", [
    ("消费规模较2022年翻一番", D(2), 2022), ("地区生产总值比2020年翻两番", D(4), 2020)])
def test_relative(text, value, baseline):
    t = one(text)
    assert (t.comparator, t.value, t.unit, t.kind, t.baseline_year) == ("x", value, "倍", "relative", baseline)


def test_relative_keeps_target_year():
    t = one("到2025年，消费规模较2020年翻一番")
    assert (t.year, t.baseline_year) == (2025, 2020)


@pytest.mark.parametrize("text, comparator, value", [
    ("社会消费品零售总额年均增长5%以上", ">=", D(5)), ("社会消费品零售总额增长6%左右", "~", D(6)),
    ("社会消费品零售总额增速不低于7.5%", ">=", D("7.5")), ("社会消费品零售总额年均增长8％", "=", D(8))])
def test_growth(text, comparator, value):
    t = one(text)
    assert (t.subject, t.comparator, t.value, t.unit, t.kind) == ("社会消费品零售总额", comparator, value, "%", "growth")


def test_percentage():
    t = one("服务消费占比达到30%")
    assert (t.subject, t.comparator, t.value, t.unit, t.kind) == ("服务消费占比", ">=", D(30), "%", "percentage")


@pytest.mark.parametrize("text, reference", [("居民收入增长与GDP增速保持同步", "GDP增速"),
                                             ("居民收入与经济增长同步", "经济增长")])
def test_sync(text, reference):
    t = one(text)
    assert (t.comparator, t.kind, t.reference, t.value) == ("sync", "sync", reference, None)


@pytest.mark.parametrize("text, low, high, unit", [("失业率控制在3%—5%", D(3), D(5), "%"),
                                                   ("新建3至5个智慧商圈", D(3), D(5), "个"),
                                                   ("建设三至五个示范街区", D(3), D(5), "个")])
def test_ranges(text, low, high, unit):
    t = one(text)
    assert (t.comparator, t.value, t.upper, t.unit, t.kind) == ("between", low, high, unit, "range")


def test_chinese_numerals():
    t = one("培育不少于二十五个特色品牌")
    assert (t.comparator, t.value, t.unit, t.subject) == (">=", D(25), "个", "特色品牌")
    t = one("到二〇二五年建成三个智慧商圈")
    assert (t.year, t.value, t.subject, t.comparator) == (2025, D(3), "智慧商圈", "=")


def test_year_carries_within_sentence_and_subject_carries_to_growth():
    targets = extract_targets("到2025年，全区社会消费品零售总额突破500亿元，年均增长5%以上。")
    assert [(t.year, t.subject, t.kind) for t in targets] == [(2025, "社会消费品零售总额", "threshold"),
                                                              (2025, "社会消费品零售总额", "growth")]


def test_default_year_for_goals():
    t = one("培育特色商业街区不少于十个。", owner_kind="goal", default_year=2027)
    assert (t.year, t.owner_kind, t.task_number, t.value) == (2027, "goal", None, D(10))


@pytest.mark.parametrize("text", [
    "高标准打造历史名镇、元宝岛、文化学镇3个板块，规划建设建筑群。",
    "增加餐吧、酒吧、书吧、演艺吧、24小时便利店、药店等市场供给。",
    "大力发挥天津美术学院、天津音乐学院两所知名艺术高校优势。",
    "串联滨海机场、天津站、天津南站三大交通枢纽。",
    "深化“一品一方案”，推动一批项目建设。",
    "打造三个板块的精品路线。",                                # no year, no comparator: descriptive
    "《天津市加快建设国际消费中心城市行动方案（2023—2027年）》",  # year range is not a target range
    "对游客在消费场所首次停车违章实行告知免罚制。",
])
def test_not_targets(text):
    assert extract_targets(text) == []


def test_seed_has_exactly_one_target_in_tasks_and_measures():
    """Scan every sentence of the seed body: the only commitment with a number is task 8's."""
    seed = Path(__file__).resolve().parents[3] / "data" / "xiqing-icc-action-plan-2023-2027.txt"
    from iccity.plans.parsing.structure import parse_text
    plan = parse_text(seed.read_text(encoding="utf-8"))
    found = [t for item in [*plan.tasks, *plan.measures] for t in extract_targets(item.text)]
    assert [(t.subject, t.value) for t in found] == [("津农精品品牌", D(25))]
