"""``iccity demo`` hook: judgement on the demo activity, made through the real actions so every figure is derived.

Lights are computed for today (their transitions are marked by the demo run's audit records), the last complete
months are scored by the rules in force, and the demo office rates every task for the current quarter with an
explicitly 示例 reasoning. Nothing here invents a number: scores and lights come from the demo work items and reports.
"""
from __future__ import annotations

import random

from django.db import transaction

from iccity.core import clock

RATING_SHIFT = {"green": "green", "blue": "amber_green", "grey": "amber_green", "yellow": "amber_red", "red": "red"}


def _previous_months(today, months: int) -> list[str]:
    year, month, out = today.year, today.month, []
    for _ in range(months):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append(f"{year}-{month:02d}")
    return list(reversed(out))


def generate(stdout, *, months: int, seed: int) -> None:
    from django.contrib.auth import get_user_model

    from iccity.delivery.demo_data import DEMO_USER_PREFIX
    from iccity.plans.models import Plan

    from .actions.lights import do_refresh_lights
    from .actions.ratings import do_rate_task
    from .actions.scoring import do_score_period
    from .models import DeliveryRating, ScoreRun
    from .ratings import AREAS, quarter_of

    if ScoreRun.objects.filter(is_demo=True).exists() or DeliveryRating.objects.filter(is_demo=True).exists():
        stdout.write("评估考核示例：已有示例数据（如需重新生成，请加 --reset）\n")
        return
    plan = Plan.objects.filter(versions__isnull=False).order_by("pk").first()
    office = get_user_model().objects.filter(username=f"{DEMO_USER_PREFIX}office").first()
    if plan is None or office is None:
        stdout.write("评估考核示例：缺少方案或督办示例数据，跳过\n")
        return
    from iccity.core.models import Rule

    if not Rule.objects.filter(key__in=["evaluation.lights", "evaluation.scoring"]).exists():
        # rules are real policy data, loaded by bootstrap; the demo never creates them (they would be marked 示例)
        stdout.write("评估考核示例：尚未载入评估规则，请先运行 iccity bootstrap，跳过\n")
        return
    today = clock.today()
    version = plan.current_version
    changed = do_refresh_lights(version, today)
    runs = [do_score_period(period) for period in _previous_months(today, min(months, 3))]
    quarter = quarter_of(today)
    rng = random.Random(seed)
    rated = 0
    from .lights import task_lights

    tasks = {task.pk: task for task in version.tasks.all()}
    with transaction.atomic():
        for task_id, light in task_lights(version, today).items():
            level = RATING_SHIFT.get(light.colour, "amber_green")
            areas = {a: rng.choice([level, level, "amber_green"]) for a in AREAS}
            do_rate_task(tasks[task_id], quarter, level, areas,
                         f"（示例）系统灯色为{light.label}；演示用评定理由，不代表办公室的真实判断。", office)
            rated += 1
    stdout.write(f"评估考核示例：灯色变化 {len(changed)} 项，计分 {len(runs)} 期，评定 {rated} 项任务（{quarter}）\n")


def reset(stdout) -> None:
    """Demo removal happens before go-live: ratings and score runs made in the demo go, and the light cache and its
    transition log are cleared because they were computed from demo activity (the next tick recomputes them)."""
    from iccity.core.models import AuditEvent

    from .models import DeliveryRating, LightTransition, ScoreRun, TaskLight

    with transaction.atomic():
        AuditEvent.objects.filter(is_demo=True, action__startswith="evaluation.").delete()
        ratings = DeliveryRating.objects.filter(is_demo=True).delete()[0]
        runs = ScoreRun.objects.filter(is_demo=True).delete()[0]
        LightTransition.objects.all().delete()
        TaskLight.objects.all().delete()
    stdout.write(f"评估考核：已删除示例评定与计分（{ratings + runs} 条记录），灯色缓存已清空（下次 tick 按真实数据重算）\n")
