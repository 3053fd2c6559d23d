"""The public portal (公众门户): one phone-first page that says what the plan is, how each task is going in plain
words, the published indicators with source and date, upcoming events, and the doors to the map, the complaint form
and its tracking page, the survey and the credit disclosure. Only approved or published content; no staff links.

Figures come from the domain apps' public definitions (evaluation.public for progress and indicators, events' public
calendar, surveys' open waves), never recomputed here.
"""
from __future__ import annotations

from django.db.models import Count, Q
from django.shortcuts import render

from iccity.core import clock
from iccity.core.policy import requires
from iccity.core.public_cache import public_page

from .policy import VIEW_PORTAL

UPCOMING_EVENTS = 5


def _plan_version():
    """The first plan's latest version (the one the public progress page speaks about), or None before an import."""
    from iccity.plans.models import Plan

    plan = Plan.objects.order_by("id").first()
    version = plan.versions.defer("parsed", "warnings").order_by("-number").first() if plan else None
    if version is not None:
        version.plan = plan
    return version


def plan_summary(version) -> dict:
    """What the plan is, from the imported official document: goals by year, the task groups with their number of
    tasks, and the counts of tasks and guarantee measures. Confirmed quantified targets only (proposals are not
    public). Four queries."""
    from iccity.plans.models import TargetStatus, TaskKind

    goals = list(version.goals.order_by("position"))
    years = sorted({g.year for g in goals if g.year})
    groups = list(version.groups.annotate(n_tasks=Count("tasks", filter=Q(tasks__kind=TaskKind.TASK)))
                  .order_by("number"))
    kinds = dict(version.tasks.values_list("kind").annotate(n=Count("id")).order_by())
    targets = list(version.targets.filter(status=TargetStatus.CONFIRMED).order_by("year", "id")[:12])
    return {
        "goals_by_year": [{"year": y, "goals": [g for g in goals if g.year == y]} for y in years],
        "general_goals": [g for g in goals if not g.year],
        "groups": groups, "tasks": kinds.get(TaskKind.TASK, 0), "measures": kinds.get(TaskKind.GUARANTEE, 0),
        "targets": targets,
    }


def _upcoming_events(today):
    from iccity.events.feed import public_occurrences

    return list(public_occurrences().filter(ends_on__gte=today)[:UPCOMING_EVENTS])


def _open_waves(today):
    from iccity.surveys.models import Wave

    return list(Wave.objects.filter(opens_on__lte=today, closes_on__gte=today).prefetch_related("areas")
                .order_by("-opens_on"))


@requires(VIEW_PORTAL)
@public_page(reads=("plans", "orgs", "delivery", "evaluation", "indicators", "events", "places",
                     "surveys"))
def home(request):
    from iccity.evaluation.public import public_progress

    today = clock.today()
    version = _plan_version()
    context = {"nav": "portal", "today": today, "version": version,
               "events": _upcoming_events(today), "waves": _open_waves(today)}
    if version is not None:
        context["summary"] = plan_summary(version)
        context.update(public_progress(version, today))
    return render(request, "portal/home.html", context)
