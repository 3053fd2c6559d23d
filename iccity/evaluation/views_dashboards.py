"""Dashboards: the office command screen (full screen, ECharts), the leader's summary and the public progress page.

Every figure is computed from delivery and indicator rows in a fixed number of queries (aggregates, bulk status
readers), so a page costs the same with five years of data as with one month (tests compare 1× and 10×).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, OrderedDict

from django.db.models import Count
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from iccity.core.policy import requires
from iccity.core import clock
from iccity.core.public_cache import public_page

from . import lights as lights_mod
from . import public as public_mod
from . import ratings as ratings_mod
from .views_lights import current_version

__all__ = ["command", "leader", "public"]

HEX = {"grey": "#9e9e9e", "green": "#2e7d32", "blue": "#1565c0", "yellow": "#f9a825", "red": "#c62828"}
STATUS_HEX = {"achieved": "#1b5e20", "on_track": "#43a047", "acceleration_needed": "#fbc02d",
              "limited_progress": "#fb8c00", "deterioration": "#c62828", "insufficient_data": "#9e9e9e",
              "not_applicable": "#cfd8dc"}
TREND_MONTHS = 12


def _month_ends(on: dt.date, months: int) -> list[dt.date]:
    """The last ``months`` month ends before ``on``, oldest first, then ``on`` itself."""
    ends, day = [], on.replace(day=1) - dt.timedelta(days=1)
    for _i in range(months):
        ends.append(day)
        day = day.replace(day=1) - dt.timedelta(days=1)
    return sorted(ends) + [on]


def overdue_trend(version, on: dt.date, months: int = TREND_MONTHS) -> list[dict]:
    """Work items overdue at each month end (deadline passed, not done by then): one aggregate query."""
    from iccity.delivery.figures import overdue_at
    from iccity.delivery.models import WorkItem

    ends = _month_ends(on, months)
    counts = WorkItem.objects.filter(task__version=version).aggregate(
        **{f"m{i}": Count("id", filter=overdue_at(d)) for i, d in enumerate(ends)})
    return [{"month": f"{d:%Y-%m}" if d != on else f"{d:%m-%d}", "count": counts[f"m{i}"]} for i, d in enumerate(ends)]


def _colour_table(rules, pairs, key_of) -> dict:
    """{names: [...], rows: [{name, counts: {code: n}}]} of lights counted by a grouping key."""
    table: OrderedDict[str, Counter] = OrderedDict()
    for task, light in pairs:
        for name in key_of(task):
            table.setdefault(name, Counter())[light.colour] += 1
    return {"names": list(table), "rows": [{"name": n, "counts": dict(c)} for n, c in table.items()]}


def lights_summary(version, on: dt.date) -> dict:
    from iccity.delivery.models import DrivenTask

    rules = lights_mod.rules_in_force(on)
    pairs = lights_mod.lights_with_tasks(version, on, rules)
    forces: dict[int, list[str]] = {}
    driven = (DrivenTask.objects.filter(task__version=version)
              .order_by("task_force__sort_order", "task_force__name").values_list("task_id", "task_force__name"))
    for task_id, name in driven:
        forces.setdefault(task_id, []).append(name)
    colours = [{"code": c["code"], "label": c["label"], "hex": HEX.get(c["code"], "#607d8b")} for c in rules.ordered()]
    totals = Counter(light.colour for _t, light in pairs)
    return {
        "rules": rules, "pairs": pairs, "colours": colours,
        "totals": [{**c, "count": totals.get(c["code"], 0)} for c in colours],
        "by_group": _colour_table(rules, pairs, lambda t: [t.group.title if t.group else _("保障措施")]),
        "by_force": _colour_table(rules, pairs, lambda t: forces.get(t.pk) or [_("未分配专班")]),
        "risks": sorted([(t, lt) for t, lt in pairs if rules.rank.get(lt.colour, 0) > rules.rank.get("green", 0)],
                        key=lambda p: (-rules.rank.get(p[1].colour, 0), p[0].kind, p[0].number)),
    }


def indicators_by_dimension(on: dt.date, published_only: bool = False) -> dict:
    """Indicator statuses (Open SDG) counted by dimension of the first framework: a fixed number of queries."""
    from iccity.indicators.models import Framework, IndicatorDimension
    from iccity.indicators.progress import LABELS, indicator_statuses

    framework = Framework.objects.order_by("id").first()
    if framework is None:
        return {"framework": None, "names": [], "statuses": [], "rows": []}
    links = IndicatorDimension.objects.filter(dimension__framework=framework).select_related("indicator", "dimension")
    if published_only:
        links = links.filter(indicator__published=True)
    links = list(links.order_by("dimension__position", "indicator__code"))
    indicators = list({link.indicator_id: link.indicator for link in links}.values())
    statuses = indicator_statuses(indicators, as_of=on) if indicators else {}
    table: OrderedDict[str, Counter] = OrderedDict()
    for link in links:
        table.setdefault(link.dimension.name, Counter())[statuses[link.indicator_id][1].code] += 1
    codes = [c for c in LABELS if any(c in counter for counter in table.values())]
    return {"framework": framework, "names": list(table),
            "statuses": [{"code": c, "label": LABELS[c], "hex": STATUS_HEX.get(c, "#607d8b")} for c in codes],
            "rows": [{"name": n, "counts": [counter.get(c, 0) for c in codes]} for n, counter in table.items()],
            "indicators": indicators, "by_indicator": statuses}


def current_figures(version, today: dt.date):
    """The plan's current cycle counted by delivery.figures (None before any cycle is opened)."""
    from iccity.delivery import figures
    from iccity.delivery.models import ReportingCycle
    from iccity.delivery.views_common import current_cycle

    cycle = current_cycle(list(ReportingCycle.objects.filter(plan_id=version.plan_id).order_by("-period_start", "-id")),
                          today)
    return figures.cycle_figures(cycle, today=today) if cycle is not None else None


def league() -> tuple[object, list]:
    """The latest league table; (None, []) shows “暂无计分”."""
    from .scoring import league_table

    run, scores = league_table(None)
    return run, list(scores)


def _chart_data(summary: dict, trend: list[dict], dims: dict) -> dict:
    def series(table):
        return [{"name": c["label"], "code": c["code"], "color": c["hex"],
                 "data": [row["counts"].get(c["code"], 0) for row in table["rows"]]} for c in summary["colours"]]

    return {
        "by_group": {"names": summary["by_group"]["names"], "series": series(summary["by_group"])},
        "by_force": {"names": summary["by_force"]["names"], "series": series(summary["by_force"])},
        "trend": {"months": [p["month"] for p in trend], "counts": [p["count"] for p in trend],
                  "label": _("逾期事项数")},
        "dimensions": {"names": dims["names"],
                       "series": [{"name": s["label"], "color": s["hex"], "data": [row["counts"][i] for row in dims["rows"]]}
                                  for i, s in enumerate(dims["statuses"])]},
    }


@requires("evaluation.view_command_screen")
def command(request):
    """The office command screen (指挥大屏): its own full-screen layout, not the site chrome. Read-only, so district
    leaders open it too (watching dashboards is their job); nobody else."""
    from .models import LightTransition

    today = clock.today()
    version = current_version(request)
    summary = lights_summary(version, today)
    trend = overdue_trend(version, today)
    dims = indicators_by_dimension(today)
    run, scores = league()
    transitions = list(LightTransition.objects.filter(task__version=version).select_related("task")[:10])
    # htmx polls the data region every minute (see command.html); the first load gets the whole screen
    template = "_command_data.html" if request.htmx else "command.html"
    return render(request, f"evaluation/dashboards/{template}", {
        "version": version, "today": today, "summary": summary, "trend": trend, "dims": dims,
        "run": run, "scores": scores, "transitions": transitions, "figures": current_figures(version, today),
        "colour_labels": {c["code"]: c["label"] for c in summary["colours"]},
        "chart_data": _chart_data(summary, trend, dims),
    })


@requires("evaluation.view_leader_summary")
def leader(request):
    today = clock.today()
    version = current_version(request)
    summary = lights_summary(version, today)
    quarter = ratings_mod.quarter_of(today)
    current = ratings_mod.current_ratings(version, quarter)
    rated = [{"task": t, "light": lt, "rating": current.get(t.pk)} for t, lt in summary["pairs"] if t.pk in current]
    run, scores = league()
    return render(request, "evaluation/dashboards/leader.html", {
        "version": version, "today": today, "summary": summary, "quarter": quarter, "rated": rated,
        "unrated": len(summary["pairs"]) - len(rated), "risks": summary["risks"][:8], "run": run,
        "figures": current_figures(version, today),
        "top": scores[:5], "bottom": scores[-5:][::-1] if len(scores) > 5 else [], "trend": overdue_trend(version, today, 6),
        "colour_labels": {c["code"]: c["label"] for c in summary["colours"]},
        "nav": "leader",  # the template asks the policy ({% may %}) before showing each drill-down link
    })


@requires("evaluation.view_public_progress")
@public_page(reads=("plans", "orgs", "delivery", "evaluation", "indicators"))
def public(request):
    """Public progress: every task's stage, last update and (when the rule says so) light in plain words, work items
    completed by group, published indicators. Never reasons, ratings, internal notes or units' failures."""
    today = clock.today()
    version = current_version(request)
    return render(request, "evaluation/dashboards/public.html", {
        "version": version, "today": today, **public_mod.public_progress(version, today),
    })


urlpatterns = [
    path("command/", command, name="command"),
    path("leader/", leader, name="leader"),
    path("public/", public, name="public"),
]
