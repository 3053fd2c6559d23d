"""Demo activity for the delivery loop: months of reports, reviews, returns, reminders and extensions on the
Xiqing plan, driven through the real actions with the clock moved day by day. Every row is marked 示例
(``core.demo.marking``); demo people and task forces carry 示例 in their names. Nothing here is real."""
from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from iccity.core import clock
from iccity.core.actions import ActionRefused, ConflictError
from iccity.core.calendar import CalendarDataMissing, WorkdayCalendar
from iccity.core.models import AuditEvent
from iccity.orgs.models import LeadingGroup, Person, Role, RoleAssignment, TaskForce, Unit
from iccity.orgs.permissions import Actor
from iccity.plans.actions import XIQING_PLAN_SLUG
from iccity.plans.models import Plan

from . import actions
from .escalation import run_reminders
from .models import (
    Acknowledgement, Comment, DrivenTask, ExtensionRequest, Notice, Report, ReportingCycle, WorkItem,
    WorkItemState,
)
from .permissions import Scope

DEMO_USER_PREFIX = "demo-"
DEMO_MARK = "（示例）"
# Our own grouping of the 21 tasks and 6 measures into eight task forces: the real names are not published.
TASK_FORCES = [
    ("商圈载体专班", ["T1", "T2", "T3"]), ("文旅资源专班", ["T4", "T5", "T6", "T7"]),
    ("品牌供给专班", ["T8", "T9", "T10", "T11", "T12"]), ("新型消费专班", ["T13", "T14", "T15"]),
    ("康养会展专班", ["T16", "T17"]), ("设施环境专班", ["T18", "T19"]),
    ("消费文明专班", ["T20", "T21"]), ("统筹保障专班", ["M1", "M2", "M3", "M4", "M5", "M6"]),
]
NARRATIVES = [
    "本月围绕{task}召开专题推进会{n}次，对接重点项目{m}个，{detail}。",
    "牵头推进{task}，完成阶段性工作方案修订，组织现场调研{n}次，协调解决问题{m}项，{detail}。",
    "按照任务分工推进{task}，{detail}，累计开展宣传推介活动{n}场。",
]
DETAILS = ["项目前期手续正在办理", "相关商户入驻洽谈取得进展", "已形成初步成果材料", "配合单位已提供数据支撑",
           "活动筹备进入实施阶段", "已完成年度目标的主要节点"]
PROBLEMS = ["", "", "项目资金到位进度偏慢", "部分商户经营意愿不足", "用地手续尚待市级部门审批"]
RETURN_COMMENTS = ["请补充具体数据和项目名称", "进展表述过于笼统，请说明完成了哪些节点", "请附佐证材料", "下步打算不够具体"]
PDF = b"%PDF-1.4\n% iccity demo evidence (demo)\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _user(username: str, name: str, role: str, *, unit=None, task_force=None):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": name})
    if created:
        user.set_unusable_password()  # demo accounts are for looking at data; set a password in the admin to log in
        user.save()
    person, _ = Person.objects.get_or_create(user=user, defaults={"name": name, "unit": unit})
    RoleAssignment.objects.get_or_create(person=person, role=role, unit=unit if role in (Role.LIAISON, Role.UNIT_HEAD) else None,
                                         task_force=task_force)
    return user


def _cast(version):
    """Office, a leader, eight task forces with leads, and a liaison and a head in every responsible unit."""
    group = LeadingGroup.objects.first() or LeadingGroup.objects.create(name=f"{DEMO_MARK}领导小组")
    office = _user(f"{DEMO_USER_PREFIX}office", f"{DEMO_MARK}办公室管理员", Role.OFFICE_ADMIN)
    leader = _user(f"{DEMO_USER_PREFIX}leader", f"{DEMO_MARK}区领导", Role.LEADER)
    tasks = {t.key: t for t in version.tasks.all()}
    forces = []
    for order, (name, keys) in enumerate(TASK_FORCES, start=1):
        first = tasks[keys[0]]
        host = next((a.unit for a in first.assignments.all() if a.parent_id is None and a.role == "lead"), None)
        force, _ = TaskForce.objects.get_or_create(leading_group=group, name=f"{DEMO_MARK}{name}",
                                                   defaults={"host_unit": host if host and not host.is_collective else None,
                                                             "sort_order": order})
        lead = _user(f"{DEMO_USER_PREFIX}tf{order}", f"{DEMO_MARK}{name}负责人", Role.TASK_FORCE_LEAD, task_force=force)
        for key in keys:
            DrivenTask.objects.get_or_create(task_force=force, task=tasks[key])
        forces.append((force, lead))
    unit_ids = set(Acknowledgement.objects.filter(assignment__task__version=version).values_list("assignment__unit_id", flat=True))
    people = {}
    for unit in Unit.objects.filter(pk__in=unit_ids):
        people[unit.pk] = (
            _user(f"{DEMO_USER_PREFIX}u{unit.pk}-liaison", f"{DEMO_MARK}{unit.name}联络员", Role.LIAISON, unit=unit),
            _user(f"{DEMO_USER_PREFIX}u{unit.pk}-head", f"{DEMO_MARK}{unit.name}负责人", Role.UNIT_HEAD, unit=unit),
        )
    return office, leader, forces, people


_scopes: dict[int, Scope] = {}


def _scope(user) -> Scope:
    """Roles do not change during a demo run: compute each person's scope once."""
    if user.pk not in _scopes:
        _scopes[user.pk] = Scope.of(Actor.for_user(user))
    return _scopes[user.pk]


def _month_starts(last: dt.date, months: int) -> list[dt.date]:
    starts = []
    year, month = last.year, last.month
    for _ in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def generate(stdout, *, months: int, seed: int) -> None:
    plan = Plan.objects.filter(slug=XIQING_PLAN_SLUG).first()
    if plan is None or plan.current_version is None:
        stdout.write("督办示例：未找到西青区方案，请先运行 iccity bootstrap")
        return
    if Report.objects.filter(is_demo=True).exists():
        stdout.write("督办示例：已有示例数据（如需重新生成，请加 --reset）")
        return
    rng = random.Random(seed)
    _scopes.clear()
    version = plan.current_version
    calendar = WorkdayCalendar()
    real_today = clock.today()
    starts = _month_starts(real_today, months + 1)
    with clock.travel(starts[0]):
        office = _user(f"{DEMO_USER_PREFIX}office", f"{DEMO_MARK}办公室管理员", Role.OFFICE_ADMIN)
        actions.do_dispatch_plan(version, scope=_scope(office), calendar=calendar)
        office, leader, forces, people = _cast(version)
        _acknowledge_all(rng, people, calendar)
        _work_items(rng, version, office, forces, calendar)
    counts = {"cycles": 0, "reports": 0, "returned": 0}
    for period in starts[:-1]:
        try:
            _run_cycle(rng, plan, period, office, leader, forces, people, calendar, counts, real_today)
        except CalendarDataMissing as exc:
            stdout.write(f"督办示例：{exc}，在此停止")
            break
    stdout.write(f"督办示例：生成 {counts['cycles']} 个报告周期、{counts['reports']} 份报告（其中退回修改 {counts['returned']} 次），"
                 f"示例账号以 {DEMO_USER_PREFIX} 开头（无密码，可在管理后台设置后登录）")


def _acknowledge_all(rng, people, calendar):
    for ack in Acknowledgement.objects.filter(state="pending").select_related("assignment__unit"):
        liaison, _ = people[ack.assignment.unit_id]
        day = calendar.add_workdays(ack.dispatched_on, rng.choice([1, 1, 2, 3, 5]))  # a few acknowledge late
        with clock.travel(day):
            actions.do_acknowledge(ack, scope=_scope(liaison))


def _work_items(rng, version, office, forces, calendar):
    scope = _scope(office)
    plan_end = version.plan.ends_on or dt.date(clock.today().year + 1, 12, 31)
    for task in version.tasks.filter(kind="task").prefetch_related("assignments__unit", "measures"):
        for item in actions.do_propose_work_items(task, scope=scope)[:4]:
            deadline = clock.today() + dt.timedelta(days=rng.randint(120, (plan_end - clock.today()).days))
            actions.do_accept_work_item(item, scope=scope, changes={"deadline": min(deadline, plan_end)})
    WorkItem.objects.filter(state=WorkItemState.PROPOSED, is_demo=True).delete()  # keep the ledger short in the demo


@transaction.atomic
def _run_cycle(rng, plan, period, office, leader, forces, people, calendar, counts, real_today):
    """Simulate one cycle day by day: units write and submit, heads approve, task forces review, and the reminder
    job runs every working day, so notices reflect what was late on that day."""
    with clock.travel(period):
        cycle, _ = actions.do_open_cycle(plan, period, scope=_scope(office), calendar=calendar)
    counts["cycles"] += 1
    reviewer_for = {}
    for force, lead in forces:
        for task_id in force.driven_tasks.values_list("task_id", flat=True):
            reviewer_for[task_id] = lead
    agenda: list[tuple[dt.date, int, object]] = []  # (day, order, step): a heap of things people do
    order = itertools.count()
    for report in cycle.reports.select_related("task", "unit"):
        liaison, head = people.get(report.unit_id, (None, None))
        if liaison is None or rng.random() < 0.05:
            continue  # never reported: the reminders and escalation notices show it
        delay = rng.randint(-4, 0) if rng.random() < 0.85 else rng.randint(1, 8)
        day = calendar.add_workdays(cycle.due_on, delay)
        steps = _report_steps(rng, report, liaison, head, reviewer_for.get(report.task_id, office), calendar)
        heapq.heappush(agenda, (day, next(order), steps))
        counts["reports"] += 1
    day = calendar.add_workdays(cycle.period_end, -5)
    last = min(cycle.closes_on, real_today)
    while day <= last:
        while agenda and agenda[0][0] <= day:
            _, _, steps = heapq.heappop(agenda)
            with clock.travel(day):
                try:
                    wait = next(steps)
                except StopIteration:
                    continue
                except (ActionRefused, ConflictError):
                    continue  # e.g. the cycle closed before the fix: it stays returned, as in real life
            heapq.heappush(agenda, (calendar.add_workdays(day, wait), next(order), steps))
        if calendar.is_workday(day):
            with clock.travel(dt.datetime.combine(day, dt.time(8, 30))):
                run_reminders(day, calendar=calendar)
        day += dt.timedelta(days=1)
    counts["returned"] += cycle.reports.filter(events__action="returned").distinct().count()
    with clock.travel(min(calendar.add_workdays(cycle.due_on, 2), real_today)):
        for task in {r.task for r in cycle.reports.select_related("task")[:3]}:
            if rng.random() < 0.5:
                actions.do_add_comment(task, "请各责任单位加快推进，确保按期完成年度目标。", scope=_scope(leader))
    _maybe_extend(rng, cycle, people, forces, office, calendar, real_today)


def _report_steps(rng, report, liaison, head, reviewer, calendar):
    """One report's life as a generator: each step runs on the day it is due and yields working days to the next."""
    text = rng.choice(NARRATIVES).format(task=report.task.title, n=rng.randint(1, 5), m=rng.randint(1, 6),
                                         detail=rng.choice(DETAILS))
    actions.do_save_draft(report, {"narrative": text, "progress": rng.randint(10, 100), "problems": rng.choice(PROBLEMS),
                                   "next_steps": "继续按计划推进。"}, scope=_scope(liaison))
    if rng.random() < 0.3:
        actions.do_attach_evidence(report, "工作台账（示例）.pdf", PDF, scope=_scope(liaison))
    actions.do_submit_report(report, scope=_scope(liaison))
    yield 1
    actions.do_unit_approve(report, scope=_scope(head))
    yield rng.randint(1, 3)
    if rng.random() >= 0.2:
        actions.do_review(report, True, "", scope=_scope(reviewer))
        return
    actions.do_review(report, False, rng.choice(RETURN_COMMENTS), scope=_scope(reviewer))
    yield rng.randint(1, 4)
    actions.do_save_draft(report, {"narrative": text + "已按意见补充相关数据和项目名称。"}, scope=_scope(liaison))
    actions.do_submit_report(report, scope=_scope(liaison))
    yield 1
    actions.do_unit_approve(report, scope=_scope(head))
    yield 1
    actions.do_review(report, True, "", scope=_scope(reviewer))


def _maybe_extend(rng, cycle, people, forces, office, calendar, real_today):
    items = list(WorkItem.objects.filter(state=WorkItemState.ACTIVE, deadline__lte=cycle.period_end + dt.timedelta(days=45),
                                         deadline__gte=cycle.period_start).select_related("task")[:3])
    for item in items:
        liaison, _ = people.get(item.lead_unit_id, (None, None))
        if liaison is None:
            continue
        day = min(cycle.period_end, real_today)
        with clock.travel(day):
            if rng.random() < 0.3:
                request = actions.do_request_extension(item, item.deadline + dt.timedelta(days=rng.choice([30, 60, 90])),
                                                       "受上级审批进度影响，申请延期", scope=_scope(liaison))
                actions.do_decide_extension(request, rng.random() < 0.7, "同意" if rng.random() < 0.7 else "请按原计划推进",
                                            scope=_scope(office))
            elif item.deadline <= day:
                actions.do_complete_work_item(item, scope=_scope(office), completed_on=day)


def reset(stdout) -> None:
    """Delete every demo row of the delivery loop (and the demo people and task forces)."""
    with transaction.atomic():
        Notice.objects.filter(is_demo=True).delete()
        Comment.objects.filter(is_demo=True).delete()
        ExtensionRequest.objects.filter(is_demo=True).delete()
        ReportingCycle.objects.filter(is_demo=True).delete()
        Report.objects.filter(is_demo=True).delete()
        WorkItem.objects.filter(is_demo=True).delete()
        Acknowledgement.objects.filter(is_demo=True).delete()
        TaskForce.objects.filter(name__startswith=DEMO_MARK).delete()
        Person.objects.filter(user__username__startswith=DEMO_USER_PREFIX).delete()
        get_user_model().objects.filter(username__startswith=DEMO_USER_PREFIX).delete()
        AuditEvent.objects.filter(is_demo=True).delete()
    stdout.write("督办示例：已删除全部示例数据")



