"""Rating a task's likelihood of delivery (office only): one rating per task and quarter in force, history kept."""
from __future__ import annotations

from django.db import transaction

from iccity.core import policy
from iccity.core import clock
from iccity.core.actions import ActionRefused, record_audit

from .. import lights as lights_mod
from ..models import DeliveryRating, RatingLevel
from ..ratings import AREAS, parse_quarter, quarter_bounds

AREA_LABELS = {"planning": "计划质量", "capacity": "推进能力", "stage": "推进阶段", "evidence": "成效证据"}


def do_rate_task(task, quarter: str, level: str, areas: dict, reasoning: str, actor) -> DeliveryRating:
    """Record the office's judgement for ``quarter``, with the light computed today (or on the quarter's last day
    when rating a past quarter) stored beside it. A rating already in force for the same task and quarter is
    superseded, never edited."""
    from iccity.orgs.permissions import Actor

    user = actor.user if isinstance(actor, Actor) else actor
    if actor is None:  # a rating is a person's judgement: never the system's
        raise ActionRefused(policy.permission("evaluation.rate_task").message)
    policy.check(actor, "evaluation.rate_task")
    parse_quarter(quarter)
    valid = set(RatingLevel.values)
    if level not in valid:
        raise ActionRefused(f"总体判断“{level}”无效，应为：{'、'.join(str(label) for label in RatingLevel.labels)}")
    missing = [AREA_LABELS[a] for a in AREAS if areas.get(a) not in valid]
    if missing:
        raise ActionRefused(f"请对以下方面作出判断：{'、'.join(missing)}")
    if not (reasoning or "").strip():
        raise ActionRefused("请填写评定理由")
    start, end = quarter_bounds(quarter)
    today = clock.today()
    if start > today:
        raise ActionRefused(f"{quarter} 尚未开始，不能评定")
    on = min(today, end)
    light = lights_mod.compute_light(task, on)
    with transaction.atomic():
        # of=self: PostgreSQL cannot lock the nullable side of the superseded_by outer join
        earlier = (DeliveryRating.objects.select_for_update(of=("self",))
                   .filter(task=task, quarter=quarter, superseded_by__isnull=True)
                   .order_by("-rated_at", "-id").first())
        rating = DeliveryRating.objects.create(
            task=task, quarter=quarter, level=level, reasoning=reasoning.strip(),
            computed_colour=light.colour, computed_reasons=light.reasons_json(), supersedes=earlier,
            rated_by=user if getattr(user, "is_authenticated", False) else None, rated_at=clock.now(),
            **{a: areas[a] for a in AREAS})
        record_audit(user, "evaluation.rating.created", rating,
                     before={"level": earlier.level} if earlier else None,
                     after={"quarter": quarter, "level": level, **{a: areas[a] for a in AREAS},
                            "computed_colour": light.colour},
                     note=reasoning.strip()[:200])
    return rating
