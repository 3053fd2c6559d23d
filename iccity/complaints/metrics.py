"""Complaint figures for the indicators module (plan task 20): monthly 处理及时率, 调解成功率 and 平均处理时长 (in
total and by town) and 受理件数 (by town and by 商圈), published as observations of the catalogue's complaint indicators. Each publication is a release
of its own day, so a later recount is a new vintage, never an overwrite; the same day's recount changes nothing."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from iccity.core import clock, periods

from .models import Case, CaseType

AGREED = {"mediated_agreement", "performed_on_spot"}
MEDIATION_ENDS = AGREED | {"mediation_terminated"}


def _month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    start, end = periods.period_bounds(f"{year}-{month:02d}")
    first = dt.datetime.combine(start, dt.time(), tzinfo=timezone.get_default_timezone())
    return first, first + (end - start + dt.timedelta(days=1))


def _rate(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def monthly_metrics(year: int, month: int) -> dict[str, dict[str, Decimal | None]]:
    """{indicator code: {"": total, town: value…}} for complaints closed in the month (one query).

    Timely: closed on or before its legal limit (the handling limit, or the acceptance limit for a case closed at
    that stage); cases whose limit could not be computed (no holiday data) are left out of the rate, not counted
    as late. Mediation success: agreements (incl. 当场履行) over mediations that ended. Days: receipt to closing.
    """
    start, end = _month_bounds(year, month)
    cases = list(Case.objects.filter(case_type=CaseType.COMPLAINT, closed_at__gte=start, closed_at__lt=end)
                 .values("town", "state", "received_at", "closed_at", "accept_due", "handle_due"))
    groups: dict[str, list[dict]] = defaultdict(list)
    for case in cases:
        groups[""].append(case)
        if case["town"]:
            groups[case["town"]].append(case)
    out: dict[str, dict[str, Decimal | None]] = {"complaint_timely_rate": {}, "complaint_mediation_rate": {},
                                                  "complaint_avg_days": {}, "complaint_count": {}}
    for key, members in groups.items():
        judged = [c for c in members if (c["handle_due"] or c["accept_due"])]
        timely = [c for c in judged
                  if timezone.localtime(c["closed_at"]).date() <= (c["handle_due"] or c["accept_due"])]
        mediated = [c for c in members if c["state"] in MEDIATION_ENDS]
        out["complaint_timely_rate"][key] = _rate(len(timely), len(judged))
        out["complaint_mediation_rate"][key] = _rate(sum(c["state"] in AGREED for c in mediated), len(mediated))
        if key == "":  # the catalogue allows no town breakdown for the average
            days = [(c["closed_at"] - c["received_at"]).total_seconds() / 86400 for c in members]
            out["complaint_avg_days"][key] = (Decimal(sum(days) / len(days)).quantize(Decimal("0.1"))
                                              if days else None)
    received = Case.objects.filter(case_type=CaseType.COMPLAINT, received_at__gte=start, received_at__lt=end)
    counts = out["complaint_count"]
    for town, district in received.values_list("town", "business_district"):
        counts[""] = counts.get("", 0) + 1
        for key in (("town", town), ("district", district)):
            if key[1]:
                counts[key] = counts.get(key, 0) + 1
    return out


def indicator_rows(year: int, month: int) -> list[dict]:
    period = f"{year}-{month:02d}"
    rows = []
    for code, values in monthly_metrics(year, month).items():
        for key, value in sorted(values.items(), key=lambda item: str(item[0])):
            if value is None:
                continue
            row = {"code": code, "period": period, "value": str(value), "note": "由投诉模块计算"}
            kind, name = key if isinstance(key, tuple) else ("town", key)  # rates are keyed by town name alone
            if name:
                row.update(breakdown_kind=kind, breakdown_value=name)
            rows.append(row)
    return rows


def do_publish_indicators(year: int, month: int, *, actor=None):
    """Push the month's figures as a release dated today (``indicators`` import path: same checks, all or nothing)."""
    from iccity.indicators.actions.observations import do_push_observations

    rows = indicator_rows(year, month)
    if not rows:
        return None
    release = {"title": f"消费投诉办理情况统计（{year}年{month}月）", "publisher": "iccity 消费投诉模块",
               "published_on": clock.today().isoformat(), "status": "preliminary",
               "note": "按受理日适用的时限规则计算；后续重算形成新的发布版次"}
    return do_push_observations(rows, release_fields=release, actor=actor, source_label="complaints")
