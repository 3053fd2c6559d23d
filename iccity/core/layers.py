"""The layer order of iccity's apps, bottom first: an app imports only the kernel and apps listed before it.

A lower app that needs something from a higher one declares a registry (a list or a hook it calls) and the higher app
fills it in its ``AppConfig.ready()``; ``core/tests/test_layers.py`` holds every import to this order. See the
"Layers" section of docs/architecture.md.
"""
from __future__ import annotations

LAYERS: tuple[str, ...] = (
    "core",         # the kernel: audit, rules, clock, calendar, identity, periods, validation, public forms, ...
    "orgs",         # units, people, roles, who may do what
    "workspaces",   # desks per role; the apps above add work-item sections through workspaces.registry
    "ops",          # periodic-job registry, worker, backup (apps add jobs in ready())
    "serving",      # health checks and metrics registry, serving middleware (apps add checks in monitoring.py)
    "plans",        # plan documents, versions, tasks, assignments
    "places",       # 商圈, venues, communities (events add a place's events through places.registry)
    "events",       # festivals and their occurrences, at places
    "indicators",   # indicator catalogue, observations, targets (feeds explain missing figures via a registry)
    "complaints",   # complaints and reports (SAMR Order 121); publishes monthly figures into indicators
    "delivery",     # the delivery loop: work items, reports, notices (the tick runs steps other apps register)
    "evaluation",   # lights, ratings, scores, quality flags on delivery
    "reports",      # official documents and the 台账 built from all of the above
    "consumption",  # consumption feeds, publishing into indicators
    "surveys",      # satisfaction surveys at places, publishing into indicators
    "credit",       # credit disclosure of merchants
    "portal",       # the public portal: reads the public definitions of the apps below; nothing imports it
)


def rank(app: str) -> int:
    """The app's height: 0 for the kernel."""
    return LAYERS.index(app)
