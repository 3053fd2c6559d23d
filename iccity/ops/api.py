"""HTTP API of the ops app (mounted under /api/ops/): the scheduled jobs' state, for the office and monitoring."""
from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from iccity.core import policy

from .status import job_statuses

router = Router(tags=["运维"])


class JobOut(Schema):
    name: str
    label: str
    schedule: str
    last_run_at: dt.datetime | None
    last_result: str | None
    last_success_at: dt.datetime | None
    next_at: dt.datetime
    overdue: bool


@router.get("/jobs", response=list[JobOut], auth=django_auth, summary="定时任务：计划、上次运行、上次成功、是否逾期")
def jobs(request):
    if not policy.may(request, "ops.view_jobs"):
        raise HttpError(403, "只有领导小组办公室工作人员可以查看定时任务")
    return [JobOut(name=s.job.name, label=s.job.label, schedule=s.job.schedule.describe(),
                   last_run_at=s.last_run.started_at if s.last_run else None,
                   last_result=s.last_run.result if s.last_run else None,
                   last_success_at=s.last_success.finished_at if s.last_success else None,
                   next_at=s.next_at, overdue=s.overdue) for s in job_statuses()]
