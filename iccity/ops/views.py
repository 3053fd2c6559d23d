"""The office's view of scheduled jobs: each job's schedule, last run, last success and recent runs."""
from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from iccity.core.policy import requires

from . import registry
from .models import JobRun
from .status import job_statuses

MESSAGE = "只有领导小组办公室工作人员可以查看定时任务"


@requires("ops.view_jobs")
def jobs(request):
    recent = JobRun.objects.all()[:30]
    return render(request, "ops/jobs.html", {"statuses": job_statuses(), "recent": recent, "nav": "ops"})


@requires("ops.view_jobs")
def job_runs(request, name: str):
    try:
        job = registry.get(name)
    except KeyError:
        if not JobRun.objects.filter(job=name).exists():
            raise Http404("没有这个定时任务")
        job = None
    page = Paginator(JobRun.objects.filter(job=name), 50).get_page(request.GET.get("page"))
    return render(request, "ops/job_runs.html", {"job": job, "name": name, "page": page, "nav": "ops"})
