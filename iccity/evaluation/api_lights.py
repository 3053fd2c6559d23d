"""API for lights and ratings (session login, like the pages): every task's light with its reasons, one task's light
with its transitions, and the ratings of a quarter. Office, leaders and task forces only."""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from iccity.core import clock
from iccity.core.actions import ActionRefused
from iccity.core.rules import RuleMissing
from iccity.core.schemas import Error
from iccity.orgs.permissions import actor_for
from iccity.plans.models import Plan, Task

from . import lights as lights_mod
from . import ratings as ratings_mod
from .models import LightTransition

router = Router()  # joined into the app's router in api.py


class ReasonOut(Schema):
    code: str
    text: str
    colour: str


class LightOut(Schema):
    task_id: int
    task_key: str
    title: str
    colour: str = Field(..., description="规则中的灯色代码，如 green/blue/yellow/red/grey")
    label: str
    explanation: str
    reasons: list[ReasonOut]
    rule_version: int | None


class TransitionOut(Schema):
    on: dt.date
    from_colour: str
    to_colour: str
    reasons: list[ReasonOut]


class TaskLightOut(LightOut):
    transitions: list[TransitionOut]


class RatingOut(Schema):
    task_id: int
    task_key: str
    quarter: str
    level: str
    planning: str
    capacity: str
    stage: str
    evidence: str
    reasoning: str
    computed_colour: str
    rated_at: dt.datetime


def _check(request):
    actor = actor_for(request)
    if not (actor.reads_everything or actor.task_forces):
        raise HttpError(403, "只有领导小组办公室、区领导和专班可以查看亮灯")
    return actor


def _light_out(task, light) -> dict:
    return {"task_id": task.pk, "task_key": task.key, "title": task.title, "colour": light.colour, "label": light.label,
            "explanation": light.explanation, "reasons": light.reasons_json(), "rule_version": light.rule_version}


def _version(plan: str | None):
    p = Plan.objects.filter(slug=plan).first() if plan else Plan.objects.order_by("id").first()
    version = p.versions.defer("parsed", "warnings").order_by("-number").first() if p else None
    if version is None:
        raise HttpError(404, "尚未导入行动方案")
    return version


@contextmanager
def _rule_in_force():
    """A day before the first version of the lights rule is a question without an answer: 400 naming the rule."""
    try:
        yield
    except RuleMissing as exc:
        raise HttpError(400, str(exc)) from exc


@router.get("/lights", response={200: list[LightOut], 400: Error, 403: Error, 404: Error}, auth=django_auth,
            summary="全部任务灯色")
def list_lights(request, plan: str | None = None, on: dt.date | None = None):
    _check(request)
    with _rule_in_force():
        return [_light_out(t, lt) for t, lt in lights_mod.lights_with_tasks(_version(plan), on or clock.today())]


@router.get("/lights/{task_id}", response={200: TaskLightOut, 400: Error, 403: Error, 404: Error}, auth=django_auth,
            summary="单项任务灯色及变化记录")
def task_light(request, task_id: int, on: dt.date | None = None):
    _check(request)
    task = Task.objects.filter(pk=task_id).select_related("version__plan").defer("version__parsed").first()
    if task is None:
        raise HttpError(404, "任务不存在")
    with _rule_in_force():
        out = _light_out(task, lights_mod.compute_light(task, on or clock.today()))
    out["transitions"] = [{"on": t.on, "from_colour": t.from_colour, "to_colour": t.to_colour, "reasons": t.reasons}
                          for t in LightTransition.objects.filter(task=task)[:100]]
    return out


@router.get("/ratings", response={200: list[RatingOut], 400: Error, 403: Error, 404: Error}, auth=django_auth, summary="某季度完成可能性评定（现行）")
def list_ratings(request, quarter: str | None = None, plan: str | None = None):
    actor = actor_for(request)
    if not actor.reads_everything:
        raise HttpError(403, "只有领导小组办公室和区领导可以查看完成可能性评定")
    try:
        rows = ratings_mod.current_ratings(_version(plan), quarter)
    except ActionRefused as exc:
        raise HttpError(400, exc.message) from exc
    return [{"task_id": r.task_id, "task_key": r.task.key, "quarter": r.quarter, "level": r.level,
             "planning": r.planning, "capacity": r.capacity, "stage": r.stage, "evidence": r.evidence,
             "reasoning": r.reasoning, "computed_colour": r.computed_colour, "rated_at": r.rated_at}
            for r in rows.values()]
