"""The default questionnaire (run by ``iccity bootstrap``; safe to run again).

Built on the 中消协 city survey (domain-public-services.md §3, secondary): level 1 = 消费供给, 消费环境, 消费维权; items =
the 17 level-2 indicators of 2023. The survey publishes neither the mapping of level-2 to level-1 nor weights: the
mapping below is our reading of the indicator names and the weights are equal (a platform default, to be confirmed
by the 区市场监管局); a changed mapping or weighting is a new questionnaire version, never an edit.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SOURCE = ("中国消费者协会城市消费者满意度测评（一级指标：消费供给、消费环境、消费维权；2023年二级指标17项），"
          "见 domain-public-services.md §3（secondary）；二级指标归属与等权重为平台默认，待区市场监管局确认")

# (dimension code, name, [(item code, level-2 indicator, question)])
DIMENSIONS = [
    ("supply", "消费供给", [
        ("variety", "供给丰富性", "本商圈的商品和服务种类是否丰富？"),
        ("convenience", "供给便利性", "在本商圈购物、就餐、娱乐是否方便？"),
        ("innovation", "供给创新性", "本商圈的新品牌、新业态、新场景是否够多？"),
        ("quality", "质量水平", "本商圈的商品质量如何？"),
        ("service", "服务水平", "本商圈经营者的服务态度和服务质量如何？"),
    ]),
    ("environment", "消费环境", [
        ("facilities", "消费设施", "停车、休息区、卫生间、无障碍等设施是否完善？"),
        ("price", "价格合理", "商品和服务价格是否合理、明码标价？"),
        ("information", "信息真实", "商品介绍、广告和促销信息是否真实？"),
        ("after_sales", "售后保障", "退换货、维修等售后服务是否有保障？"),
        ("trust", "商家信任度", "您对本商圈商家的信任程度如何？"),
        ("safety", "交易安全", "支付、个人信息和消费场所是否安全？"),
    ]),
    ("protection", "消费维权", [
        ("right_to_know", "消费知情权", "购买前能否清楚了解商品和服务的真实情况？"),
        ("free_choice", "消费自主选择权", "是否能自主选择，没有强制搭售或强迫消费？"),
        ("policy", "消费政策", "您对本地促消费政策（消费券、活动等）是否满意？"),
        ("rights", "权益保护", "遇到消费纠纷时，能否得到及时公正的处理？"),
        ("education", "消费宣传", "消费提示、维权知识的宣传是否到位？"),
        ("enforcement", "消费执法", "市场监管部门的执法是否有力？"),
    ]),
]


def _equal(n: int) -> list[Decimal]:
    """n equal weights to 4 decimals that sum to exactly 1 (the last one takes the rounding)."""
    share = (Decimal(1) / n).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return [share] * (n - 1) + [Decimal(1) - share * (n - 1)]


def default_definition() -> dict:
    dim_weights = _equal(len(DIMENSIONS))
    return {
        "code": "city-satisfaction", "version": 1, "title": "商圈消费者满意度测评问卷", "scale_max": 10,
        "source": SOURCE,
        "method_note": "每题1—10分（1=很不满意，10=很满意），可选“不清楚”；题目得分=(x−1)/9×100",
        "dimensions": [
            {"code": code, "name": name, "weight": dim_weights[n],
             "items": [{"code": ic, "indicator": ind, "text": text, "weight": w}
                       for (ic, ind, text), w in zip(items, _equal(len(items)))]}
            for n, (code, name, items) in enumerate(DIMENSIONS)],
    }


def load(stdout) -> None:
    from .actions import do_ensure_areas_from_places, do_ensure_survey

    survey, created = do_ensure_survey(default_definition(), note="默认问卷（中消协城市测评维度）")
    stdout.write(f"满意度问卷：{'已创建' if created else '已存在'} {survey}\n")
    areas = do_ensure_areas_from_places()
    stdout.write(f"测评商圈：按商圈名录新增 {len(areas)} 个\n")
