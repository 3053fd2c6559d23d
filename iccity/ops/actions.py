"""Every change to job bookkeeping. Runs are operational logs, not business records: starting and finishing a run is
not audited (that would add ~100 audit rows a day); purging run history, backups and restores are."""
from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q

from iccity.core import clock, policy
from iccity.core.actions import record_audit

from .models import JobLease, JobRun

OUTPUT_LIMIT = 8000


def _ensure_lease_row(name: str) -> None:
    if JobLease.objects.filter(name=name).exists():
        return
    try:
        with transaction.atomic():
            JobLease.objects.create(name=name)
    except IntegrityError:
        pass  # another worker created it at the same moment: fine, it is the same free row


# Leases and run bookkeeping are the worker's own (the system): no person acts, so no right is asked.
def do_acquire_lease(name: str, holder: str, ttl: dt.timedelta) -> bool:
    """Take the job's lease when it is free or expired. Exactly one of several concurrent callers gets True: the
    UPDATE's WHERE is evaluated by the database under its row (PostgreSQL) or database (SQLite) write lock."""
    _ensure_lease_row(name)
    now = clock.now()
    with transaction.atomic():
        taken = (JobLease.objects.filter(name=name)
                 .filter(Q(holder="") | Q(expires_at__isnull=True) | Q(expires_at__lte=now) | Q(holder=holder))
                 .update(holder=holder, acquired_at=now, expires_at=now + ttl))
    return taken == 1


def do_renew_lease(name: str, holder: str, ttl: dt.timedelta) -> bool:
    """Extend a lease this holder still has (the heartbeat of a long run). False: it was lost."""
    with transaction.atomic():
        return JobLease.objects.filter(name=name, holder=holder).update(expires_at=clock.now() + ttl) == 1


def do_release_lease(name: str, holder: str) -> None:
    with transaction.atomic():
        JobLease.objects.filter(name=name, holder=holder).update(holder="", expires_at=None)


@transaction.atomic
def do_start_run(job, holder: str, action: str, *, trigger: str = "schedule") -> JobRun:
    """Record a run's start. Runs of this job still marked running belong to a worker that died (we hold the lease,
    so nobody else is running it): they are marked abandoned."""
    now = clock.now()
    JobRun.objects.filter(job=job.name, result=JobRun.Result.RUNNING).update(
        result=JobRun.Result.ABANDONED, finished_at=now, error="执行进程未正常结束（租约过期后由其他进程接手）")
    return JobRun.objects.create(job=job.name, label=job.label, action=action[:300], trigger=trigger, worker=holder,
                                 started_at=now)


@transaction.atomic
def do_finish_run(run: JobRun, *, ok: bool, output: str = "", error: str = "") -> JobRun:
    run.finished_at = clock.now()
    run.result = JobRun.Result.OK if ok else JobRun.Result.FAILED
    run.output = output[-OUTPUT_LIMIT:]
    run.error = error[-OUTPUT_LIMIT:]
    run.save(update_fields=["finished_at", "result", "output", "error"])
    return run


@transaction.atomic
def do_purge_runs(days: int = 180, *, actor=None) -> int:
    """Delete finished run records older than ``days``; the latest successful run of each job is always kept, so
    health checks never lose their reference."""
    policy.check_actor(actor, "ops.run_maintenance")
    if days < 1:
        raise ValueError("days must be positive")
    cutoff = clock.now() - dt.timedelta(days=days)
    keep = [run.pk for run in JobRun.objects.last_successful().values()]
    old = JobRun.objects.filter(started_at__lt=cutoff).exclude(result=JobRun.Result.RUNNING).exclude(pk__in=keep)
    count = old.count()
    if count:
        old.delete()
        record_audit(actor, "ops.jobrun.purged", after={"deleted": count, "older_than_days": days})
    return count


@transaction.atomic
def do_record_backup(path, files: int, size: int, encrypted: bool, removed, *, actor=None) -> None:
    """A backup is a security-relevant event (等保: data leaves the database): kept in the audit trail. The right was
    asked when ``backup.create_backup`` started, before anything was written."""
    record_audit(actor, "ops.backup.created", after={
        "archive": path.name, "files": files, "bytes": size, "encrypted": encrypted,
        "removed": [p.name for p in removed]})


@transaction.atomic
def do_record_restore(path, files: dict, mismatched: dict, *, actor=None) -> None:
    """The right was asked when ``restore.restore`` started, before anything was overwritten."""
    record_audit(actor, "ops.backup.restored", after={
        "archive": path.name, "files": files, "row_count_mismatches": {k: list(v) for k, v in mismatched.items()}})
