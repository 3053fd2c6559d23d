"""Scoring runs and the office's manual score events (leader commendations and the like)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from iccity.core import policy
from iccity.core import clock
from iccity.core.actions import ActionRefused, ConflictError, record_audit
from iccity.core.rules import rule_value
from iccity.orgs.models import Unit

from .. import scoring
from ..models import ScoreAdjustment, ScoreEntry, ScoreRun, UnitScore


@transaction.atomic
def do_score_period(period: str, actor=None) -> ScoreRun:
    """Score every unit with duties in ``period`` by the rule version in force on the period's last day.

    A new run replaces the period's current one (the old run is kept, no longer current). Previous ranks come from
    the previous period's current run. Each point is a ``ScoreEntry`` naming the record that caused it."""
    policy.check_actor(actor, "evaluation.run_scoring")
    p = scoring.parse_period(period)
    today = clock.today()
    if p.start > today:
        raise ActionRefused(f"考核期 {p.label} 尚未开始，不能计分")
    rule = scoring.rule_for(p)
    value = rule.value
    events, unit_ids, notes = scoring.derive_events(p, today)
    scored, rule_notes = scoring.apply_rules(value, events)
    if today <= p.end:
        notes.insert(0, f"考核期至 {p.end:%Y-%m-%d} 结束，本结果为阶段性结果")

    # One current run per period: lock the old one so two runs at once cannot both become current.
    old = list(ScoreRun.objects.select_for_update().filter(period=p.key, is_current=True))
    ScoreRun.objects.filter(pk__in=[r.pk for r in old]).update(is_current=False)
    try:
        with transaction.atomic():
            run = ScoreRun.objects.create(period=p.key, period_start=p.start, period_end=p.end, rule=rule,
                                          is_current=True, computed_at=clock.now(), computed_by=actor,
                                          note="\n".join(notes + rule_notes))
    except IntegrityError:   # another run of the same period was created at the same moment
        raise ConflictError(f"{p.label}正由他人计分，请稍后刷新查看") from None

    base = Decimal(str(value.get("base", 100)))
    bonus = {u: Decimal(0) for u in unit_ids}
    deduction = {u: Decimal(0) for u in unit_ids}
    content_types: dict[type, ContentType] = {}
    entries = []
    for s in scored:
        ev = s.event
        if not s.capped:
            (bonus if s.points > 0 else deduction)[ev.unit_id] += abs(s.points)
        source_type = None
        if ev.source is not None:
            model = type(ev.source)
            source_type = content_types.setdefault(model, ContentType.objects.get_for_model(model))
        label = s.row.get("description") or ev.event
        entries.append(ScoreEntry(run=run, unit_id=ev.unit_id, event=ev.event, role=ev.role, points=s.points,
                                  capped=s.capped, description=f"{label}：{ev.description}"[:300], source_type=source_type,
                                  source_id=str(ev.source.pk) if ev.source is not None else "", occurred_on=ev.occurred_on))
    ScoreEntry.objects.bulk_create(entries)

    totals = {u: base + bonus[u] - deduction[u] for u in unit_ids}
    order = {u.pk: (u.sort_order, u.name) for u in Unit.objects.filter(pk__in=unit_ids).only("pk", "sort_order", "name")}
    ranks = scoring.rank(totals, order)
    previous = dict(UnitScore.objects.filter(run__period=p.previous().key, run__is_current=True).values_list("unit_id", "rank"))
    UnitScore.objects.bulk_create([
        UnitScore(run=run, unit_id=u, base=base, bonus=bonus[u], deduction=deduction[u], total=totals[u], rank=ranks[u],
                  previous_rank=previous.get(u))
        for u in unit_ids
    ])
    record_audit(actor, "evaluation.score_run.computed", run,
                 before={"replaced_runs": [r.pk for r in old]},
                 after={"period": p.key, "rule": f"{rule.key} v{rule.version}", "units": len(unit_ids), "entries": len(entries)},
                 note=run.note)
    return run


def _require_office(actor) -> None:
    # The CLI and jobs act without a user; a person must be in the office.
    policy.check_actor(actor, "evaluation.adjust_scores")


@transaction.atomic
def do_add_score_adjustment(unit: Unit, event: str, occurred_on: dt.date, reason: str, *, actor=None,
                            comment=None) -> ScoreAdjustment:
    """Record a manual score event (e.g. a leader's 肯定性批示). The event must be a manual row of the scoring rule
    in force on ``occurred_on``; the points are taken from the rule when the period is scored."""
    _require_office(actor)
    if not (reason or "").strip():
        raise ActionRefused("请填写事由（如批示内容、刊发文章）")
    if occurred_on > clock.today():
        raise ActionRefused("发生日期不能晚于今天")
    value = rule_value(scoring.SCORING_RULE, occurred_on)
    allowed = {r["event"]: r for r in scoring.manual_events(value)}
    if event not in allowed:
        names = "、".join(f"{r['description']}（{e}）" for e, r in allowed.items()) or "无"
        raise ActionRefused(f"“{event}”不是可手工录入的计分事项；可录入：{names}")
    if comment is not None and not comment.is_instruction:
        raise ActionRefused("所选意见不是领导批示")
    adj = ScoreAdjustment.objects.create(unit=unit, event=event, occurred_on=occurred_on, reason=reason.strip(),
                                         comment=comment, entered_by=actor, entered_at=clock.now())
    record_audit(actor, "evaluation.score_adjustment.added", adj,
                 after={"unit": unit.name, "event": event, "occurred_on": occurred_on.isoformat(),
                        "points_now": allowed[event]["points"], "comment": comment.pk if comment else None},
                 note=adj.reason)
    return adj


@transaction.atomic
def do_withdraw_score_adjustment(adjustment: ScoreAdjustment, reason: str, *, actor=None) -> ScoreAdjustment:
    """Withdraw a manual event (kept, marked withdrawn). Runs already made keep it; the next run leaves it out."""
    _require_office(actor)
    adj = ScoreAdjustment.objects.select_for_update().get(pk=adjustment.pk)
    if adj.is_withdrawn:
        raise ActionRefused("该计分事项已撤销")
    if not (reason or "").strip():
        raise ActionRefused("请填写撤销理由")
    adj.withdrawn_at, adj.withdrawn_reason = clock.now(), reason.strip()
    adj.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    record_audit(actor, "evaluation.score_adjustment.withdrawn", adj, before={"withdrawn": False},
                 after={"withdrawn": True}, note=adj.withdrawn_reason)
    return adj
