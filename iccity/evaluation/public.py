"""What the public may read about progress: each task's stage and last update, the light in plain words when the
`evaluation.lights` rule publishes it, items completed per group, and published indicators with their release.

One definition used by the public progress page (evaluation:public) and the public portal (portal:home), so a figure
shown to the public is computed in one place. Never reasons, ratings, internal notes or units' failures.
"""
from __future__ import annotations

import datetime as dt
from collections import OrderedDict

from django.utils.translation import gettext as _

from . import lights as lights_mod


def _stage(total: int, done: int) -> str:
    """Where a task stands, in plain words, from its confirmed work items (delivery.figures)."""
    if total == 0:
        return _("尚未分解具体事项")
    if done == total:
        return _("事项已全部办结（%(n)d项）") % {"n": total}
    if done == 0:
        return _("已分解%(n)d项事项，正在推进") % {"n": total}
    return _("推进中：已办结%(done)d/%(total)d项事项") % {"done": done, "total": total}


def last_updates(version) -> dict[int, tuple[dt.date, str]]:
    """Per task, the latest public event: a report accepted by the office or a work item completed (Beijing dates).
    Two aggregate queries."""
    from django.db.models import Max
    from django.utils import timezone

    from iccity.delivery.models import Report, ReportState, WorkItem, WorkItemState

    out: dict[int, tuple[dt.date, str]] = {}
    for row in (Report.objects.filter(task__version=version, state=ReportState.ACCEPTED, accepted_at__isnull=False)
                .values("task_id").annotate(last=Max("accepted_at")).order_by()):
        out[row["task_id"]] = (timezone.localdate(row["last"]), _("进展报告审核通过"))
    for row in (WorkItem.objects.filter(task__version=version, state=WorkItemState.DONE, completed_on__isnull=False)
                .values("task_id").annotate(last=Max("completed_on")).order_by()):
        if row["task_id"] not in out or row["last"] > out[row["task_id"]][0]:
            out[row["task_id"]] = (row["last"], _("事项办结"))
    return out


def _attach_releases(rows: list[dict]) -> None:
    """Each published figure with its release (source, vintage, confidence): one query."""
    from iccity.indicators.models import Release

    ids = {row["point"].release_id for row in rows if row["point"] is not None and row["point"].release_id}
    releases = Release.objects.in_bulk(ids) if ids else {}
    for row in rows:
        point = row["point"]
        row["release"] = releases.get(point.release_id) if point is not None else None


def published_indicators(today: dt.date) -> list[dict]:
    """Published indicators only, each with its latest point, Open SDG status and release (source and date)."""
    from .views_dashboards import indicators_by_dimension

    dims = indicators_by_dimension(today, published_only=True)
    rows = [{"indicator": i, "point": dims["by_indicator"][i.pk][0], "status": dims["by_indicator"][i.pk][1]}
            for i in dims.get("indicators", [])]
    _attach_releases(rows)
    return rows


def public_progress(version, today: dt.date) -> dict:
    """``groups`` (each with its tasks' stage, last update and public light words, done/total and percent),
    ``show_lights`` and ``indicators`` (published only) — a fixed number of queries."""
    from iccity.delivery import figures
    from iccity.delivery.models import WorkItem

    counts = figures.item_counts(WorkItem.objects.filter(task__version=version), today, key="task_id")
    show_lights = lights_mod.lights_public(today)
    lights = lights_mod.task_lights(version, today) if show_lights else {}
    words = lights_mod.public_words(today) if show_lights else {}
    updates = last_updates(version)
    groups: OrderedDict = OrderedDict()
    from iccity.plans.models import TaskKind

    # the plan's order: its task groups first, the guarantee measures after them
    tasks = sorted(version.tasks.select_related("group"), key=lambda t: (t.kind != TaskKind.TASK, t.number))
    for task in tasks:
        title = task.group.title if task.group else _("保障措施")
        g = groups.setdefault(title, {"title": title, "tasks": [], "total": 0, "done": 0})
        c = counts.get(task.pk, figures.ItemCounts())
        g["total"] += c.items
        g["done"] += c.items_done
        light = lights.get(task.pk)
        update = updates.get(task.pk)
        g["tasks"].append({"key": task.key, "title": task.title, "total": c.items, "done": c.items_done,
                           "stage": _stage(c.items, c.items_done),
                           "updated_on": update[0] if update else None, "updated_by": update[1] if update else "",
                           "colour": light.colour if light else None, "label": light.label if light else None,
                           "words": words.get(light.colour, light.label) if light else ""})
    for g in groups.values():
        g["percent"] = round(100 * g["done"] / g["total"]) if g["total"] else None
    return {"groups": list(groups.values()), "show_lights": show_lights, "indicators": published_indicators(today)}
