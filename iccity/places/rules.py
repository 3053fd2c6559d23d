"""The places app's policy rule, declared once (core.rules): when a community counts as covered by a 15-minute
living circle. The coverage page says the rule is missing rather than judging by an unconfirmed default."""
from __future__ import annotations

from datetime import date

from iccity.core.rules import REFUSE, declare

from .models import ServiceKind

RULE_KEY = declare(
    "places.living_circle", title="一刻钟便民生活圈覆盖判定",
    default={"max_walk_m": 1000, "detour_factor": 1.3, "min_points": 3,
             "required_kinds": [ServiceKind.CONVENIENCE.value, ServiceKind.FRESH_FOOD.value]},
    effective_from=date(2023, 1, 1), confidence="secondary", on_missing=REFUSE,
    refusal="尚未配置生活圈判定规则（{key}），{on:%Y-%m-%d}没有生效的版本",
    source="GB 50180—2018《城市居住区规划设计标准》术语“15分钟生活圈居住区”：步行距离约800～1000米（未经本项目核实）；"
           "绕行系数1.3、最少网点数3、必备业态（便利店/超市、菜市场/生鲜店）为平台暂定值，"
           "待区商务局对照商务部等部门一刻钟便民生活圈建设指南确认后修订",
    notes="步行距离 = 球面直线距离 × 绕行系数")
