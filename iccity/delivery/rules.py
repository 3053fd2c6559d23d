"""The delivery loop's policy values as ``core.Rule`` rows: deadlines, reminder and escalation steps, evidence policy.

These are defaults for a local policy the office sets (no published Xiqing rule exists): each row names where its
value comes from, and the office edits them in the admin (a new version with an effective date, never an overwrite).
Policy when none is in force: the default while the key was never created; a gap between the office's versions
is refused.
"""
from __future__ import annotations

import datetime as dt

from iccity.core.rules import USE_DEFAULT, declare, rule_value  # noqa: F401  (read through here)

DEFAULT_SOURCE = "平台默认值（参照各地督办实践，见 domain-plan-and-delivery.md §3.2），请领导小组办公室按本地制度确认"
DEFAULT_EFFECTIVE_FROM = dt.date(2023, 12, 29)  # the plan's date: the defaults apply to everything under it


def _declare(key: str, title: str, value: dict, source: str = DEFAULT_SOURCE) -> str:
    return declare(key, title=title, default=value, effective_from=DEFAULT_EFFECTIVE_FROM, source=source,
                   confidence="local policy", on_missing=USE_DEFAULT)


ACK_DEADLINE = _declare("delivery.ack_deadline", "交办后签收时限", {"working_days": 3})
REPORT_DUE = _declare("delivery.report_due", "报告报送截止与关闭",
                      {"due_working_days_after_period": 5, "close_working_days_after_due": 10})
DUE_SOON = _declare("delivery.due_soon", "临近截止提醒（催报）", {"working_days_before": 3},
                    "西安纪委督办系统：截止前3天提醒（https://www.qinfeng.gov.cn/info/1025/3058.htm）；平台默认值")
ESCALATION = _declare(
    "delivery.escalation", "逾期升级：催办单→督办单→红色督办",
    {"document_prefix": "西青消费督", "steps": [
        {"kind": "urge", "after_working_days": 1},
        {"kind": "supervise", "after_working_days": 5},
        {"kind": "red", "after_working_days": 10},
    ]},
    "三明“三色督查单”蓝→橙→红逐级升级（http://www.413629.com/news/sm/1855869.html）；天数为平台默认值")
EVIDENCE = _declare("delivery.evidence", "佐证材料类型与大小",
                    {"max_bytes": 20 * 1024 * 1024, "max_files_per_revision": 20,
                     "types": ["pdf", "docx", "xlsx", "pptx", "jpg", "png", "txt", "csv", "ofd", "zip"]})
DIGEST = _declare("delivery.digest", "每日通知汇总发送时间", {"time": "17:30"},
                  "平台默认值（下班前汇总当天通知），请领导小组办公室按本地作息确认")


def evidence_max_bytes() -> int:
    """The evidence size limit in force today; the upload handler stops a larger file while it streams."""
    return int(rule_value(EVIDENCE)["max_bytes"])


def digest_time(on: dt.date) -> dt.time:
    """The local time of day the daily notice digest goes out, by the rule in force on ``on``."""
    return dt.time.fromisoformat(str(rule_value(DIGEST, on)["time"]))
