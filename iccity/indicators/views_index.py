"""Composite index editions (``/indicators/index/``): the list, one edition with its frozen method, weights, results
by unit, warnings, sensitivity (rank ranges) and inputs, and the office's form for a new edition.

Editions are shown exactly as frozen (their JSON), never recomputed on the page. Anonymous people see an edition only
when every indicator it used is published.
"""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iccity.core import clock, policy
from iccity.core.actions import ActionRefused

from . import composite
from .actions.editions import BY_LABELS, available_units, do_create_edition
from .forms import EditionForm
from .models import IndexEdition, Indicator, Release
from .views import DEFAULT_FRAMEWORK
from .views_common import is_public

SENSITIVITY = {"shift": 0.2, "runs": 500, "spread": 0.2, "seed": 0}
# Presets a person can choose without writing a weights spec; the API takes any spec.
PRESETS = {
    "equal": (_("等权 + min–max + 加权算术平均"), {}, {"indicators": "equal", "dimensions": "equal"}),
    "entropy": (_("熵权法 + min–max + 加权算术平均"), {}, {"indicators": "entropy", "dimensions": "sum"}),
    "entropy_topsis": (_("熵权-TOPSIS（同时给出 TOPSIS 贴近度）"), {"topsis": True},
                       {"indicators": "entropy", "dimensions": "sum"}),
    "critic": (_("CRITIC 法 + min–max + 加权算术平均"), {}, {"indicators": "critic", "dimensions": "sum"}),
    "geometric": (_("等权 + 加权几何平均（弱项不能被强项完全抵消）"), {"aggregation": "geometric"},
                  {"indicators": "equal", "dimensions": "equal"}),
}
BY_CHOICES = [(k, v) for k, v in BY_LABELS.items() if k != "year"]


def _codes(edition) -> set[str]:
    return {i["code"] for i in edition.inputs.get("indicators", [])}


def _public_filter(request, editions: list[IndexEdition]) -> list[IndexEdition]:
    """Anonymous people see editions built from published indicators only (one query for all editions)."""
    if not is_public(request):
        return editions
    codes = set().union(*(_codes(e) for e in editions)) if editions else set()
    hidden = set(Indicator.objects.filter(code__in=codes, published=False).values_list("code", flat=True))
    return [e for e in editions if not (_codes(e) & hidden)]


def _form(data=None) -> EditionForm:
    form = EditionForm(data, method_choices=[(k, v[0]) for k, v in PRESETS.items()],
                       initial={"as_of": clock.today(), "year": clock.today().year - 1, "method": "entropy",
                                "framework": DEFAULT_FRAMEWORK})
    form.fields["by"].choices = BY_CHOICES
    return form


def edition_list(request, form=None):
    editions = _public_filter(request, list(IndexEdition.objects.select_related("framework", "created_by")))
    can_create = policy.may(request, "indicators.create_edition")
    for e in editions:
        e.unit_count = len(e.inputs.get("units", []))
        e.method_text = _method_text(e.method, e.weights)
    return render(request, "indicators/index_list.html", {
        "nav": "indicators", "editions": editions, "can_create": can_create,
        "form": form or (_form() if can_create else None),
    })


@require_POST
@policy.requires("indicators.create_edition")
def edition_create(request):
    form = _form(request.POST)
    if form.is_valid():
        c = form.cleaned_data
        _label, method, weights = PRESETS[c["method"]]
        method = {**method, "by": c["by"], "sensitivity": SENSITIVITY}
        units = form.unit_list() or available_units(c["framework"], by=c["by"], year=c["year"], as_of=c["as_of"])
        try:
            edition = do_create_edition(framework=c["framework"], name=c["name"], areas_or_breakdowns=units,
                                        year=c["year"], as_of=c["as_of"], method=method, weights=weights,
                                        actor=request.user)
        except ActionRefused as exc:
            form.add_error(None, getattr(exc, "message", None) or str(exc))
        else:
            messages.success(request, _("已生成综合指数版次“%(name)s”") % {"name": edition.name})
            return redirect(reverse("indicators:edition", args=[edition.pk]))
    return edition_list(request, form=form)


def _method_text(method: dict, weights: dict) -> str:
    labels = composite.METHOD_LABELS
    parts = [labels.get(method.get("normalisation"), method.get("normalisation", "")),
             _("指标：%(m)s") % {"m": labels.get(weights.get("indicator_method"), weights.get("indicator_method", ""))},
             _("维度：%(m)s") % {"m": labels.get(weights.get("dimension_method"), weights.get("dimension_method", ""))},
             labels.get(method.get("aggregation"), method.get("aggregation", ""))]
    if method.get("topsis"):
        parts.append("TOPSIS")
    return " · ".join(p for p in parts if p)


def edition_detail(request, pk):
    edition = get_object_or_404(IndexEdition.objects.select_related("framework", "created_by"), pk=pk)
    if not _public_filter(request, [edition]):
        raise Http404(_("没有这个综合指数版次，或其使用的指标尚未公开发布"))
    inputs, weights, results = edition.inputs, edition.weights, edition.results
    names = {i["code"]: i for i in inputs.get("indicators", [])}
    dims = inputs.get("dimensions", [])
    weight_rows = []
    for d in dims:
        if d["code"] not in weights.get("dimensions", {}):
            continue
        within = weights.get("within", {}).get(d["code"], {})
        weight_rows.append({"dimension": d, "weight": weights["dimensions"][d["code"]], "indicators": [
            {"code": c, "name": names[c]["name"], "within": w, "effective": weights.get("effective", {}).get(c)}
            for c, w in within.items()]})
    dim_codes = [r["dimension"]["code"] for r in weight_rows]
    units = sorted(results.get("units", []), key=lambda r: r["rank"])
    mc = results.get("sensitivity", {}).get("monte_carlo", {}).get("ranks", {})
    for row in units:
        row["dim_scores"] = [row["dimensions"].get(c) for c in dim_codes]
        row["range"] = mc.get(row["unit"])
    sensitivity = results.get("sensitivity", {})
    changes = [{**c, "name": names.get(c["indicator"], {}).get("name", c["indicator"])}
               for c in sensitivity.get("rank_changes", [])]
    release_ids = {c["release"] for c in inputs.get("cells", [])}
    releases = list(Release.objects.filter(pk__in=release_ids).order_by("-published_on", "-id"))
    chart = {
        "weights": {"labels": [i["name"] for r in weight_rows for i in r["indicators"]],
                    "values": [i["effective"] for r in weight_rows for i in r["indicators"]],
                    "title": _("有效权重")},
        "results": {"units": [r["unit"] for r in units],
                    "dimensions": [{"name": r["dimension"]["name"], "values": [u["dimensions"].get(r["dimension"]["code"])
                                                                               for u in units]} for r in weight_rows],
                    "overall": {"name": _("综合得分"), "values": [u["overall"] for u in units]}},
    }
    return render(request, "indicators/edition.html", {
        "nav": "indicators", "edition": edition, "method_text": _method_text(edition.method, weights),
        "by_label": BY_LABELS.get(inputs.get("by"), ""), "weight_rows": weight_rows, "units": units,
        "dimension_names": [r["dimension"]["name"] for r in weight_rows], "releases": releases,
        "sensitivity": sensitivity, "rank_changes": changes, "imputed": [{**c, "name": names.get(c["indicator"], {}).get("name", c["indicator"])}
                                                  for c in results.get("imputed", [])],
        "has_topsis": any("topsis" in u for u in units), "chart": chart, "names": names,
        "ahp": weights.get("ahp", {}),
    })
