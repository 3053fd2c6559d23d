"""Running due jobs under their lease. ``iccity worker`` calls ``run_due`` in a loop; ``--once`` calls it once."""
from __future__ import annotations

import io
import os
import socket
import threading
import traceback
import uuid
from dataclasses import dataclass

from django.core.management import call_command
from django.db import connection

from iccity.core import clock

from . import actions, registry
from .models import JobRun


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class Outcome:
    job: str
    ran: bool
    run: JobRun | None = None
    reason: str = ""


class _Heartbeat(threading.Thread):
    """Renews the lease while a long job runs, so it is never taken over by another worker while alive."""

    def __init__(self, name: str, holder: str, ttl):
        super().__init__(daemon=True, name=f"lease-{name}")
        self.job_name, self.holder, self.ttl = name, holder, ttl
        self.stopped = threading.Event()

    def run(self):
        interval = max(self.ttl.total_seconds() / 3, 1)
        try:
            while not self.stopped.wait(interval):
                try:
                    actions.do_renew_lease(self.job_name, self.holder, self.ttl)
                except Exception:  # a busy database now and then: the next beat retries well before expiry
                    pass
        finally:
            connection.close()  # this thread's own connection


def last_start(job_name: str):
    run = JobRun.objects.filter(job=job_name).order_by("-started_at", "-pk").only("started_at").first()
    return run.started_at if run else None


def execute(job: registry.Job, now) -> tuple[bool, str, str]:
    """Run one job in this process; (ok, output, error). Never raises."""
    out, err = io.StringIO(), io.StringIO()
    try:
        if job.command is not None:
            call_command(*job.argv(now), stdout=out, stderr=err)
        else:
            job.func(out)
        ok, error = True, ""
    except SystemExit as exc:  # a command that calls sys.exit(n)
        ok, error = exc.code in (0, None), f"退出码 {exc.code}"
    except Exception as exc:
        ok, error = False, f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"
    output = out.getvalue() + (("\n[stderr]\n" + err.getvalue()) if err.getvalue() else "")
    return ok, output, error


def run_job(job: registry.Job, holder: str, *, force: bool = False, trigger: str = "schedule") -> Outcome:
    """Take the lease, check the job is (still) due, run it, record it, release. Checking due-ness *after* taking the
    lease is what makes two workers started together run a due job exactly once."""
    ttl = job.lease_timeout
    if not actions.do_acquire_lease(job.name, holder, ttl):
        return Outcome(job.name, False, reason="另一进程正在执行")
    try:
        now = clock.now()
        if not force and not job.schedule.is_due(now, last_start(job.name)):
            return Outcome(job.name, False, reason="未到时间")
        run = actions.do_start_run(job, holder, job.describe_action(now), trigger=trigger)
        beat = _Heartbeat(job.name, holder, ttl)
        beat.start()
        try:
            ok, output, error = execute(job, now)
        finally:
            beat.stopped.set()
            beat.join()
        run = actions.do_finish_run(run, ok=ok, output=output, error=error)
        return Outcome(job.name, True, run)
    finally:
        actions.do_release_lease(job.name, holder)


def run_due(holder: str | None = None, *, only: list[str] | None = None, force: bool = False,
            trigger: str = "schedule") -> list[Outcome]:
    holder = holder or worker_id()
    selected = [registry.get(name) for name in only] if only else registry.jobs()
    outcomes = []
    for job in selected:
        if not force and not job.schedule.is_due(clock.now(), last_start(job.name)):
            continue  # cheap pre-check; the real one happens under the lease
        outcomes.append(run_job(job, holder, force=force, trigger=trigger))
    return outcomes
