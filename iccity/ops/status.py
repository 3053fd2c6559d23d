"""What the office page, ``/healthz`` and metrics need to know about scheduled jobs, in a few queries."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from iccity.core import clock

from . import registry
from .models import JobRun


@dataclass
class JobStatus:
    job: registry.Job
    last_run: JobRun | None
    last_success: JobRun | None
    next_at: dt.datetime
    overdue: bool  # due for longer than its lease timeout: no worker is running, or the job keeps failing


def job_statuses(now: dt.datetime | None = None) -> list[JobStatus]:
    now = now or clock.now()
    last = JobRun.objects.last_started()
    ok = JobRun.objects.last_successful()
    out = []
    for job in registry.jobs():
        run = last.get(job.name)
        nxt = job.schedule.next_after(now, run.started_at if run else None)
        success = ok.get(job.name)
        # overdue: the job should have succeeded since its last due moment plus grace
        reference = success.started_at if success else None
        due_since = job.schedule.next_after(reference - dt.timedelta(seconds=1), reference) if reference else None
        if due_since is None:  # never succeeded: overdue once it has tried and failed
            overdue = run is not None and run.result == JobRun.Result.FAILED
        else:
            overdue = now - due_since > job.lease_timeout
        out.append(JobStatus(job, run, success, nxt, overdue))
    return out
