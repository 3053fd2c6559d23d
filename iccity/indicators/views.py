"""The indicator catalogue by dimension (``/indicators/``): each dimension of the chosen framework (default the Xiqing
plan's five) with its indicators, their latest value and progress status, a count by status, a status filter and
search. The other pages live in ``views_indicator`` (one indicator, downloads, single values), ``views_import``
(uploads) and ``views_index`` (composite index editions).

The page runs a fixed number of queries: statuses are judged for all indicators at once from one read of the
observations and one of the targets, with the same pure functions ``progress.indicator_status`` uses.
"""
from __future__ import annotations

from collections import Counter

from django.db.models import Prefetch, Q
from django.shortcuts import render

from iccity.core.public_cache import public_page
from iccity.core.policy import may, requires

from . import progress
from .forms import CatalogueFilterForm
from .models import Framework
from .views_common import feed_notes, plain, visible_indicators

DEFAULT_AREA = "西青区"
# The Xiqing plan's five dimensions are the default view (code from data/catalogue.toml).
DEFAULT_FRAMEWORK = "xiqing-2023"


def _framework(code: str, frameworks: list[Framework]) -> Framework | None:
    by_code = {f.code: f for f in frameworks}
    return by_code.get(code) or by_code.get(DEFAULT_FRAMEWORK) or (frameworks[0] if frameworks else None)


def _card(indicator, latest, status, notes=None) -> dict:
    return {"indicator": indicator, "latest": latest, "value": plain(latest.value) if latest else "",
            "growth": plain(latest.growth_rate) if latest else "", "status": status,
            "feed_note": (notes or {}).get(indicator.code, "") if latest is None else ""}


@requires("indicators.view_catalogue")
@public_page(reads=("indicators", "plans", "orgs", "consumption"))
def catalogue(request):
    form = CatalogueFilterForm(request.GET or None)
    q, wanted, code = form.value("q"), form.value("status"), form.value("framework")
    frameworks = list(Framework.objects.order_by("code"))
    framework = _framework(code, frameworks)
    indicators = visible_indicators(request).select_related("responsible_unit")
    if q:
        indicators = indicators.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(definition__icontains=q))
    dimensions = []
    if framework is not None:
        dimensions = list(framework.dimensions.prefetch_related(
            Prefetch("indicators", queryset=indicators.order_by("code"), to_attr="shown")))
    in_dimensions = {i.pk for d in dimensions for i in d.shown}
    others = [i for i in indicators.order_by("code") if i.pk not in in_dimensions]
    judged = progress.indicator_statuses([i for d in dimensions for i in d.shown] + others)
    every = {i.pk: i for d in dimensions for i in d.shown} | {i.pk: i for i in others}
    notes = feed_notes([every[pk].code for pk, (latest, _s) in judged.items() if latest is None])

    def cards(items):
        built = [_card(i, *judged[i.pk], notes) for i in items]
        summary = Counter(c["status"].code for c in built)
        shown = [c for c in built if not wanted or c["status"].code == wanted]
        return shown, [(code, progress.LABELS[code], summary[code]) for code in progress.LABELS if summary[code]]

    sections = []
    for d in dimensions:
        shown, summary = cards(d.shown)
        sections.append({"dimension": d, "cards": shown, "summary": summary, "total": len(d.shown)})
    if others:
        shown, summary = cards(others)
        sections.append({"dimension": None, "cards": shown, "summary": summary, "total": len(others)})
    overall = Counter()
    for pk, (_latest, status) in judged.items():
        overall[status.code] += 1
    context = {
        "nav": "indicators", "form": form, "frameworks": frameworks, "framework": framework, "sections": sections,
        "q": q, "wanted": wanted, "count": len(judged),
        "overall": [(c, progress.LABELS[c], overall[c]) for c in progress.LABELS if overall[c]],
        "can_import": may(request, "indicators.import_data"),
    }
    if request.htmx and request.htmx.target == "catalogue-results":
        return render(request, "indicators/_catalogue_results.html", context)
    return render(request, "indicators/catalogue.html", context)
