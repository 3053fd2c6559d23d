"""The consumption app's policy rule, declared once (core.rules): festivals and festival windows by the lunar
calendar, read by the calendar dimension. When no version is in force the first version applies (a calendar is
still built; the windows are a local choice, not a legal limit)."""
from __future__ import annotations

import datetime as dt

from iccity.core.rules import DEFAULT_IF_NONE_IN_FORCE, declare

# Anchors are lunar (month, day); 除夕 is "the day before 正月初一" because 腊月 has 29 or 30 days.
DEFAULT_FESTIVAL_RULES = {
    "festivals": [
        {"name": "除夕", "anchor": [1, 1], "offset": -1},
        {"name": "春节", "anchor": [1, 1], "offset": 0},
        {"name": "元宵", "anchor": [1, 15], "offset": 0},
        {"name": "龙抬头", "anchor": [2, 2], "offset": 0},
        {"name": "端午", "anchor": [5, 5], "offset": 0},
        {"name": "七夕", "anchor": [7, 7], "offset": 0},
        {"name": "中秋", "anchor": [8, 15], "offset": 0},
        {"name": "重阳", "anchor": [9, 9], "offset": 0},
        {"name": "腊八", "anchor": [12, 8], "offset": 0},
        {"name": "小年", "anchor": [12, 23], "offset": 0},
    ],
    "windows": [
        {"name": "春节", "anchor": [1, 1], "from": -1, "to": 6, "note": "除夕至正月初六"},
        {"name": "灯会", "anchor": [1, 1], "from": 0, "to": 15,
         "note": "正月初一至十六（2025年第28届杨柳青灯展即此区间，xiqing-facts.md §4）"},
    ],
}

RULE_KEY = declare(
    "consumption.festival_windows", title="消费分析：节日与节庆窗口（农历）", default=DEFAULT_FESTIVAL_RULES,
    effective_from=dt.date(2000, 1, 1), confidence="local policy", on_missing=DEFAULT_IF_NONE_IN_FORCE,
    source="传统节日农历日期；杨柳青灯展2025年为正月初一至十六（见项目资料 xiqing-facts.md §4）")
