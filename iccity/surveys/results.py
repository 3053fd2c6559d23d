"""A wave's indices, computed from its answers (a fixed number of queries whatever the number of responses)."""
from __future__ import annotations

from collections import defaultdict

from . import sampling
from .models import Answer, Response, SurveyDimension, SurveyItem, Wave


def structure_of(survey) -> dict[str, tuple[float, dict[str, float]]]:
    items = defaultdict(dict)
    for item_id, dim_code, weight in SurveyItem.objects.filter(dimension__survey=survey).values_list(
            "pk", "dimension__code", "weight"):
        items[dim_code][item_id] = float(weight)
    return {d.code: (float(d.weight), items[d.code])
            for d in SurveyDimension.objects.filter(survey=survey).order_by("position")}


def compute(wave: Wave) -> dict:
    """{"method", "parameters", "target", "areas": [...], "overall": {...}} — plain JSON, also what is frozen."""
    survey = wave.survey
    structure = structure_of(survey)
    plan = wave.sample_plan()
    deff = float(wave.design_effect)
    areas = list(wave.areas.order_by("position", "code"))
    scores: dict[int, dict] = defaultdict(dict)
    counted = Response.objects.filter(wave=wave).counted()  # flagged responses stay out until accepted
    for response_id, item_id, score in Answer.objects.filter(response__in=counted).values_list(
            "response_id", "item_id", "score"):
        scores[response_id][item_id] = score
    by_area: dict[int, list[tuple[float | None, dict]]] = defaultdict(list)
    for response_id, area_id in counted.values_list("pk", "area_id"):
        by_area[area_id].append(sampling.response_index(scores.get(response_id, {}), structure, survey.scale_max))

    def summary(results: list[tuple[float | None, dict]]) -> dict:
        scored = [index for index, _ in results if index is not None]
        out = sampling.estimate(scored, z=plan.z, deff=deff).as_dict()
        out["responses"] = len(results)
        out["below_target"] = len(scored) < plan.n
        out["dimensions"] = []  # in questionnaire order, so pages and exports need no lookups
        for code in structure:
            values = [dims[code] for _, dims in results if code in dims]
            out["dimensions"].append({"code": code, **sampling.estimate(values, z=plan.z, deff=deff).as_dict()})
        return out

    rows = []
    for area in areas:
        rows.append({"code": area.code, "name": area.name, **summary(by_area.get(area.pk, []))})
    everything = [r for results in by_area.values() for r in results]
    return {
        "method": "题目得分=(x−1)/(k−1)×100；维度得分为已答题目加权平均，指数为维度加权平均；"
                  "商圈指数为答卷指数均值，总体为全部答卷均值；误差=z×√(deff×s²/n)",
        "parameters": {"margin_of_error": float(wave.margin_of_error), "confidence": float(wave.confidence),
                       "design_effect": deff, "expected_proportion": float(wave.expected_proportion), "z": round(plan.z, 4)},
        "target": plan.n,
        "dimensions": [{"code": d.code, "name": d.name, "weight": float(d.weight)}
                       for d in SurveyDimension.objects.filter(survey=survey).order_by("position")],
        "areas": rows,
        "overall": summary(everything),
        "held_for_review": Response.objects.filter(wave=wave).awaiting_review().count(),
    }


def results_for(wave: Wave) -> dict:
    """The frozen result of a closed wave if there is one, else a live computation, cached under the wave's
    response count and latest id (one cheap query): a new response changes the key, so the page is never stale,
    while the index page's polling does not recompute ~0.4 s per 1,000 responses for every viewer."""
    if wave.frozen_results:
        return {**wave.frozen_results, "frozen": True}
    from django.core.cache import cache
    from django.db.models import Count, Max

    state = Response.objects.filter(wave=wave).aggregate(n=Count("pk"), last=Max("pk"), reviewed=Max("reviewed_at"))
    reviewed = state["reviewed"].timestamp() if state["reviewed"] else 0
    key = f"iccity:surveys:results:{wave.pk}:{state['n']}:{state['last']}:{reviewed}:{wave.survey_id}"
    result = cache.get(key)
    if result is None:
        result = compute(wave)
        cache.set(key, result, 300)
    return {**result, "frozen": False}
