"""Publish consumption metrics into the indicators module as observations.

One release per ingestion run (the vintage): title carries the run id, publisher is "consumption feed", published
on the day the run finished. Rows go through ``indicators.actions.observations.do_push_observations``, so they get
the same checks as any upload; publishing the same run twice finds every row unchanged and writes nothing. Only
periods that have ended are published (the indicators refuse future periods, and a half month is not a month).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from iccity.core import clock, policy
from iccity.core.actions import ActionRefused, record_audit
from iccity.indicators.actions.observations import ImportOutcome, do_push_observations
from iccity.core.periods import period_bounds

from .. import metrics
from ..engine import Engine

PUBLISHER = "consumption feed"
AREA = "西青区"
AUDIT_ACTION = "consumption.metrics.published"


def _pct(share) -> str | None:
    if share is None or share != share:   # NaN: no spend in the group
        return None
    return str(Decimal(str(share * 100)).quantize(Decimal("0.0001")))


def _wan(visitors) -> str:
    return str((Decimal(int(visitors)) / Decimal(10000)).quantize(Decimal("0.0001")))


def observation_rows(engine: Engine, months: list[str], *, window=metrics.DEFAULT_NIGHT) -> list[dict]:
    """Rows for ``do_push_observations``: monthly night-time share (total, per 商圈, per town), monthly footfall per
    商圈, and the external (non-local + foreign) spend share for each complete calendar year among ``months``."""
    today = clock.today()
    note = f"夜间时段{window[0]:02d}:00—次日{window[1]:02d}:00，消费数据接入计算"
    rows: list[dict] = []
    for month in sorted(set(months)):
        first, last = period_bounds(month)
        if last >= today:
            continue
        for kind, by in (("", ()), ("district", ("district",)), ("town", ("town",))):
            df = metrics.night_share(engine, freq=None, by=by, start=first, end=last, window=window)
            for rec in df.to_dict("records"):
                value = _pct(rec["night_share"])
                if value is not None and (not kind or rec.get(kind)):   # rows without a 商圈/town stay in the total
                    rows.append({"code": "night_consumption_share", "area": AREA, "period": month,
                                 "breakdown_kind": kind, "breakdown_value": rec.get(kind, "") if kind else "",
                                 "value": value, "note": note})
        if engine.has("footfall"):
            for rec in metrics.footfall(engine, by=["district"], start=first, end=last).to_dict("records"):
                if not rec["district"]:
                    continue
                rows.append({"code": "key_district_footfall", "area": AREA, "period": month,
                             "breakdown_kind": "district", "breakdown_value": rec["district"],
                             "value": _wan(rec["visitors"]), "note": "客流监测数据接入"})
    for year in sorted({int(m[:4]) for m in months}):
        if dt.date(year, 12, 31) >= today:
            continue
        for kind, by in (("", ()), ("district", ("district",))):
            df = metrics.origin_share(engine, by=by, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
            for rec in df.to_dict("records"):
                value = _pct(rec["external_share"])
                if value is not None and (not kind or rec.get(kind)):
                    rows.append({"code": "external_consumption_share", "area": AREA, "period": str(year),
                                 "breakdown_kind": kind, "breakdown_value": rec.get(kind, "") if kind else "",
                                 "value": value, "note": "外来=国内非天津发卡+境外发卡"})
    return rows


# the indicators this module publishes and how: monthly ones once a month has ended, annual ones per complete year
FEED_INDICATORS = {"night_consumption_share": "monthly", "key_district_footfall": "monthly",
                   "external_consumption_share": "annual"}


def feed_notes(codes) -> dict[str, str]:
    """Why a consumption-feed indicator shows no published figure although the feed has data (the dashboard charts
    it): {code: Chinese explanation}, only for codes in ``codes`` that have no observation. Two queries."""
    from iccity.indicators.models import Observation

    from ..models import IngestionRun

    wanted = [c for c in codes if c in FEED_INDICATORS]
    if not wanted:
        return {}
    missing = set(wanted) - set(Observation.objects.filter(indicator__code__in=wanted)
                                .values_list("indicator__code", flat=True).distinct())
    if not missing:
        return {}
    months = sorted({m for run in IngestionRun.objects.filter(state=IngestionRun.State.COMPLETE).only("months")
                     for m in (run.months or [])})
    if not months:
        return {}
    first, last = months[0], months[-1]
    span = f"{int(first[:4])}年{int(first[5:7])}月至{int(last[:4])}年{int(last[5:7])}月"
    today = clock.today()
    complete_years = [y for y in range(int(first[:4]), int(last[:4]) + 1)
                      if all(f"{y}-{m:02d}" in months for m in range(1, 13)) and dt.date(y, 12, 31) < today]
    notes = {}
    for code in missing:
        if FEED_INDICATORS[code] == "annual" and not complete_years:
            notes[code] = (f"消费监测已接入{span}的数据，分月、分商圈的数据见消费监测看板（工作人员登录后查看）；"
                           f"本指标按完整自然年度统计发布，尚无完整年度数据，故暂未发布。")
        else:
            notes[code] = (f"消费监测已接入{span}的数据（见消费监测看板，工作人员登录后查看），已结束期间的数据"
                           f"尚待领导小组办公室发布。")
    return notes


def do_publish_metrics(run, *, actor=None, engine: Engine | None = None, months: list[str] | None = None,
                       dry_run: bool = False) -> ImportOutcome:
    """Publish the metrics of the months an ingestion run touched as one release (the run's vintage). The rows go in
    through indicators' import, which asks its own right (importing indicator data)."""
    policy.check_actor(actor, "consumption.manage_data", run)
    from ..models import IngestionRun

    if run.effective_state() != IngestionRun.State.COMPLETE:
        raise ActionRefused(f"摄入批次{run.run_id}尚未成功完成，不能发布")
    months = sorted(months if months is not None else (run.months or []))
    if not months:
        raise ActionRefused(f"摄入批次{run.run_id}没有涉及任何月份，无可发布的数据")
    own_engine = engine is None
    engine = engine or Engine()
    try:
        rows = observation_rows(engine, months)
    finally:
        if own_engine:
            engine.close()
    if not rows:
        raise ActionRefused("所选月份尚未结束或没有数据，暂无可发布的指标")
    finished = run.finished_at or run.started_at
    release_fields = {
        "title": f"消费监测数据（摄入批次 {run.run_id}）", "publisher": PUBLISHER,
        # The run's finishing day identifies the vintage; never later than today (clocks moved in tests and demos).
        "published_on": min(timezone.localdate(finished), clock.today()),
        "status": "preliminary", "confidence": "供应商数据",
        "note": "由消费监测模块按摄入批次计算发布" + ("（示例数据，非真实统计）" if run.is_demo else ""),
    }
    with transaction.atomic():
        outcome = do_push_observations(rows, release_fields=release_fields, actor=actor, dry_run=dry_run,
                                       source_label=PUBLISHER)
        if outcome.ok and outcome.created and not dry_run:
            record_audit(actor, AUDIT_ACTION, run, after={
                "release": outcome.release.pk, "created": outcome.created, "unchanged": outcome.unchanged,
                "months": months}, note=f"发布{outcome.created}条观测值到“{release_fields['title']}”")
    return outcome
