"""Plan import rules as versioned ``core.Rule`` rows: the confidence below which a parsed item or assignment must be
reviewed by the office before the version is committed (issue 14)."""
from __future__ import annotations

import datetime as dt

from iccity.core.rules import USE_DEFAULT, declare, rule_value

REVIEW_THRESHOLD = declare(
    "plans.review_threshold", title="方案导入审核阈值", default={"min_confidence": 0.8},
    effective_from=dt.date(2023, 1, 1), confidence="local policy", on_missing=USE_DEFAULT,
    source="平台默认（议题14）：解析器对条目或责任分工的置信度低于此值时（合并单元格沿用、通用规定补入、无牵头字样的"
           "文字表述、未写单位的条目等），导入须先经办公室审核更正",
    notes="local policy：由区商务局（牵头办公室）按本地要求确认或修改")


def review_threshold(on: dt.date | None = None) -> float:
    """The threshold in force (core.clock's today by default)."""
    return float(rule_value(REVIEW_THRESHOLD, on)["min_confidence"])
