"""Recomputing lights: keep the last light per task, log each change once, tell the task force when a task turns red."""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from iccity.core import clock, policy
from iccity.core.actions import record_audit
from iccity.core.timefmt import doc_date

from .. import lights as lights_mod
from ..models import LightTransition, TaskLight


def _notify_red(task, light, on: dt.date) -> int:
    """An INFO notice to each host unit of the task forces driving the task (once per task, day and colour)."""
    from iccity.delivery.models import DrivenTask, NoticeKind
    from iccity.delivery.notify import create_notice

    sent = 0
    hosts = {d.task_force.host_unit for d in DrivenTask.objects.filter(task=task).select_related("task_force__host_unit")
             if d.task_force.host_unit_id}
    for unit in hosts:
        notice = create_notice(kind=NoticeKind.INFO, unit=unit, task=task,
                               title=f"亮灯提示：{task.key} {task.title[:40]} 转为{light.label}灯",
                               body=f"截至 {doc_date(on)}，{light.explanation}。请专班研究推进措施。",
                               dedupe_key=f"light-{task.pk}-{on.isoformat()}-{light.colour}")
        sent += notice is not None
    return sent


def do_refresh_lights(version, on: dt.date | None = None, actor=None) -> list[LightTransition]:
    """Compute every task's light; write TaskLight rows and one LightTransition per colour change. Running it again
    with nothing changed writes nothing (the reasons' wording is refreshed without a transition)."""
    policy.check_actor(actor, "evaluation.refresh_lights", version)
    from django.db import IntegrityError

    try:
        return _refresh(version, on or clock.today(), actor)
    except IntegrityError:
        # a parallel run created the first TaskLight rows; once it committed, a retry only sees what is left to change
        return _refresh(version, on or clock.today(), actor)


def _refresh(version, on: dt.date, actor) -> list[LightTransition]:
    computed = lights_mod.task_lights(version, on)
    rules = lights_mod.rules_in_force(on)
    worst_rank = max(rules.rank.values()) if rules.rank else 0
    transitions: list[LightTransition] = []
    with transaction.atomic():
        existing = {tl.task_id: tl for tl in TaskLight.objects.select_for_update().filter(task_id__in=computed)}
        tasks = {t.pk: t for t in version.tasks.filter(pk__in=computed)}
        for task_id, light in computed.items():
            row = existing.get(task_id)
            reasons = light.reasons_json()
            if row is not None and row.colour == light.colour:
                if row.reasons != reasons or row.computed_on != on:
                    row.reasons, row.inputs, row.computed_on, row.rule_id = reasons, light.inputs, on, light.rule_id
                    row.save(update_fields=["reasons", "inputs", "computed_on", "rule"])
                continue
            before = row.colour if row else ""
            if row is None:
                row = TaskLight(task_id=task_id)
            row.colour, row.reasons, row.inputs, row.rule_id = light.colour, reasons, light.inputs, light.rule_id
            row.computed_on, row.changed_at = on, clock.now()
            row.save()
            transitions.append(LightTransition.objects.create(task_id=task_id, from_colour=before, to_colour=light.colour,
                                                              reasons=reasons, rule_id=light.rule_id, on=on))
            if before and rules.rank.get(light.colour, 0) == worst_rank:
                _notify_red(tasks[task_id], light, on)
        if transitions:
            record_audit(actor, "evaluation.lights.refreshed", version,
                         after={t.task_id: f"{t.from_colour or '—'}→{t.to_colour}" for t in transitions},
                         note=f"{on:%Y-%m-%d} 重新计算亮灯，{len(transitions)} 项变化")
    return transitions
