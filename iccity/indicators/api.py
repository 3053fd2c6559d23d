"""Indicator API: the catalogue, one indicator with its observations (one vintage per value), and a push endpoint for
systems that deliver data.

Reading is public: anonymous callers see only indicators marked ``published``. Pushing needs an ``X-API-Key``
header; keys are never stored in clear: ``settings.ICCITY_INDICATOR_API_KEYS`` holds SHA-256 hex digests (a list, or
a dict digest → system name used in the audit trail) and is read at every request, so rotating a key needs no
restart of this code. Pushed rows get the same checks as an uploaded file and are written all or nothing: errors
come back as 400 with the same row/column messages.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any, Literal

from django.conf import settings
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict

from .actions.observations import do_push_observations
from .models import Indicator, Observation

router = Router(tags=["指标"])


def _configured_keys() -> dict[str, str]:
    keys = getattr(settings, "ICCITY_INDICATOR_API_KEYS", None) or {}
    if isinstance(keys, str):
        keys = [k for k in keys.replace(",", " ").split() if k]
    if not isinstance(keys, dict):
        keys = {digest: "" for digest in keys}
    return {str(digest).strip().lower(): str(name) for digest, name in keys.items()}


class IndicatorApiKey(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request, key: str | None):
        if not key:
            return None
        digest = hashlib.sha256(key.encode()).hexdigest()
        for stored, name in _configured_keys().items():
            if hmac.compare_digest(stored, digest):
                return name or f"密钥{stored[:8]}"
        return None


def hash_api_key(key: str) -> str:
    """What to put in ``ICCITY_INDICATOR_API_KEYS`` for a key handed to a data provider."""
    return hashlib.sha256(key.encode()).hexdigest()


class IndicatorOut(Schema):
    code: str = Field(..., description="指标代码")
    name: str = Field(..., description="名称")
    unit: str = Field(..., description="计量单位")
    frequency: str = Field(..., description="频率 annual/quarterly/monthly")
    publication: str = Field(..., description="发布方式 period（当期值）/cumulative（年初至今累计）")
    value_kind: str = Field(..., description="level/rate_only/share/count/score")
    direction: str = Field(..., description="higher/lower")
    breakdowns: list[str] = Field(..., description="允许的分组类型")
    source_org: str = Field(..., description="数据来源机构")
    published: bool = Field(..., description="是否公开发布")
    is_demo: bool = Field(..., description="示例数据")


class ReleaseOut(Schema):
    id: int
    title: str
    publisher: str
    published_on: dt.date
    status: str = Field(..., description="preliminary/revised/final")


class ObservationOut(Schema):
    area: str
    period: str = Field(..., description="2024、2024Q1、2024-03")
    period_end: dt.date
    breakdown_kind: str = Field(..., description="空表示总量")
    breakdown_value: str
    value: float | None
    growth_rate: float | None = Field(None, description="公布增速（%）")
    is_cumulative: bool
    note: str
    release: ReleaseOut


class IndicatorDetailOut(IndicatorOut):
    definition: str
    limitations: str
    source_note: str
    vintage: str = Field(..., description="latest：每个值取最新发布版次；first：取首次发布")
    observations: list[ObservationOut]


class RowIn(BaseModel):   # plain pydantic: ninja's Schema drops unknown fields, we want to warn about them
    code: str | None = Field(None, description="指标代码")
    area: str | None = Field(None, description="地区，留空为西青区")
    period: str | int | None = Field(None, description="2024、2024Q1、2024-03、2024年1-3月")
    breakdown_kind: str | None = None
    breakdown_value: str | None = None
    value: int | float | str | None = Field(None, description="数值（数字或数字字符串）")
    growth_rate: int | float | str | None = Field(None, description="公布增速（%）")
    cumulative: bool | str | None = Field(None, description="是否年初至今累计：true/false 或 是/否")
    note: str | None = None

    model_config = ConfigDict(extra="allow")


class ReleaseIn(Schema):
    title: str | None = Field(None, description="发布名称")
    publisher: str | None = Field(None, description="发布机构")
    published_on: str | None = Field(None, description="发布日期 2025-01-20")
    status: str | None = Field(None, description="preliminary/revised/final 或 初步/修订/最终")
    url: str | None = None
    confidence: str | None = None
    note: str | None = None


class PushIn(Schema):
    release: ReleaseIn
    rows: list[RowIn]
    dry_run: bool = Field(False, description="只预检，不写入")


class ProblemOut(Schema):
    row: int = Field(..., description="行号（rows 数组中从 1 起）；0 表示发布信息或整体")
    column: str
    code: str
    message: str


class PushOut(Schema):
    created: int
    unchanged: int
    dry_run: bool
    release: ReleaseOut | None
    warnings: list[ProblemOut]


class PushErrorOut(Schema):
    detail: str
    errors: list[ProblemOut]
    warnings: list[ProblemOut]


def _visible(request):
    qs = Indicator.objects.all()
    if not getattr(request.user, "is_authenticated", False):
        qs = qs.filter(published=True)
    return qs


@router.get("/", response=list[IndicatorOut], summary="指标目录")
def list_indicators(request, published_only: bool = False):
    qs = _visible(request)
    return qs.filter(published=True) if published_only else qs


@router.post("/observations", auth=IndicatorApiKey(), response={200: PushOut, 400: PushErrorOut},
             summary="推送观测值（X-API-Key）")
def push_observations(request, payload: PushIn):
    rows = [row.model_dump(exclude_none=True) for row in payload.rows]
    release_fields = payload.release.model_dump(exclude_none=True)
    outcome = do_push_observations(rows, release_fields=release_fields, dry_run=payload.dry_run,
                                   source_label=str(request.auth))
    report = outcome.report
    warnings = [w.as_dict() for w in report.warnings]
    if not report.ok:
        return Status(400, {"detail": f"发现{len(report.errors)}处问题，未写入任何数据",
                     "errors": [e.as_dict() for e in report.errors], "warnings": warnings})
    return {"created": outcome.created, "unchanged": outcome.unchanged, "dry_run": payload.dry_run,
            "release": outcome.release, "warnings": warnings}


@router.get("/{code}", response=IndicatorDetailOut, summary="指标详情与观测值")
def indicator_detail(request, code: str, vintage: Literal["latest", "first"] = "latest",
                     area: str | None = Query(None, description="地区，如 西青区"),
                     breakdown: str | None = Query(None, description="分组类型；total 表示只要总量")):
    indicator = get_object_or_404(_visible(request), code=code)
    qs = Observation.objects.filter(indicator=indicator).select_related("release")
    if area:
        qs = qs.filter(area=area)
    if breakdown == "total":
        qs = qs.filter(breakdown_kind="")
    elif breakdown:
        qs = qs.filter(breakdown_kind=breakdown)
    # One value per series point: the latest (or first) release that published it; same-day releases by entry order.
    chosen: dict[tuple, Any] = {}
    for obs in qs.order_by("release__published_on", "release_id"):
        key = (obs.area, obs.period, obs.breakdown_kind, obs.breakdown_value, obs.is_cumulative)
        if vintage == "latest" or key not in chosen:
            chosen[key] = obs
    observations = sorted(chosen.values(), key=lambda o: (o.area, o.breakdown_kind, o.breakdown_value, o.period_end,
                                                          o.is_cumulative))
    return {**{f: getattr(indicator, f) for f in IndicatorOut.model_fields}, "definition": indicator.definition,
            "limitations": indicator.limitations, "source_note": indicator.source_note, "vintage": vintage,
            "observations": observations}
