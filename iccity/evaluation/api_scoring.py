"""考评 API: the league table of a period and one unit's points with the record behind each (session login; the
same roles as the pages: office, district leaders, task-force leads)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from iccity.core.actions import ActionRefused
from iccity.core.schemas import Error
from iccity.orgs.permissions import actor_for

from . import scoring
from .models import ScoreEntry, UnitScore
from .views_scoring import DENIED, may_see_scores

router = Router()  # joined into the app's router in api.py


class ScoreOut(Schema):
    unit_id: int
    unit: str
    rank: int
    previous_rank: int | None = Field(None, description="上期名次；上期未参评为空")
    rank_change: int | None = Field(None, description="正数为上升位数")
    base: Decimal
    bonus: Decimal
    deduction: Decimal = Field(..., description="扣分（正数）")
    total: Decimal


class LeagueOut(Schema):
    period: str
    period_start: dt.date
    period_end: dt.date
    rule_version: int
    computed_at: dt.datetime
    scores: list[ScoreOut]


class EntryOut(Schema):
    event: str
    role: str
    points: Decimal
    capped: bool
    description: str
    source_type: str | None = Field(None, description="来源记录类型，如 delivery.report")
    source_id: str
    occurred_on: dt.date | None


class UnitScoreDetailOut(Schema):
    period: str
    unit: str
    score: ScoreOut
    entries: list[EntryOut]


def _guard(request) -> None:
    if not may_see_scores(actor_for(request)):
        raise HttpError(403, DENIED)


def _score(s: UnitScore) -> dict:
    return {"unit_id": s.unit_id, "unit": s.unit.name, "rank": s.rank, "previous_rank": s.previous_rank,
            "rank_change": s.rank_change, "base": s.base, "bonus": s.bonus, "deduction": s.deduction, "total": s.total}


@router.get("/league", response={200: LeagueOut, 400: Error, 403: Error, 404: Error}, auth=django_auth,
            summary="单位考评排名（默认最近一期）")
def league(request, period: str | None = None):
    _guard(request)
    try:
        run, rows = scoring.league_table(period or None)
    except ActionRefused as exc:
        raise HttpError(400, exc.message) from None
    if run is None:
        raise HttpError(404, "该考核期尚未计分")
    return {"period": run.period, "period_start": run.period_start, "period_end": run.period_end,
            "rule_version": run.rule.version, "computed_at": run.computed_at, "scores": [_score(s) for s in rows]}


@router.get("/league/{period}/{unit_id}", response={200: UnitScoreDetailOut, 400: Error, 403: Error, 404: Error},
            auth=django_auth, summary="单位考评明细（每一分的来源）")
def league_unit(request, period: str, unit_id: int):
    _guard(request)
    try:
        key = scoring.parse_period(period).key
    except ActionRefused as exc:
        raise HttpError(400, exc.message) from None
    score = UnitScore.objects.select_related("unit", "run").filter(run__period=key, run__is_current=True, unit_id=unit_id).first()
    if score is None:
        raise HttpError(404, "没有该单位本期的得分")
    entries = ScoreEntry.objects.filter(run=score.run, unit_id=unit_id).select_related("source_type").order_by("occurred_on", "id")
    return {"period": key, "unit": score.unit.name, "score": _score(score), "entries": [
        {"event": e.event, "role": e.role, "points": e.points, "capped": e.capped, "description": e.description,
         "source_type": f"{e.source_type.app_label}.{e.source_type.model}" if e.source_type else None,
         "source_id": e.source_id, "occurred_on": e.occurred_on} for e in entries]}
