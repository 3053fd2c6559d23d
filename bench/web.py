"""Load benchmark of the production stack: `iccity serve` (gunicorn, DEBUG off) on PostgreSQL + Redis, with the
5-year dataset of bench/evaluation.py, driven by locust (50 users, realistic mix, bounded in time).

    .venv/bin/python bench/web.py [--users 50] [--seconds 60] [--scale 1] [--keep]

Environment: BENCH_DATABASE_URL (a PostgreSQL database this script drops and re-creates; default
postgresql://postgres@127.0.0.1:5432/iccity_bench_web), BENCH_REDIS_URL (default: a redis-server of its own),
BENCH_PORTS (first of two free loopback ports, default 8150).

Staff are signed in before the load starts (sessions made by Django's session engine in the preparation step), so
the PBKDF2 cost of signing in is not part of what is measured. Users pause 5–15 s between clicks, as people reading a
page do (bench/web_locust.py).

Printed: requests/s, p50/p95/p99 and errors per page, and the same run's /healthz as the floor (ratios against it).
Targets on a 2-core machine: 0 errors, p95 ≤ 300 ms per page, ≤ 100 ms for public pages. Note that locust runs on
the same cores as the server it measures.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from behind_proxy import HEADERS, as_proxied  # bench/: the load generator speaks to the server as nginx does

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PUBLIC = {"home", "public progress", "indicators", "indicator", "events", "complaint form", "complaint submit", "healthz"}


def _database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')


def _drop(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def prepare(scale: float, out: Path) -> None:
    """In a process whose DATABASE_URL is the benchmark database: schema, Xiqing plan, dataset, jobs, accounts."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iccity.settings")
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    import django

    django.setup()
    import io

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    import evaluation
    import evaluation_data
    from iccity.core import clock
    from iccity.delivery.models import DrivenTask, Report, ReportState
    from iccity.orgs.models import LeadingGroup, Person, Role, RoleAssignment, TaskForce, Unit
    from iccity.plans.actions import XIQING_PLAN_SLUG
    from iccity.plans.models import Plan

    call_command("migrate", verbosity=0)
    call_command("bootstrap", stdout=io.StringIO())
    User = get_user_model()
    password = "bench-pass-123"
    accounts = {"liaison": [], "reviewer": [], "leader": [], "password": password}
    with clock.travel(evaluation_data.TODAY):
        data = evaluation_data.build(scale)
        office = evaluation_data.office_user()
        notes = {"notes": []}
        evaluation._prepare(notes, office)

        def person(username: str, unit=None):
            user = User.objects.create_user(username, password=password)
            return Person.objects.create(user=user, name=username, unit=unit)

        last_cycle = Report.objects.order_by("-cycle__period_start").values_list("cycle", flat=True).first()
        editable = Report.objects.filter(cycle=last_cycle, state__in=[ReportState.DRAFT, ReportState.RETURNED])
        by_unit: dict[int, list[int]] = {}
        for report_id, unit_id in editable.values_list("pk", "unit_id"):
            by_unit.setdefault(unit_id, []).append(report_id)
        for i, (unit_id, reports) in enumerate(sorted(by_unit.items(), key=lambda kv: -len(kv[1]))[:25]):
            p = person(f"liaison{i:02d}", Unit.objects.get(pk=unit_id))
            RoleAssignment.objects.create(person=p, role=Role.LIAISON, unit_id=unit_id)
            accounts["liaison"].append({"username": p.user.username, "reports": reports})
        group = LeadingGroup.objects.first()
        force = TaskForce.objects.filter(driven_tasks__isnull=False).first() or TaskForce.objects.create(
            leading_group=group, name="（基准）专班")
        tasks = Plan.objects.get(slug=XIQING_PLAN_SLUG).current_version.tasks.all()
        DrivenTask.objects.bulk_create([DrivenTask(task_force=force, task=t) for t in tasks], ignore_conflicts=True)
        for i in range(5):
            p = person(f"reviewer{i}")
            RoleAssignment.objects.create(person=p, role=Role.TASK_FORCE_MEMBER, task_force=force)
            accounts["reviewer"].append({"username": p.user.username})
        for i in range(5):
            p = person(f"leader{i}")
            RoleAssignment.objects.create(person=p, role=Role.LEADER)
            RoleAssignment.objects.create(person=p, role=Role.OFFICE_ADMIN)  # the command screen is the office's
            accounts["leader"].append({"username": p.user.username})
    from iccity.indicators.models import Indicator

    accounts["indicators"] = list(Indicator.objects.filter(observations__isnull=False).distinct()
                                  .values_list("code", flat=True)[:20])
    accounts["data"] = data
    accounts["notes"] = notes["notes"]
    # Signed in beforehand through Django's own session engine (as a login does, outside the travelled clock so the
    # session limits count from now): the load measures pages, not PBKDF2 at the start of the run.
    from django.conf import settings
    from django.test import Client

    accounts["session_cookie"] = settings.SESSION_COOKIE_NAME
    for kind in ("liaison", "reviewer", "leader"):
        for account in accounts[kind]:
            client = Client()
            client.force_login(User.objects.get(username=account["username"]))
            account["session"] = client.cookies[settings.SESSION_COOKIE_NAME].value
    out.write_text(json.dumps(accounts, ensure_ascii=False))


def _wait(url: str, process, timeout: float = 300) -> None:  # 5 workers importing Django on 2 busy cores
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited ({process.returncode})")
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers=HEADERS), timeout=2)
            return
        except Exception:  # noqa: BLE001
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer in {timeout} s")


def _stop(process) -> None:
    if process and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def report(stats_csv: Path, seconds: int) -> None:
    rows = {row["Name"]: row for row in csv.DictReader(stats_csv.open())}
    floor = rows.get("healthz")
    f50 = float(floor["50%"]) if floor else 0
    f95 = float(floor["95%"]) if floor else 0
    print(f"\n{'page':<22}{'reqs':>7}{'err':>5}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
          f"{'p50/floor':>11}{'p95/floor':>11}  target")
    for name, row in sorted(rows.items(), key=lambda kv: (kv[0] == "Aggregated", kv[0])):
        p50, p95, p99 = float(row["50%"]), float(row["95%"]), float(row["99%"])
        target = 100 if name in PUBLIC else 300
        mark = "" if name == "Aggregated" else ("ok" if p95 <= target else f"OVER ({target})")
        print(f"{name:<22}{row['Request Count']:>7}{row['Failure Count']:>5}{float(row['Requests/s']):>8.1f}"
              f"{p50:>8.0f}{p95:>8.0f}{p99:>8.0f}{(p50 / f50 if f50 else 0):>11.1f}{(p95 / f95 if f95 else 0):>11.1f}  {mark}")
    print(f"\nfloor = /healthz in the same run (p50 {f50:.0f} ms, p95 {f95:.0f} ms); {seconds} s of load.")


def solo(host: str, accounts: dict, runs: int = 5) -> dict[str, float]:
    """Each page alone, one request at a time through the server (median ms): the service time without queueing,
    which on a shared machine says more about a page than percentiles under load."""
    import re
    import statistics

    import requests

    def session(kind: str | None):
        s = as_proxied(requests.Session(), host)
        if kind:
            form = s.get(f"{host}/delivery/login/")
            s.post(form.url, data={"username": accounts[kind][0]["username"],
                                                    "password": accounts["password"],
                                                    "csrfmiddlewaretoken": s.cookies.get("csrftoken", "")})
        return s

    report = accounts["liaison"][0]["reports"][0] if accounts["liaison"] else None
    pages = [("healthz", None, "/healthz"), ("home", None, "/"), ("public progress", None, "/evaluation/public/"),
             ("indicators", None, "/indicators/"), ("events", None, "/events/"),
             ("complaint form", None, "/complaints/new/"), ("my tasks", "liaison", "/delivery/"),
             ("report form", "liaison", f"/delivery/reports/{report}/"), ("review queue", "reviewer", "/delivery/review/"),
             ("leader summary", "leader", "/evaluation/leader/"), ("command screen", "leader", "/evaluation/command/")]
    sessions, out = {}, {}
    for name, kind, path in pages:
        s = sessions.setdefault(kind, session(kind))
        s.get(host + path)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            response = s.get(host + path)
            times.append((time.perf_counter() - started) * 1000)
        out[name] = statistics.median(times)
        if response.status_code != 200 or re.search(r"/login/", response.url):
            out[name] = float("nan")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "60")))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--keep", action="store_true", help="keep the database and the temporary directory")
    parser.add_argument("--prepare", metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.scale, Path(args.prepare))
        return

    db = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/iccity_bench_web")
    port = int(os.environ.get("BENCH_PORTS", "8150"))
    tmp = Path(tempfile.mkdtemp(prefix="iccity-bench-web-"))
    # ICCITY_WORKERS / ICCITY_THREADS / ICCITY_PUBLIC_CACHE pass through, to compare settings in one command.
    passed = ("ICCITY_WORKERS", "ICCITY_THREADS", "ICCITY_PUBLIC_CACHE")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICCITY_") or k in passed}
    env.update(DATABASE_URL=db, ICCITY_VAR_DIR=str(tmp / "var"), ICCITY_SECRET_KEY="bench-" + "x" * 50,
               ICCITY_DEBUG="0", ICCITY_ALLOWED_HOSTS="127.0.0.1,localhost", ICCITY_TRUSTED_PROXIES="127.0.0.1",
               ICCITY_BIND=f"127.0.0.1:{port}", ICCITY_ACCESS_LOG="",
               ICCITY_PROXY_SSL_HEADER="X-Forwarded-Proto",  # the load generator speaks as nginx (bench/behind_proxy.py)
               ICCITY_OTP_REQUIRED="0")  # the benchmark measures pages, not the second-factor step of signing in
    processes = []
    try:
        started = time.perf_counter()
        _database(db)
        accounts = tmp / "accounts.json"
        subprocess.run([sys.executable, __file__, "--prepare", str(accounts), "--scale", str(args.scale)],
                       env=env, check=True, cwd=ROOT)
        subprocess.run([str(BIN / "iccity"), "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
        print(f"dataset (scale {args.scale}) ready in {time.perf_counter() - started:.0f} s: "
              f"{json.loads(accounts.read_text())['data']}")
        redis_url = os.environ.get("BENCH_REDIS_URL")
        if not redis_url:
            redis = subprocess.Popen(["redis-server", "--port", str(port + 1), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(tmp)], stdout=subprocess.DEVNULL)
            processes.append(redis)
            redis_url = f"redis://127.0.0.1:{port + 1}/0"
        env["ICCITY_REDIS_URL"] = redis_url
        serve = subprocess.Popen([str(BIN / "iccity"), "serve"], env=env, cwd=ROOT,
                                 stdout=(tmp / "serve.log").open("wb"), stderr=subprocess.STDOUT)
        processes.append(serve)
        host = f"http://127.0.0.1:{port}"
        _wait(f"{host}/healthz", serve)
        workers = os.environ.get("ICCITY_WORKERS") or str(2 * os.cpu_count() + 1)
        threads = os.environ.get("ICCITY_THREADS") or "4"
        print(f"iccity serve: {workers} workers × {threads} threads, PostgreSQL + Redis, public page cache "
              f"{env.get('ICCITY_PUBLIC_CACHE', '1')}; locust {args.users} users, {args.seconds} s; "
              f"load average before: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
        alone = solo(host, json.loads(accounts.read_text()))
        print("alone (median of 5, one request at a time, ms): "
              + ", ".join(f"{name} {ms:.0f}" for name, ms in alone.items()))
        locust_env = {**os.environ, "BENCH_ACCOUNTS": str(accounts)}
        subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "bench" / "web_locust.py"), "--headless",
                        "-u", str(args.users), "-r", str(max(1, args.users // 5)), "-t", f"{args.seconds}s",
                        "--host", host, "--csv", str(tmp / "stats"), "--only-summary", "--loglevel", "WARNING",
                        "--stop-timeout", "5", "--reset-stats"], env=locust_env, cwd=ROOT, check=False,
                       stdout=subprocess.DEVNULL, stderr=(tmp / "locust.log").open("wb"))
        print(f"load average after: {' '.join(f'{v:.1f}' for v in os.getloadavg())} (the machine's other work "
              "shares these cores)")
        report(tmp / "stats_stats.csv", args.seconds)
        failures = tmp / "stats_failures.csv"
        if failures.exists() and len(failures.read_text().splitlines()) > 1:
            print("\nfailures:\n" + failures.read_text()[:3000])
    finally:
        for process in reversed(processes):
            _stop(process)
        if not args.keep:
            _drop(db)
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept: {db}, {tmp}")


if __name__ == "__main__":
    main()
