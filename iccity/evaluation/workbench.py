"""What evaluation puts on the desks: red lights for the office, the task force's tasks with their lights; the leader
desk opens on the leader summary. Lights are read from the stored ``TaskLight`` rows (recomputed by the tick), so a
section costs two queries whatever the number of tasks."""
from __future__ import annotations

from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse

from iccity.workspaces.registry import LEADER, OFFICE, TASKFORCE, Row, Section, landing, register

from . import lights as lights_mod
from .models import TaskLight


def _latest_versions():
    """Each plan's latest version (the one the pages speak about)."""
    from iccity.plans.models import PlanVersion

    newest = (PlanVersion.objects.filter(plan_id=OuterRef("plan_id")).values("plan_id")
              .annotate(top=Max("number")).values("top"))
    return PlanVersion.objects.filter(number=Subquery(newest)).values("pk")


def _worst_colours(rules) -> list[str]:
    """The top-ranked colour(s) of the rule in force (red in the default table)."""
    if not rules.rank:
        return []
    top = max(rules.rank.values())
    return [code for code, rank in rules.rank.items() if rank == top]


def office_red_lights(actor, limit, today):
    if not actor.office_admin:
        return None
    rules = lights_mod.rules_in_force(today)
    colours = _worst_colours(rules)
    red = TaskLight.objects.filter(colour__in=colours, task__version_id__in=_latest_versions())
    rows = list(red.select_related("task").order_by("task__kind", "task__number")[:limit])
    label = rules.label(colours[0]) if colours else "红"
    label = label if label.endswith("灯") else f"{label}灯"
    return Section(
        key="", title=f"{label}任务", count=red.count(), severity="overdue", url=reverse("evaluation:leader"),
        link_text="查看领导摘要", empty_text=f"没有{label}任务",
        rows=[Row(text=f"{t.task.key} {t.task.title}", url=reverse("evaluation:task_light", args=[t.task_id]),
                  severity="overdue", note=_first_reason(t)) for t in rows])


def _first_reason(light: TaskLight) -> str:
    for reason in light.reasons or []:
        text = reason.get("text") if isinstance(reason, dict) else None
        if text:
            return text[:60]
    return ""


def taskforce_lights(actor, limit, today):
    """The task force's tasks, worst light first."""
    if not actor.task_forces:
        return None
    from iccity.delivery.models import DrivenTask
    from iccity.plans.models import Task

    rules = lights_mod.rules_in_force(today)
    tasks = list(Task.objects.filter(pk__in=DrivenTask.objects.filter(task_force_id__in=actor.task_forces)
                                     .values("task_id"), version_id__in=_latest_versions())
                 .select_related("light").order_by("kind", "number"))
    green = rules.rank.get("green", 0)

    def light_of(task):
        try:
            return task.light
        except TaskLight.DoesNotExist:
            return None

    pairs = [(t, light_of(t)) for t in tasks]
    pairs.sort(key=lambda p: -rules.rank.get(p[1].colour, 0) if p[1] else 0)
    at_risk = sum(1 for _t, lt in pairs if lt and rules.rank.get(lt.colour, 0) > green)
    return Section(
        key="", title="本专班任务灯色", count=len(tasks), severity="due_soon" if at_risk else "info",
        empty_text="本专班尚未负责任何任务",
        rows=[Row(text=f"{t.key} {t.title}", url=reverse("evaluation:task_light", args=[t.pk]),
                  severity="overdue" if lt and rules.rank.get(lt.colour, 0) > green else "info",
                  note=rules.label(lt.colour) if lt else "尚未亮灯") for t, lt in pairs])


def register_workbench() -> None:
    landing(LEADER, "evaluation:leader")
    register("evaluation.red_lights", OFFICE, "红灯任务", office_red_lights, urgency=5)
    register("evaluation.taskforce_lights", TASKFORCE, "本专班任务灯色", taskforce_lights, urgency=5)
