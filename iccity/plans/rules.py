"""Plan import rules as versioned ``core.Rule`` rows: the confidence below which a parsed item or assignment must be
reviewed by the office before the version is committed (issue 14)."""
from __future__ import annotations

import datetime as dt

from iccity.core.actions import do_ensure_rules
from iccity.core.models import Rule

REVIEW_THRESHOLD = "plans.review_threshold"

DEFAULTS = [
    {"key": REVIEW_THRESHOLD, "version": 1, "title": "方案导入审核阈值",
     "value": {"min_confidence": 0.8}, "from": dt.date(2023, 1, 1), "to": None,
     "source": "平台默认（议题14）：解析器对条目或责任分工的置信度低于此值时（合并单元格沿用、通用规定补入、无牵头字样的"
               "文字表述、未写单位的条目等），导入须先经办公室审核更正",
     "notes": "local policy：由区商务局（牵头办公室）按本地要求确认或修改"},
]


def do_ensure_default_rules(actor=None) -> list[str]:
    """Create the default versions that do not exist yet (safe to run again; never edits a row)."""
    return do_ensure_rules([{**row, "effective_from": row["from"], "effective_to": row["to"]} for row in DEFAULTS],
                           actor=actor, note="方案导入默认规则")


def review_threshold(on: dt.date | None = None) -> float:
    """The threshold in force (today by default); loads the default the first time (fresh DB, tests)."""
    try:
        rule = Rule.objects.in_force(REVIEW_THRESHOLD, on)
    except Rule.DoesNotExist:
        if Rule.objects.filter(key=REVIEW_THRESHOLD).exists():
            raise
        do_ensure_default_rules()
        rule = Rule.objects.in_force(REVIEW_THRESHOLD, on)
    return float(rule.value["min_confidence"])
