"""Bootstrap data of the consumption app: the festival-window rule used by the calendar dimension."""
import datetime as dt

from iccity.core.actions import do_ensure_rules

from .calendar_dim import DEFAULT_FESTIVAL_RULES, RULE_KEY


def load(stdout=None) -> None:
    created = do_ensure_rules([{
        "key": RULE_KEY, "title": "消费分析：节日与节庆窗口（农历）", "value": DEFAULT_FESTIVAL_RULES,
        "effective_from": dt.date(2000, 1, 1),
        "source": "传统节日农历日期；杨柳青灯展2025年为正月初一至十六（见项目资料 xiqing-facts.md §4）",
    }], note="消费监测初始化")
    if stdout is not None and created:
        stdout.write("消费监测：已创建规则 " + "、".join(created) + "\n")
