"""What units are given to do, for the unit pages and API. The work lives in apps above orgs (plans), so orgs only
declares this slot and plans fills it in ``PlansConfig.ready()``; without it every unit has no tasks."""
from __future__ import annotations

from collections.abc import Callable

_providers: dict[str, Callable] = {}


def register(*, task_counts: Callable, assignments: Callable) -> None:
    """``task_counts() -> {unit id: {"lead", "co", "via"}}``; ``assignments(unit) -> [assignment]`` with
    ``is_lead`` and ``via`` set."""
    _providers.update(task_counts=task_counts, assignments=assignments)


def task_counts() -> dict[int, dict[str, int]]:
    return _providers["task_counts"]() if _providers else {}


def assignments(unit) -> list:
    return _providers["assignments"](unit) if _providers else []
