"""The evaluation app's policy rules, declared once (core.rules): the lights rule, the scoring points and the report
quality thresholds. The values live beside the code that reads them (lights.py, scoring.py, quality.py); the office
edits them in the rule table as new versions."""
from __future__ import annotations

import datetime as dt

from iccity.core.rules import REFUSE, USE_DEFAULT, declare

from . import lights, quality, scoring

declare(
    lights.RULE_KEY, title="任务亮灯规则（时限、序时进度、指标轨迹）", default=lights.DEFAULT_VALUE,
    effective_from=lights.DEFAULT_EFFECTIVE_FROM, confidence="local policy", on_missing=USE_DEFAULT,
    source="宿迁“三色督办单”：蓝色临近时限、黄色滞后序时进度、红色逾期"
           "（http://sqgzw.suqian.gov.cn/gzw/gqfc/202506/c520c452698d42cebc27aed37067306c.shtml）；"
           "西安纪委督办系统：截止前3天按剩余时间亮黄/红（https://www.qinfeng.gov.cn/info/1025/3058.htm）；"
           "指标轨迹状态按 Open SDG 进展方法（open-sdg/open-sdg docs/progress-methodology.md）；"
           "天数与百分点为平台默认值，请领导小组办公室按本地制度确认",
    notes="最差的一项理由决定灯色；灰色仅在无任何可判定数据时使用")

# A score run keeps the rule row it was computed by, so scoring refuses rather than scoring by an unsaved default.
declare(
    scoring.SCORING_RULE, title="单位考评计分规则", default=scoring.SCORING_VALUE,
    effective_from=scoring.EFFECTIVE_FROM, confidence="local policy", on_missing=REFUSE,
    refusal="{day}没有生效的考评计分规则，请先在规则表中录入“{key}”",
    source="平台默认值，取自各地督查考核细则（domain-plan-and-delivery.md §3.3）："
           + "；".join([scoring.FYMATE, scoring.JIAMUSI, scoring.COUNTY, scoring.DEV_ZONE])
           + "。请领导小组办公室按本地考核办法确认")

declare(
    quality.QUALITY_RULE, title="报告质量提示阈值", default=quality.QUALITY_VALUE, effective_from=dt.date(2023, 12, 29),
    confidence="local policy", on_missing=USE_DEFAULT, complete=True,
    source="平台默认阈值：针对督查考核细则中“反馈无实质性内容扣5分”（http://www.fymate.net/html/text/lar/174265/"
           "17426515_2.html）与“报告数据对照统计”（domain-plan-and-delivery.md §5）；请领导小组办公室按实际调整")
