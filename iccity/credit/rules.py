"""Publication and repair periods as a versioned ``core.Rule`` row (domain-public-services.md §4).

One key, ``credit.publication``: for each list kind (and, for penalties, severity class) whether it is published,
how many months after the decision repair / early removal may be asked (``repair_after_months``) and how many months
publication lasts at most (``max_months``). An entry is judged by the version in force on its decision date and
stores that version, so a later rule change never moves an existing entry's dates.

Periods are calendar months from the decision document's date; when the target month has no such day, the month's
last day is used (民法典 Art. 202). The end date is the last day of publication (inclusive).

The superseded NDRC Order 58 (2023) is deliberately not entered: a decision dated before 2026-04-01 is refused with
a message asking the office to enter the version that applied then, with its source (legal sign-off needed).
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from iccity.core.actions import ActionRefused
from iccity.core.rules import REFUSE, declare, rule_in_force

NDRC_REPAIR_FROM = dt.date(2026, 4, 1)

NDRC_VALUE = {
    "penalty": {
        "minor": {"published": False, "repair_after_months": 0, "max_months": 3},
        "general": {"published": True, "repair_after_months": 3, "max_months": 12},
        "serious": {"published": True, "repair_after_months": 12, "max_months": 36},
    },
    # 严重失信主体名单 (SAMR Order 44): the NDRC 严重 class; early removal may be asked after 1 year
    "serious_violation": {"published": True, "repair_after_months": 12, "max_months": 36},
    # 守信激励 / 诚信典型: a local incentive list; its period is the one in its own decision (valid_until)
    "incentive": {"published": True, "repair_after_months": None, "max_months": None},
}

PUBLICATION = declare(
    "credit.publication", title="信用信息公示期限与信用修复最短期限", default=NDRC_VALUE,
    effective_from=NDRC_REPAIR_FROM, confidence="secondary", on_missing=REFUSE,
    refusal="决定日期{on:%Y-%m-%d}没有生效的公示期限规则：请先在规则表中录入当时适用的版本（含依据），再登记本条信息",
    source="国家发展改革委《信用修复管理办法》（2026-04-01施行，取代2023年第58号令）：轻微失信原则上不公示（确需公示的不超过3个月）；"
           "一般失信公示期最长1年、满3个月可申请修复；严重失信公示期最长3年、满1年可申请修复；期限自决定文书作出之日起算。"
           "市场监管总局令第44号：严重违法失信名单满1年可申请提前移出。守信激励名单按地方认定文件确定期限",
    notes="confidence: secondary（domain-public-services.md §4），上线前须法制审核")


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar arithmetic; a missing day becomes the month's last day (民法典第二百零二条)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Periods:
    rule_version: int
    published: bool
    publish_from: dt.date
    repair_from: dt.date | None
    publish_until: dt.date | None


KIND_LABELS = {"penalty": "行政处罚信息", "serious_violation": "严重违法失信名单", "incentive": "守信激励名单"}
SEVERITY_LABELS = {"minor": "轻微", "general": "一般", "serious": "严重"}


def periods_for(list_kind: str, severity: str, decision_date: dt.date, *,
                valid_until: dt.date | None = None) -> Periods:
    rule = rule_in_force(PUBLICATION, decision_date)
    entry = rule.value.get(list_kind)
    if entry is None:
        raise ActionRefused(f"规则v{rule.version}未规定“{KIND_LABELS.get(list_kind, list_kind)}”的公示期限")
    if list_kind == "penalty":
        entry = entry.get(severity)
        if entry is None:
            raise ActionRefused("行政处罚信息须注明失信程度（轻微/一般/严重）")
    if entry.get("max_months") is None:
        if valid_until is None or valid_until < decision_date:
            raise ActionRefused("守信激励名单须填写认定文件规定的有效期截止日（不早于认定日期）")
        until = valid_until
    else:
        until = add_months(decision_date, entry["max_months"])
    repair = entry.get("repair_after_months")
    return Periods(rule_version=rule.version, published=bool(entry["published"]), publish_from=decision_date,
                   repair_from=None if repair is None else add_months(decision_date, repair), publish_until=until)
