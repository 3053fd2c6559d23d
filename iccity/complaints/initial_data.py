"""The default category tree (run by ``iccity bootstrap``; safe to run again). Rules are declared in ``rules.py``."""
from __future__ import annotations

from django.db import transaction

from iccity.core.actions import record_audit


# (code, name, keywords) — the top level of the 12315 consumer-complaint classification, simplified for Xiqing.
CATEGORIES = [
    ("food", "食品", "食品 过期 变质 异物 保健食品"),
    ("catering", "餐饮服务", "餐馆 外卖 饭店 食堂"),
    ("daily-goods", "日用品", "服装 鞋 化妆品 家具 日用"),
    ("appliances", "家用电器", "电视 冰箱 空调 洗衣机 手机 电脑"),
    ("vehicles", "汽车及零部件", "汽车 4S店 维修 配件 二手车"),
    ("culture-entertainment", "文化娱乐", "影院 KTV 演出 游戏 健身"),
    ("travel", "旅游服务", "旅行社 景区 酒店 民宿"),
    ("prepaid", "预付式消费", "预付卡 会员卡 充值 办卡 美容美发 教育培训"),
    ("online-shopping", "网络购物", "网购 电商 直播带货 平台"),
    ("other", "其他", ""),
]


@transaction.atomic
def ensure_categories() -> int:
    from .models import Category

    created = 0
    for position, (code, name, keywords) in enumerate(CATEGORIES, start=1):
        category, new = Category.objects.get_or_create(code=code, defaults={
            "name": name, "keywords": keywords, "position": position})
        if new:
            created += 1
            record_audit(None, "complaints.category.created", category, after={"code": code, "name": name},
                         note="默认投诉类别")
    return created


def load(stdout) -> None:
    categories = ensure_categories()
    if categories:
        stdout.write(f"投诉类别：新增默认类别 {categories} 个")
