"""The surveys app's policy rule, declared once (core.rules): the anti-stuffing parameters of the satisfaction survey.
Submissions are refused while it is missing, rather than judged by unconfirmed numbers."""
from __future__ import annotations

import datetime as dt

from iccity.core.rules import REFUSE, declare

RULE_KEY = declare(
    "surveys.anti_stuffing", title="满意度测评防刷票参数",
    default={"per_address_cap": 20, "burst_per_address": 3, "burst_per_subnet": 15, "burst_window_minutes": 10,
             "identical_pattern_repeats": 3, "min_seconds_per_item": 2},
    effective_from=dt.date(2020, 1, 1), confidence="local policy", on_missing=REFUSE,
    refusal="测评防刷参数（规则 {key}）未配置，请运行 iccity bootstrap 或联系管理员",
    source="平台默认值（非法定）：按商场公共Wi-Fi下多人共用一个地址估算；OWASP ASVS 4.0 V11.1.4（业务流程防自动化）、"
           "OWASP 自动化威胁 OAT-019（账户/表单批量提交）",
    notes="待领导小组办公室确认：per_address_cap 同一地址每轮上限；burst_* 为时间窗内触发人工审核的份数；"
          "min_seconds_per_item 每题最短用时（秒）")
