"""Scheduled jobs: schedules, the lease that keeps two workers from running one job twice, run records."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from iccity.core import clock
from iccity.ops import actions, registry
from iccity.ops.models import JobLease, JobRun, last_successful_runs
from iccity.ops.registry import Daily, Every, Yearly
from iccity.ops.runner import run_due

TZ = timezone.get_default_timezone()


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args), TZ)


@pytest.fixture
def temp_job():
    names = []

    def make(name, schedule, **kwargs):
        names.append(name)
        return registry.register(name, f"测试任务 {name}", schedule, **kwargs)

    yield make
    for name in names:
        registry.unregister(name)


def test_daily_schedule_is_due_once_after_each_time_of_day():
    schedule = Daily(2, 30)
    assert schedule.is_due(local(2026, 5, 6, 2, 31), None)
    assert not schedule.is_due(local(2026, 5, 6, 2, 31), local(2026, 5, 6, 2, 30, 5))
    assert not schedule.is_due(local(2026, 5, 7, 2, 29), local(2026, 5, 6, 2, 30, 5))
    assert schedule.is_due(local(2026, 5, 7, 2, 30), local(2026, 5, 6, 2, 30, 5))
    assert schedule.next_after(local(2026, 5, 6, 12, 0), local(2026, 5, 6, 2, 30)) == local(2026, 5, 7, 2, 30)


def test_yearly_schedule_and_interval_schedule():
    yearly = Yearly(12, 1, 9, 0)
    assert not yearly.is_due(local(2026, 11, 30, 12, 0), local(2025, 12, 1, 9, 0))
    assert yearly.is_due(local(2026, 12, 1, 9, 0), local(2025, 12, 1, 9, 0))
    assert yearly.next_after(local(2026, 12, 2), local(2026, 12, 1, 9, 1)) == local(2027, 12, 1, 9, 0)
    every = Every(minutes=15)
    assert not every.is_due(local(2026, 5, 6, 10, 14), local(2026, 5, 6, 10, 0))
    assert every.is_due(local(2026, 5, 6, 10, 15), local(2026, 5, 6, 10, 0))


def test_calendar_check_job_asks_for_the_year_after_the_current_one():
    job = registry.get("core.calendar-check")
    assert job.argv(local(2026, 12, 1, 9, 0)) == ["calendar", "check", "2027"]


def test_the_platform_jobs_are_registered_by_their_own_apps():
    names = {job.name for job in registry.jobs()}
    assert {"delivery.tick", "evaluation.lights", "ops.backup", "core.calendar-check", "django.clearsessions",
            "ops.purge-runs"} <= names
    assert registry.get("delivery.tick").schedule == Every(minutes=15)


def test_register_refuses_a_job_with_both_or_neither_action():
    with pytest.raises(ValueError):
        registry.register("x.bad", "坏任务", Every(minutes=5))
    with pytest.raises(ValueError):
        registry.register("x.bad", "坏任务", Every(minutes=5), command=("check",), func=print)


def test_a_run_is_recorded_and_not_repeated_until_due_again(db, temp_job):
    calls = []
    temp_job("test.count", Every(minutes=15), func=lambda out: (calls.append(1), out.write("做了一次")))
    with clock.travel(local(2026, 5, 6, 10, 0)):
        [outcome] = run_due(only=["test.count"])
        assert outcome.ran and outcome.run.result == JobRun.Result.OK
        assert "做了一次" in outcome.run.output and outcome.run.finished_at is not None
        assert run_due(only=["test.count"]) == []
    with clock.travel(local(2026, 5, 6, 10, 15)):
        assert [o.ran for o in run_due(only=["test.count"])] == [True]
    assert len(calls) == 2 and JobRun.objects.filter(job="test.count").count() == 2
    assert JobLease.objects.get(name="test.count").holder == ""  # released after each run


def test_a_failing_command_is_recorded_as_failed_with_its_error(db, temp_job):
    temp_job("test.calendar", Every(minutes=60), command=("calendar", "check", "2099"))
    [outcome] = run_due(only=["test.calendar"])
    assert outcome.run.result == JobRun.Result.FAILED
    assert "2099" in outcome.run.error and "尚无数据" in outcome.run.error
    assert "test.calendar" not in last_successful_runs()


def test_last_successful_runs_gives_the_latest_success_per_job(db):
    def run(job, result, start):
        return JobRun.objects.create(job=job, label=job, worker="w", started_at=start, finished_at=start, result=result)

    run("a", "ok", local(2026, 5, 1, 1))
    newest = run("a", "ok", local(2026, 5, 2, 1))
    run("a", "failed", local(2026, 5, 3, 1))
    only_b = run("b", "ok", local(2026, 5, 1, 1))
    run("c", "failed", local(2026, 5, 1, 1))
    assert last_successful_runs() == {"a": newest, "b": only_b}


def test_a_held_lease_blocks_a_second_worker_until_it_expires(db):
    ttl = dt.timedelta(minutes=10)
    with clock.travel(local(2026, 5, 6, 10, 0)):
        assert actions.do_acquire_lease("test.lease", "w1", ttl)
        assert not actions.do_acquire_lease("test.lease", "w2", ttl)
    with clock.travel(local(2026, 5, 6, 10, 11)):
        assert actions.do_acquire_lease("test.lease", "w2", ttl)  # w1 died: its lease expired
        assert not actions.do_renew_lease("test.lease", "w1", ttl)


def test_a_run_left_running_by_a_dead_worker_is_marked_abandoned(db, temp_job):
    temp_job("test.crash", Every(minutes=15), func=lambda out: None)
    dead = JobRun.objects.create(job="test.crash", label="x", worker="dead", started_at=local(2026, 5, 6, 9, 0))
    with clock.travel(local(2026, 5, 6, 10, 0)):
        run_due(only=["test.crash"])
    dead.refresh_from_db()
    assert dead.result == JobRun.Result.ABANDONED and dead.finished_at is not None


def test_two_workers_started_at_once_run_a_due_job_exactly_once(transactional_db, temp_job):
    calls = []
    temp_job("test.slow", Every(minutes=15), func=lambda out: (calls.append(1), time.sleep(0.5)))
    start = threading.Barrier(2)
    outcomes = []

    def worker():
        try:
            start.wait()
            outcomes.extend(run_due(only=["test.slow"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(calls) == 1
    assert JobRun.objects.filter(job="test.slow").count() == 1
    assert sum(o.ran for o in outcomes) == 1


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_two_worker_processes_started_at_once_run_a_due_job_exactly_once(transactional_db):
    env = {**os.environ, "DATABASE_URL": _database_url()}
    argv = [sys.executable, "-m", "iccity", "worker", "--once", "--job", "django.clearsessions"]
    procs = [subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    runs = JobRun.objects.filter(job="django.clearsessions")
    assert runs.count() == 1 and runs.get().result == JobRun.Result.OK
    assert len({run.worker for run in runs}) == 1


def test_worker_once_exits_non_zero_when_a_job_fails(db, temp_job):
    from django.core.management.base import CommandError

    temp_job("test.fail", Every(minutes=15), func=lambda out: 1 / 0)
    with pytest.raises(CommandError, match="1 项任务失败"):
        call_command("worker", "--once", "--job", "test.fail")
    assert "ZeroDivisionError" in JobRun.objects.get(job="test.fail").error


def test_purge_keeps_recent_runs_and_each_jobs_last_success(db):
    old = local(2025, 1, 1, 3)
    keep = JobRun.objects.create(job="a", label="a", worker="w", started_at=old, finished_at=old, result="ok")
    JobRun.objects.create(job="a", label="a", worker="w", started_at=old - dt.timedelta(days=1), finished_at=old,
                          result="ok")
    JobRun.objects.create(job="a", label="a", worker="w", started_at=old, finished_at=old, result="failed")
    with clock.travel(local(2026, 5, 6, 3, 10)):
        assert actions.do_purge_runs(180) == 2
    assert list(JobRun.objects.all()) == [keep]


def test_worker_list_shows_each_job_with_schedule_and_last_run(db, capsys):
    run_due(only=["django.clearsessions"])
    call_command("worker", "--list")
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "每 15 分钟" in lines["delivery.tick"] and "从未运行" in lines["delivery.tick"]
    assert "成功" in lines["django.clearsessions"] and "iccity clearsessions" in lines["django.clearsessions"]
