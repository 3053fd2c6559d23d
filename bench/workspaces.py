"""Benchmark of the desks on the 5-year dataset: the office workbench, the task-force desk, the unit desk (我的任务)
of a liaison and of a unit head, and the review queue (default views per role, and the office's filtered view).

    .venv/bin/python bench/workspaces.py [--scales 0.1,1] [--runs 5]

Reuses bench/evaluation.py (template database: migrate + bootstrap; timing helper; the lights job) and
bench/evaluation_data.py (the 5-year dataset), adding what the desks count and the dataset lacks: a task force
driving a third of the tasks with its lead, a district leader, failed notice deliveries, complaints near their legal
deadline, plan import drafts, and for the busiest unit a liaison and a head with something in every list of their
desk (assignments to sign for, drafts and returned reports in the open cycle, reports to approve, unread notices, a
pending extension). Each variant runs in a fresh process on its own copy of the template.

Printed: per page the SQL queries and median time at each scale, the query ratio between scales (must be 1.00: flat),
and each page's time as a ratio of the baseline measured in the same run, the existing leader summary
(evaluation:leader) at the same scale; and the 300 ms target.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import evaluation as eval_bench  # noqa: E402  (bench/evaluation.py: template, timing, jobs)

TARGET_S = 0.300
BASELINE = "leader-summary"


def _users():
    from django.contrib.auth import get_user_model

    from iccity.orgs.models import LeadingGroup, Person, Role, RoleAssignment, TaskForce, Unit

    User = get_user_model()
    group = LeadingGroup.objects.first() or LeadingGroup.objects.create(name="领导小组")
    host = Unit.objects.filter(active=True).order_by("sort_order", "name").first()
    force, _ = TaskForce.objects.get_or_create(leading_group=group, name="（基准）商圈建设专班", defaults={"host_unit": host})
    users = {}
    for username, role, task_force in (("bench-leader", Role.LEADER, None),
                                       ("bench-tf-lead", Role.TASK_FORCE_LEAD, force),
                                       ("bench-desk-office", Role.OFFICE_ADMIN, None)):
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_unusable_password()
            user.save()
            person = Person.objects.create(user=user, name=username)
            RoleAssignment.objects.create(person=person, role=role, task_force=task_force)
        users[username] = user
    return users, force


def unit_desk_data(scale: float) -> tuple[dict, dict[str, int]]:
    """The busiest unit (most reports in the open cycle; the same real unit at every scale) gets a liaison and a head,
    and something in every list of their desk; growing with ``scale`` like the rest."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from iccity.core import demo
    from iccity.delivery.models import (
        Acknowledgement, AckState, ExtensionRequest, Notice, Report, ReportingCycle, ReportState, WorkItem,
    )
    from iccity.orgs.models import Person, Role, RoleAssignment, Unit

    User = get_user_model()
    cycle = ReportingCycle.objects.order_by("-period_start").first()
    busiest = (Report.objects.filter(cycle=cycle).values("unit_id").annotate(n=Count("id"))
               .order_by("-n", "unit__sort_order", "unit_id").first())
    unit = Unit.objects.get(pk=busiest["unit_id"])
    users = {}
    for username, role in (("bench-liaison", Role.LIAISON), ("bench-unit-head", Role.UNIT_HEAD)):
        user = User.objects.create(username=username)
        user.set_unusable_password()
        user.save()
        RoleAssignment.objects.create(person=Person.objects.create(user=user, name=username, unit=unit), role=role,
                                      unit=unit)
        users[username] = user
    n = max(1, round(10 * scale))
    states = [ReportState.DRAFT, ReportState.RETURNED, ReportState.SUBMITTED]
    mine = list(Report.objects.filter(cycle=cycle, unit=unit).order_by("pk"))
    for i, report in enumerate(mine):
        Report.objects.filter(pk=report.pk).update(state=states[i % 3])
    acks = list(Acknowledgement.objects.filter(assignment__unit=unit).order_by("pk").values_list("pk", flat=True)[:n])
    Acknowledgement.objects.filter(pk__in=acks).update(state=AckState.PENDING, due_on=cycle.due_on)
    with demo.marking():
        Notice.objects.bulk_create([
            Notice(kind=("urge", "supervise", "red")[i % 3], unit=unit, task=mine[i % len(mine)].task, cycle=cycle,
                   title=f"（基准）通知{i}", body="请按时报送", dedupe_key=f"bench-unit-{i}") for i in range(3 * n)])
        items = list(WorkItem.objects.filter(lead_unit=unit, state="active").order_by("pk")[:n])
        ExtensionRequest.objects.bulk_create([
            ExtensionRequest(work_item=item, current_deadline=item.deadline,
                             new_deadline=item.deadline + dt.timedelta(days=30), reason="（基准）待审批的延期")
            for item in items])
    return users, {"unit_reports_open": len(mine), "pending_acks": len(acks), "unit_notices": 3 * n,
                   "pending_extensions": len(items)}


def desk_data(scale: float, force) -> dict[str, int]:
    """What the desks count beyond the evaluation dataset, growing with ``scale``."""
    from iccity.complaints.actions import do_register_case
    from iccity.complaints.models import Case
    from iccity.complaints.tests.conftest import submission
    from iccity.core import clock, demo
    from iccity.delivery.models import Channel, DrivenTask, Notice, NoticeDelivery, Report, ReportState
    from iccity.plans.actions import XIQING_PLAN_SLUG
    from iccity.plans.models import ImportDraft, Plan

    version = Plan.objects.get(slug=XIQING_PLAN_SLUG).current_version
    tasks = list(version.tasks.order_by("kind", "number"))
    DrivenTask.objects.bulk_create([DrivenTask(task_force=force, task=t) for t in tasks[::3]], ignore_conflicts=True)
    n = max(1, round(50 * scale))
    with demo.marking():
        channel = Channel.objects.create(kind="email", name="（基准）办公室邮箱", address="bench@example.org")
        reports = list(Report.objects.filter(state=ReportState.UNIT_APPROVED).select_related("task", "unit")[:n])
        notices = Notice.objects.bulk_create([
            Notice(kind="urge", unit=r.unit, task=r.task, cycle=r.cycle, title=f"（基准）催办单{i}", body="请尽快报送",
                   dedupe_key=f"bench-desk-{i}") for i, r in enumerate(reports)])
        NoticeDelivery.objects.bulk_create([NoticeDelivery(notice=x, channel=channel, state="failed", attempts=3,
                                                           last_error="（基准）超时") for x in notices])
        ImportDraft.objects.bulk_create([
            ImportDraft(source_filename=f"（基准）方案{i}.docx", source_format="docx", source_sha256=f"{i:064d}", data=b"x",
                        parsed={"tasks": []}, threshold=0.8) for i in range(max(1, n // 10))])
        cases = 0
        for i in range(max(1, n // 5)):
            for case in do_register_case(submission(occurred_on="2026-11-01", description=f"（基准）商品质量问题{i}。")):
                Case.objects.filter(pk=case.pk).update(accept_due=clock.today() + dt.timedelta(days=i % 5))
                cases += 1
    return {"driven_tasks": len(tasks[::3]), "failed_deliveries": len(notices), "cases": cases}


def measure(db: Path, media: Path, scale: float, runs: int) -> dict:
    eval_bench._django(db, media)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    import evaluation_data
    from iccity.core import clock

    setup_test_environment()
    result = {"scale": scale, "pages": {}, "notes": []}
    with clock.travel(evaluation_data.TODAY):
        started = time.perf_counter()
        result["data"] = evaluation_data.build(scale)
        users, force = _users()
        result["data"].update(desk_data(scale, force))
        unit_users, unit_data = unit_desk_data(scale)
        users.update(unit_users)
        result["data"].update(unit_data)
        result["build_s"] = time.perf_counter() - started
        eval_bench._prepare(result, evaluation_data.office_user())  # lights (red lights, the task force's lights)
        review = reverse("delivery:review")
        pages = [(BASELINE, "bench-leader", reverse("evaluation:leader")),
                 ("office-desk", "bench-desk-office", reverse("workspaces:office")),
                 ("office-items-api", "bench-desk-office", "/api/workspaces/office/items"),
                 ("taskforce-desk", "bench-tf-lead", reverse("workspaces:taskforce")),
                 ("unit-desk-liaison", "bench-liaison", reverse("delivery:home")),
                 ("unit-desk-head", "bench-unit-head", reverse("delivery:home")),
                 ("review-office", "bench-desk-office", review),
                 ("review-filtered", "bench-desk-office", review + "?show=all&lateness=on_time&flag=none"),
                 ("review-tf-lead", "bench-tf-lead", review),
                 ("review-unit-head", "bench-unit-head", review),
                 ("root-redirect", "bench-tf-lead", reverse("workspaces:home")),
                 ("root-liaison", "bench-liaison", reverse("workspaces:home"))]
        for name, username, url in pages:
            client = Client()
            client.force_login(users[username])
            expect = 302 if name.startswith("root-") else 200
            result["pages"][name] = eval_bench._timed(
                lambda client=client, url=url: client.get(url, secure=True), runs,
                check=lambda r, expect=expect: 200 if r.status_code == expect else r.status_code,
                connection=connection, capture=CaptureQueriesContext)
        # each section of the office and task-force desks on its own (the registry's providers), to see which costs most
        from iccity.orgs.permissions import Actor
        from iccity.workspaces import registry

        result["sections"] = {}
        for desk, username in ((registry.OFFICE, "bench-desk-office"), (registry.TASKFORCE, "bench-tf-lead")):
            actor = Actor.for_user(users[username])
            for reg in registry.registrations(desk):
                result["sections"][reg.key] = eval_bench._timed(
                    lambda reg=reg, actor=actor: reg.provider(actor, 5, clock.today()), runs,
                    connection=connection, capture=CaptureQueriesContext)
    return result


def _child(args: list[str]) -> dict | None:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-5000:])
    return None


def _print(results: dict, scales: list[str]) -> None:
    small, big = scales[0], scales[-1]
    print()
    print(f"{'页面':<20}{'查询 ' + small:>10}{'查询 ' + big:>10}{'查询比':>8}{'时间 ' + small:>11}{'时间 ' + big:>11}"
          f"{'÷基线(' + big + ')':>12}{'÷300ms':>9}")
    for name in results[big]["pages"]:
        s, b = results[small]["pages"].get(name, {}), results[big]["pages"].get(name, {})
        if "error" in s or "error" in b:
            print(f"{name:<20} 错误：{s.get('error') or b.get('error')}")
            continue
        base = results[big]["pages"].get(BASELINE, {}).get("median_s")
        print(f"{name:<20}{s['queries']:>10}{b['queries']:>10}{b['queries'] / s['queries']:>8.2f}"
              f"{s['median_s'] * 1000:>9.0f}ms{b['median_s'] * 1000:>9.0f}ms"
              f"{(b['median_s'] / base) if base else float('nan'):>12.2f}{b['median_s'] / TARGET_S:>9.2f}")
    print(f"\n{'分区':<34}{'查询 ' + big:>10}{'时间 ' + small:>11}{'时间 ' + big:>11}")
    for key, b in results[big].get("sections", {}).items():
        s = results[small].get("sections", {}).get(key, {})
        if "error" in b or "error" in s:
            print(f"{key:<34} 错误：{b.get('error') or s.get('error')}")
            continue
        print(f"{key:<34}{b['queries']:>10}{s['median_s'] * 1000:>9.1f}ms{b['median_s'] * 1000:>9.1f}ms")
    for label, r in results.items():
        for note in r["notes"]:
            print(f"注（{label}）：{note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="0.1,1")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", nargs=4, metavar=("MODE", "DB", "MEDIA", "SCALE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, db, media, scale = args.child
        if mode == "template":
            eval_bench.make_template(Path(db), Path(media))
            print("RESULT {}")
        else:
            print("RESULT " + json.dumps(measure(Path(db), Path(media), float(scale), args.runs), ensure_ascii=False))
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="iccity-bench-desks-"))
    media = tmp / "media"
    media.mkdir()
    template = tmp / "template.sqlite3"
    started = time.perf_counter()
    if _child(["--child", "template", str(template), str(media), "0"]) is None:
        print("模板数据库创建失败")
        return 1
    print(f"模板数据库（迁移 + bootstrap）：{time.perf_counter() - started:.1f} s")
    scales = args.scales.split(",")
    results = {}
    try:
        for label in scales:
            db = tmp / f"bench-{label}.sqlite3"
            shutil.copy(template, db)
            res = _child(["--child", "measure", str(db), str(media), label, "--runs", str(args.runs)])
            if res is None:
                print(f"规模 {label} 失败")
                return 1
            results[label] = res
            print(f"规模 {label}：数据 {res['data']}，建数 {res['build_s']:.1f} s")
        _print(results, scales)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
