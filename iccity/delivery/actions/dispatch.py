"""交办 → 签收 / 退回 → 改派. Each responsible unit acknowledges its assignment within the rule's working days."""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from iccity.core import clock
from iccity.core.actions import ActionRefused, ConflictError, record_audit
from iccity.core.calendar import WorkdayCalendar
from iccity.core.timefmt import doc_date
from iccity.orgs.models import Unit
from iccity.plans.models import Assignment, PlanVersion, RoleSource

from ..models import Acknowledgement, AckState
from ..notify import NoticeSpec, create_notice, create_notices
from ..permissions import Perm, Scope, check
from ..rules import ACK_DEADLINE, rule_value


def responsible_assignments(version: PlanVersion):
    """Assignments that name a real unit: ordinary listed units and the members of listed collectives."""
    return (Assignment.objects.filter(task__version=version)
            .exclude(unit__unit_type="collective")
            .select_related("unit", "task"))


@transaction.atomic
def do_dispatch_plan(version: PlanVersion, *, scope: Scope, on: dt.date | None = None,
                     calendar: WorkdayCalendar | None = None) -> int:
    """交办: open an acknowledgement for every responsible unit of every task. Safe to run again."""
    check(scope, Perm.MANAGE_TASK_FORCES)
    on = on or clock.today()
    calendar = calendar or WorkdayCalendar()
    days = rule_value(ACK_DEADLINE, on)["working_days"]
    due = calendar.add_workdays(on, days)
    have = set(Acknowledgement.objects.filter(assignment__task__version=version).values_list("assignment_id", flat=True))
    new = [Acknowledgement(assignment=a, dispatched_on=on, due_on=due)
           for a in responsible_assignments(version) if a.pk not in have]
    Acknowledgement.objects.bulk_create(new)
    units = {}
    for ack in new:
        units.setdefault(ack.assignment.unit, []).append(ack.assignment.task.key)
    create_notices([NoticeSpec(
        kind="ack_due", unit=unit, title=f"请签收交办任务（{len(keys)}项）",
        body=(f"《{version.title}》交办本单位任务 {'、'.join(keys)}，请于 {doc_date(due)} 前签收；"
              "如非本单位职责，请说明理由退回。"),
        dedupe_key=f"dispatch-{version.pk}-{unit.pk}-{on.isoformat()}") for unit, keys in units.items()])
    record_audit(scope.user, "delivery.plan.dispatched", version,
                 after={"acknowledgements": len(new), "due_on": due.isoformat()})
    return len(new)


def _lock_pending(ack: Acknowledgement, scope: Scope) -> Acknowledgement:
    """Lock the acknowledgement; its own unit finding it already handled gets a conflict, anyone else a denial.

    The permission is judged on the locked row, so a second acknowledgement says "已签收" rather than a refusal of
    the person (the permission includes "still pending").
    """
    ack = Acknowledgement.objects.select_for_update(of=("self",)).select_related("assignment__unit", "assignment__task").get(pk=ack.pk)
    if ack.state != AckState.PENDING and ack.assignment.unit_id in scope.actor.units:
        raise ConflictError(f"该任务已{ack.get_state_display().removeprefix('已')}，无需重复操作")
    check(scope, Perm.ACKNOWLEDGE, ack)
    return ack


@transaction.atomic
def do_acknowledge(ack: Acknowledgement, *, scope: Scope) -> Acknowledgement:
    ack = _lock_pending(ack, scope)
    ack.state, ack.acted_at, ack.acted_by = AckState.ACKNOWLEDGED, clock.now(), scope.user
    ack.save(update_fields=["state", "acted_at", "acted_by"])
    record_audit(scope.user, "delivery.assignment.acknowledged", ack,
                 after={"late": ack.is_late(clock.today())})
    return ack


@transaction.atomic
def do_return_assignment(ack: Acknowledgement, reason: str, *, scope: Scope) -> Acknowledgement:
    """退回: the unit says the task is not its remit; the office must re-route it."""
    ack = _lock_pending(ack, scope)
    if len(reason.strip()) < 4:
        raise ActionRefused("退回必须说明理由（至少4个字），以便办公室改派")
    ack.state, ack.acted_at, ack.acted_by, ack.return_reason = AckState.RETURNED, clock.now(), scope.user, reason.strip()
    ack.save(update_fields=["state", "acted_at", "acted_by", "return_reason"])
    # The unit says the task is not its remit: its untouched report slots in open cycles go (reminders would chase
    # them); slots it already wrote in stay, so nothing written is lost.
    _close_report_slots(ack.assignment)
    record_audit(scope.user, "delivery.assignment.returned", ack, note=reason)
    return ack


@transaction.atomic
def do_reroute(ack: Acknowledgement, unit: Unit, *, scope: Scope, note: str = "") -> Acknowledgement:
    """改派 a returned assignment to another unit, which then acknowledges it in turn."""
    check(scope, Perm.REROUTE)
    ack = Acknowledgement.objects.select_for_update(of=("self",)).select_related("assignment__task").get(pk=ack.pk)
    if ack.state != AckState.RETURNED:
        raise ConflictError("只有已退回的任务可以改派")
    if unit.is_collective:
        raise ActionRefused("请改派给具体单位，而不是集合名称")
    old = ack.assignment
    # Back to the unit that returned it would only find that unit's own (rerouted) acknowledgement again.
    if unit.pk == old.unit_id:
        raise ActionRefused("不能改派给退回该任务的单位本身，请选择其他单位")
    new_assignment, _ = Assignment.objects.get_or_create(
        task=old.task, unit=unit, parent=None,
        defaults={"position": old.position, "role": old.role, "role_source": RoleSource.OVERRIDE, "listed_name": ""},
    )
    ack.state, ack.rerouted_to = AckState.REROUTED, unit
    ack.save(update_fields=["state", "rerouted_to"])
    calendar = WorkdayCalendar()
    today = clock.today()
    due = calendar.add_workdays(today, rule_value(ACK_DEADLINE, today)["working_days"])
    new_ack, _ = Acknowledgement.objects.get_or_create(assignment=new_assignment, defaults={"dispatched_on": today, "due_on": due})
    _open_report_slots(new_assignment, today)  # the new unit also reports in cycles already open
    record_audit(scope.user, "delivery.assignment.rerouted", ack,
                 before={"unit": old.unit.name}, after={"unit": unit.name}, note=note or ack.return_reason)
    create_notice(kind="ack_due", unit=unit, task=old.task, title=f"改派任务待签收：{old.task.key} {old.task.title}",
                  body=f"领导小组办公室将任务 {old.task.key} 改派本单位，请于 {doc_date(due)} 前签收。",
                  dedupe_key=f"reroute-{new_ack.pk}")
    return new_ack


def _close_report_slots(assignment: Assignment) -> None:
    """Delete the unit's report slots for the task that nobody has written in yet, in cycles not yet closed."""
    from ..models import Report, ReportState

    today = clock.today()
    if Assignment.objects.filter(task_id=assignment.task_id, unit_id=assignment.unit_id).exclude(pk=assignment.pk).exclude(
            acknowledgement__state__in=[AckState.RETURNED, AckState.REROUTED]).exists():
        return  # the unit is responsible for the task through another row too (e.g. named and inside a collective)
    Report.objects.filter(task_id=assignment.task_id, unit_id=assignment.unit_id, state=ReportState.DRAFT,
                          revisions__isnull=True, cycle__closes_on__gte=today).delete()


def _open_report_slots(assignment: Assignment, today: dt.date) -> None:
    """Open the new unit's report slots in the plan's cycles not yet closed (as ``do_open_cycle`` would)."""
    from ..models import Report, ReportingCycle

    cycles = ReportingCycle.objects.filter(plan_id=assignment.task.version.plan_id, closes_on__gte=today)
    have = set(Report.objects.filter(task_id=assignment.task_id, unit_id=assignment.unit_id).values_list("cycle_id", flat=True))
    Report.objects.bulk_create([Report(cycle=c, task_id=assignment.task_id, unit_id=assignment.unit_id,
                                       is_lead=assignment.role == "lead") for c in cycles if c.pk not in have])
