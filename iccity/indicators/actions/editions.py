"""Frozen composite-index editions.

``do_create_edition`` reads, for every indicator × unit × period, the value of the latest release published on or
before ``as_of`` (one query), freezes the exact cells it used in ``inputs``, computes with ``composite.compute`` and
stores method, resolved weights, results and warnings in one transaction with an audit record. Editions are never
updated: new data or other weights mean a new edition. ``do_rerun_edition`` recomputes from the stored inputs and
must give the stored results back (reproducibility check).

``method`` keys (all optional): ``by`` town | district | area | year (default town), ``area`` (default 西青区),
``normalisation`` minmax | zscore, ``aggregation`` arithmetic | geometric, ``topsis`` bool, ``missing`` refuse | mean,
``sensitivity`` {"shift": 0.2, "runs": 500, "spread": 0.2, "seed": 0}.

``weights`` (optional) has ``indicators`` and/or ``dimensions``, each one of: "equal", "entropy" / "critic"
(indicators only), "sum" (dimensions only: each dimension weighs the sum of its indicator weights),
{"ahp": {"order": [codes], "matrix": [[1, 3, "1/5"], …]}}, {"user": {code: 0–5}}, {"given": {code: number}}.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db import transaction

from iccity.core import policy
from iccity.core.actions import ActionRefused, record_audit
from iccity.indicators import composite
from iccity.indicators.models import Framework, IndexEdition, IndicatorDimension, Observation

BY_LABELS = {"town": "镇街", "district": "商圈", "area": "地区", "year": "年份"}
DEFAULT_AREA = "西青区"
ENGINE = "iccity.indicators.composite/1"
DECIMALS = 6  # stored scores and weights: enough for ranking, stable across BLAS builds


def _r(x) -> float:
    return round(float(x), DECIMALS)


# ---------------------------------------------------------------- reading the data

def _structure(framework: Framework) -> tuple[list[dict], list[dict]]:
    """Dimensions (in order, with their indicator codes) and the framework's distinct indicators."""
    dims: dict[int, dict] = {}
    indicators: dict[str, dict] = {}
    rows = (IndicatorDimension.objects.filter(dimension__framework=framework)
            .select_related("indicator", "dimension").order_by("dimension__position", "dimension_id", "indicator__code"))
    for row in rows:
        d, ind = row.dimension, row.indicator
        dims.setdefault(d.pk, {"code": d.code, "name": d.name, "indicators": []})["indicators"].append(ind.code)
        indicators.setdefault(ind.code, {"id": ind.pk, "code": ind.code, "name": ind.name, "unit": ind.unit,
                                         "direction": ind.direction})
    return list(dims.values()), list(indicators.values())


def _observations(indicator_ids, *, by: str, area: str, units: list[str], periods: list[str], as_of: dt.date):
    qs = Observation.objects.filter(indicator_id__in=indicator_ids, period__in=periods, is_cumulative=False,
                                    value__isnull=False, release__published_on__lte=as_of)
    if by in ("town", "district"):
        qs = qs.filter(area=area, breakdown_kind=by, breakdown_value__in=units)
    elif by == "area":
        qs = qs.filter(area__in=units, breakdown_kind="")
    else:
        qs = qs.filter(area=area, breakdown_kind="")
    return qs.order_by("release__published_on", "release_id", "id").values(
        "id", "indicator_id", "release_id", "release__published_on", "area", "period", "breakdown_value", "value")


def available_units(framework: Framework, *, by: str, year: int | None = None, as_of: dt.date,
                    area: str = DEFAULT_AREA) -> list[str]:
    """Towns / 商圈 / areas with at least one value for the framework (the CLI default when none are named)."""
    qs = Observation.objects.filter(indicator__dimensions__framework=framework, release__published_on__lte=as_of,
                                    value__isnull=False, is_cumulative=False)
    if year is not None:
        qs = qs.filter(period=str(year))
    if by == "area":
        return sorted(set(qs.filter(breakdown_kind="").values_list("area", flat=True)))
    return sorted(set(qs.filter(area=area, breakdown_kind=by).values_list("breakdown_value", flat=True)))


# ---------------------------------------------------------------- weights spec → ordered numbers

def _ordered_spec(spec, codes: list[str], level: str, notes: list[str]):
    """Turn a weights spec keyed by codes into (kind, input in ``codes`` order)."""
    if spec is None or spec == "equal":
        return "equal", None
    if isinstance(spec, str):
        if spec in ("entropy", "critic") and level == "指标":
            return spec, None
        if spec == "sum" and level == "维度":
            return "sum", None
        raise ActionRefused(f"{level}赋权方法无法识别：{spec}。")
    if not isinstance(spec, dict) or len(spec) != 1:
        raise ActionRefused(f"{level}权重格式不正确：应为 equal、entropy、critic，或 {{\"ahp\"|\"user\"|\"given\": …}}。")
    kind, body = next(iter(spec.items()))
    if kind == "ahp":
        order, matrix = list((body or {}).get("order") or []), (body or {}).get("matrix")
        unknown = [c for c in order if c not in codes]
        missing = [c for c in codes if c not in order]
        if missing or not matrix:
            raise ActionRefused(f"{level}判断矩阵缺少：{'、'.join(missing) or '矩阵'}。")
        if unknown:
            notes.append(f"{level}判断矩阵中的 {'、'.join(unknown)} 不在本次计算中，已取子矩阵重新检验一致性。")
        idx = [order.index(c) for c in codes]
        try:
            return "ahp", [[matrix[i][j] for j in idx] for i in idx]
        except (IndexError, TypeError):
            raise ActionRefused(f"{level}判断矩阵的阶数与 order 不一致。") from None
    if kind in ("user", "given"):
        if not isinstance(body, dict):
            raise ActionRefused(f"{level}{'评分' if kind == 'user' else '权重'}应为 {{代码: 数值}}。")
        missing = [c for c in codes if c not in body]
        if missing:
            raise ActionRefused(f"{level}{'评分' if kind == 'user' else '权重'}缺少：{'、'.join(missing)}。")
        unknown = [c for c in body if c not in codes]
        if unknown:
            notes.append(f"{level}权重中的 {'、'.join(unknown)} 不在本次计算中，已忽略，其余按比例重新归一。")
        try:
            return kind, [float(body[c]) for c in codes]
        except (TypeError, ValueError):
            raise ActionRefused(f"{level}{'评分' if kind == 'user' else '权重'}须为数字。") from None
    raise ActionRefused(f"{level}赋权方法无法识别：{kind}。")


# ---------------------------------------------------------------- the computation (shared by create and rerun)

@dataclass
class Computed:
    weights: dict
    results: dict
    warnings: list[str]


def compute_from_inputs(inputs: dict, method: dict, spec: dict | None) -> Computed:
    notes: list[str] = []
    units = inputs["units"]
    values: dict[tuple[str, str], Decimal] = {(c["unit"], c["indicator"]): Decimal(c["value"]) for c in inputs["cells"]}
    present = {code for _, code in values}
    indicators = [i for i in inputs["indicators"] if i["code"] in present]
    dropped = [i["name"] for i in inputs["indicators"] if i["code"] not in present]
    if dropped:
        notes.append(f"以下指标在所选{BY_LABELS[method['by']]}和期间没有任何已发布数据，未纳入计算：{'、'.join(dropped)}。")
    codes = [i["code"] for i in indicators]
    col = {c: j for j, c in enumerate(codes)}
    dims = [d for d in inputs["dimensions"] if any(c in col for c in d["indicators"])]
    for d in inputs["dimensions"]:
        if d not in dims:
            notes.append(f"维度“{d['name']}”没有可用指标，未纳入计算。")
    if not codes or not dims:
        raise ActionRefused("所选框架、单元和期间没有任何可用数据，无法生成综合指数。")
    groups = [[col[c] for c in d["indicators"] if c in col] for d in dims]
    # float(Decimal) is exact for the stored 4-decimal strings, so create and rerun see the same matrix
    matrix = [[float(values[(u, c)]) if (u, c) in values else np.nan for c in codes] for u in units]
    spec = spec or {}
    ind_kind, ind_input = _ordered_spec(spec.get("indicators"), codes, "指标", notes)
    dim_codes = [d["code"] for d in dims]
    dim_kind, dim_input = _ordered_spec(spec.get("dimensions"), dim_codes, "维度", notes)
    try:
        res = composite.compute(
            matrix, [i["direction"] for i in indicators], groups, normalisation=method["normalisation"],
            weighting=ind_kind, weighting_input=ind_input, dimension_weighting=dim_kind, dimension_input=dim_input,
            aggregation=method["aggregation"], with_topsis=method["topsis"], missing=method["missing"],
            time_series=method["by"] == "year", unit_labels=units, labels=[i["name"] for i in indicators],
            dimension_labels=[d["name"] for d in dims])
        sens = _sensitivity(res, method, units, codes)
    except composite.CompositeError as exc:
        raise ActionRefused(exc.message) from exc
    weights = {
        "indicator_method": ind_kind, "dimension_method": dim_kind,
        "indicators": {c: _r(w) for c, w in zip(codes, res.indicator_weights)},
        "dimensions": {c: _r(w) for c, w in zip(dim_codes, res.dimension_weights)},
        "within": {d: {codes[j]: _r(w) for j, w in zip(g, res.within[k])}
                   for k, (d, g) in enumerate(zip(dim_codes, groups))},
        "effective": {c: _r(w) for c, w in zip(codes, res.effective)},
        "ahp": {level: {k: _r(v) for k, v in info.items()} for level, info in res.ahp.items()},
        "spec": spec,
    }
    rows = []
    for i, u in enumerate(units):
        row = {"unit": u, "overall": _r(res.overall[i]), "rank": int(res.ranks[i]),
               "dimensions": {d: _r(res.dimension_scores[i, k]) for k, d in enumerate(dim_codes)},
               "normalised": {c: _r(res.normalised[i, j]) for j, c in enumerate(codes)}}
        if res.closeness is not None:
            row["topsis"], row["topsis_rank"] = _r(res.closeness[i]), int(res.closeness_ranks[i])
        rows.append(row)
    results = {"units": rows, "imputed": [{"unit": units[i], "indicator": codes[j]} for i, j in res.imputed]}
    if sens:
        results["sensitivity"] = sens
    return Computed(weights=weights, results=results, warnings=notes + res.notes)


def _sensitivity(res: composite.IndexResult, method: dict, units: list[str], codes: list[str]) -> dict:
    opts = method.get("sensitivity") or {}
    out: dict = {}
    if "shift" in opts:
        oat = composite.sensitivity(res.normalised, res.effective, shift=float(opts["shift"]),
                                    aggregation=method["aggregation"], labels=codes)
        out["shift"] = float(opts["shift"])
        out["rank_changes"] = [{"indicator": c["indicator"], "shift": c["shift"],
                                "units": {units[i]: c["ranks"][i] for i in c["changed"]}}
                               for c in oat["cases"] if c["changed"]]
    if "runs" in opts:
        mc = composite.monte_carlo(res.normalised, res.effective, runs=int(opts["runs"]),
                                   spread=float(opts.get("spread", 0.2)), seed=int(opts.get("seed", 0)),
                                   aggregation=method["aggregation"])
        out["monte_carlo"] = {"runs": mc["runs"], "spread": mc["spread"], "seed": mc["seed"],
                              "ranks": {u: {"min": mc["min"][i], "median": mc["median"][i], "max": mc["max"][i]}
                                        for i, u in enumerate(units)}}
    return out


# ---------------------------------------------------------------- actions

def _method(method: dict | None) -> dict:
    m = dict(method or {})
    out = {"by": m.pop("by", "town"), "area": m.pop("area", DEFAULT_AREA),
           "normalisation": m.pop("normalisation", "minmax"), "aggregation": m.pop("aggregation", "arithmetic"),
           "topsis": bool(m.pop("topsis", False)), "missing": m.pop("missing", "refuse"),
           "sensitivity": m.pop("sensitivity", None) or None}
    if m:
        raise ActionRefused(f"无法识别的方法参数：{'、'.join(m)}。")
    if out["by"] not in BY_LABELS:
        raise ActionRefused(f"评价单元类型应为 {'、'.join(BY_LABELS)} 之一，而不是 {out['by']}。")
    for key, allowed in (("normalisation", composite.NORMALISATIONS), ("aggregation", composite.AGGREGATIONS),
                         ("missing", ("refuse", "mean"))):
        if out[key] not in allowed:
            raise ActionRefused(f"{key} 应为 {'、'.join(allowed)} 之一，而不是 {out[key]}。")
    return out


def do_create_edition(*, framework: Framework, name: str, areas_or_breakdowns=(), year: int | None = None,
                      years=None, as_of: dt.date, method: dict | None = None, weights: dict | None = None,
                      actor=None) -> IndexEdition:
    """Compute and freeze one edition. ``areas_or_breakdowns``: town / 商圈 names (by town|district), area names
    (by area), or the single area of a time index (by year, with ``years``)."""
    policy.check_actor(actor, "indicators.create_edition", framework)
    m = _method(method)
    name = (name or "").strip()
    if not name:
        raise ActionRefused("请填写综合指数版次名称。")
    if not isinstance(as_of, dt.date):
        raise ActionRefused("数据截止日期（as_of）必须是日期。")
    names = [str(u).strip() for u in areas_or_breakdowns if str(u).strip()]
    if m["by"] == "year":
        periods = [str(int(y)) for y in (years or ([year] if year else []))]
        if len(set(periods)) < 2:
            raise ActionRefused("按年份计算的时间指数至少需要 2 个年份（years）。")
        if len(names) > 1:
            raise ActionRefused("按年份计算时只能选择一个地区。")
        m["area"] = names[0] if names else m["area"]
        units = sorted(set(periods))
        periods = units
    else:
        if year is None:
            raise ActionRefused("请指定年份（year）。")
        if len(names) != len(set(names)) or not names:
            raise ActionRefused(f"请选择不重复的{BY_LABELS[m['by']]}（至少 1 个）。")
        units, periods = names, [str(int(year))]
    dims, indicators = _structure(framework)
    if not dims:
        raise ActionRefused(f"框架“{framework.name}”还没有维度和指标。")
    unit_of = (lambda o: o["period"]) if m["by"] == "year" else (
        (lambda o: o["area"]) if m["by"] == "area" else (lambda o: o["breakdown_value"]))
    code_of = {i["id"]: i["code"] for i in indicators}
    latest: dict[tuple[str, str], dict] = {}
    for o in _observations(list(code_of), by=m["by"], area=m["area"], units=units, periods=periods, as_of=as_of):
        latest[(unit_of(o), code_of[o["indicator_id"]])] = o  # ordered by publication: the last one wins
    cells = [{"unit": u, "indicator": c, "observation": o["id"], "release": o["release_id"],
              "published_on": o["release__published_on"].isoformat(), "value": str(o["value"])}
             for (u, c), o in sorted(latest.items(), key=lambda kv: (units.index(kv[0][0]), kv[0][1]))]
    inputs = {"by": m["by"], "area": m["area"], "periods": periods, "units": units, "dimensions": dims,
              "indicators": [{k: v for k, v in i.items() if k != "id"} for i in indicators], "cells": cells}
    computed = compute_from_inputs(inputs, m, weights)
    stored_method = {**m, "periods": periods, "indicator_weighting": computed.weights["indicator_method"],
                     "dimension_weighting": computed.weights["dimension_method"], "engine": ENGINE,
                     "numpy": np.__version__, "framework": {"code": framework.code, "version": framework.version}}
    with transaction.atomic():
        edition = IndexEdition.objects.create(
            name=name, framework=framework, method=stored_method, weights=computed.weights, inputs=inputs,
            results=computed.results, warnings=computed.warnings, as_of=as_of,
            created_by=actor if getattr(actor, "is_authenticated", False) else None)
        record_audit(actor, "indicators.indexedition.created", edition,
                     after={"method": stored_method, "units": units, "as_of": as_of.isoformat(),
                            "cells": len(cells), "warnings": len(computed.warnings)},
                     note=f"综合指数版次：{len(units)} 个{BY_LABELS[m['by']]}，{len(cells)} 个观测值")
    return edition


def do_rerun_edition(edition: IndexEdition) -> Computed:
    """Recompute an edition from its frozen inputs, method and weights spec. Writes nothing; compare
    ``.results`` with ``edition.results`` to prove the edition is reproducible."""
    method = {k: edition.method[k] for k in ("by", "area", "normalisation", "aggregation", "topsis", "missing",
                                             "sensitivity")}
    return compute_from_inputs(edition.inputs, method, edition.weights.get("spec"))


def is_reproducible(edition: IndexEdition) -> bool:
    again = do_rerun_edition(edition)
    return again.results == edition.results and again.weights == edition.weights and again.warnings == edition.warnings
