"""The delivery loop's policy values as ``core.Rule`` rows: deadlines, reminder and escalation steps, evidence policy.

These are defaults for a local policy the office sets (no published Xiqing rule exists): each row names where its
value comes from, and the office edits them in the admin (a new version with an effective date, never an overwrite).
"""
from __future__ import annotations

import datetime as dt

from iccity.core.actions import do_ensure_rules
from iccity.core.models import Rule

ACK_DEADLINE = "delivery.ack_deadline"
REPORT_DUE = "delivery.report_due"
DUE_SOON = "delivery.due_soon"
ESCALATION = "delivery.escalation"
EVIDENCE = "delivery.evidence"
DIGEST = "delivery.digest"

DEFAULT_SOURCE = "平台默认值（参照各地督办实践，见 domain-plan-and-delivery.md §3.2），请领导小组办公室按本地制度确认"
DEFAULTS = [
    {"key": ACK_DEADLINE, "title": "交办后签收时限", "value": {"working_days": 3}},
    {"key": REPORT_DUE, "title": "报告报送截止与关闭",
     "value": {"due_working_days_after_period": 5, "close_working_days_after_due": 10}},
    {"key": DUE_SOON, "title": "临近截止提醒（催报）", "value": {"working_days_before": 3},
     "source": "西安纪委督办系统：截止前3天提醒（https://www.qinfeng.gov.cn/info/1025/3058.htm）；平台默认值"},
    {"key": ESCALATION, "title": "逾期升级：催办单→督办单→红色督办",
     "value": {"document_prefix": "西青消费督", "steps": [
         {"kind": "urge", "after_working_days": 1},
         {"kind": "supervise", "after_working_days": 5},
         {"kind": "red", "after_working_days": 10},
     ]},
     "source": "三明“三色督查单”蓝→橙→红逐级升级（http://www.413629.com/news/sm/1855869.html）；天数为平台默认值"},
    {"key": EVIDENCE, "title": "佐证材料类型与大小",
     "value": {"max_bytes": 20 * 1024 * 1024, "max_files_per_revision": 20,
               "types": ["pdf", "docx", "xlsx", "pptx", "jpg", "png", "txt", "csv", "ofd", "zip"]}},
    {"key": DIGEST, "title": "每日通知汇总发送时间", "value": {"time": "17:30"},
     "source": "平台默认值（下班前汇总当天通知），请领导小组办公室按本地作息确认"},
]
DEFAULT_EFFECTIVE_FROM = dt.date(2023, 12, 29)  # the plan's date: the defaults apply to everything under it


def do_ensure_default_rules(actor=None) -> list[str]:
    """Create the default rule rows that do not exist yet (safe to run again; never changes an existing row)."""
    return do_ensure_rules(
        [{**row, "effective_from": DEFAULT_EFFECTIVE_FROM, "source": row.get("source", DEFAULT_SOURCE)} for row in DEFAULTS],
        actor=actor, note="督办默认规则")


def rule_value(key: str, on: dt.date) -> dict:
    """The value in force on ``on``; falls back to the built-in default only when no row was ever created."""
    try:
        return Rule.objects.in_force(key, on).value
    except Rule.DoesNotExist:
        if Rule.objects.filter(key=key).exists():
            raise
        return next(row["value"] for row in DEFAULTS if row["key"] == key)


def evidence_max_bytes() -> int:
    """The evidence size limit in force today; the upload handler stops a larger file while it streams."""
    from iccity.core import clock

    return int(rule_value(EVIDENCE, clock.today())["max_bytes"])


def digest_time(on: dt.date) -> dt.time:
    """The local time of day the daily notice digest goes out, by the rule in force on ``on``."""
    return dt.time.fromisoformat(str(rule_value(DIGEST, on)["time"]))
