"""Scheduled-job bookkeeping: one lease row per job (so two workers never run it at once) and one row per run."""
from __future__ import annotations

from django.db import models
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from iccity.core import clock


class JobLease(models.Model):
    """Who may run a job right now. Taken by a conditional UPDATE (free or expired → mine), which is atomic on
    SQLite and PostgreSQL alike; a worker that dies simply lets its lease expire."""

    name = models.CharField(_("任务"), max_length=80, unique=True)
    holder = models.CharField(_("持有者"), max_length=200, blank=True, help_text=_("主机:进程号:随机串；空表示空闲"))
    acquired_at = models.DateTimeField(_("取得时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("任务租约")
        verbose_name_plural = _("任务租约")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}（{self.holder or '空闲'}）"


class JobRunQuerySet(models.QuerySet):
    def last_successful(self) -> dict[str, JobRun]:
        """{job name: its latest successful run} in two queries — what /healthz and the jobs page read."""
        latest = (self.filter(result=JobRun.Result.OK).values("job").annotate(last=Max("finished_at"))
                  .values_list("job", "last"))
        wanted = models.Q()
        for job, last in latest:
            wanted |= models.Q(job=job, finished_at=last)
        if not wanted:
            return {}
        runs = {}
        for run in self.filter(wanted, result=JobRun.Result.OK).order_by("job", "-started_at", "-pk"):
            runs.setdefault(run.job, run)
        return runs

    def last_started(self) -> dict[str, JobRun]:
        """{job name: its most recent run, whatever the result}."""
        ids = self.values("job").annotate(last=Max("pk")).values_list("last", flat=True)
        return {run.job: run for run in self.filter(pk__in=list(ids))}


class JobRun(models.Model):
    class Result(models.TextChoices):
        RUNNING = "running", _("运行中")
        OK = "ok", _("成功")
        FAILED = "failed", _("失败")
        ABANDONED = "abandoned", _("中断（进程退出）")

    job = models.CharField(_("任务"), max_length=80, db_index=True)
    label = models.CharField(_("任务名称"), max_length=200)
    action = models.CharField(_("执行内容"), max_length=300, blank=True)
    trigger = models.CharField(_("触发方式"), max_length=20, default="schedule",
                               choices=[("schedule", _("按计划")), ("manual", _("手动"))])
    worker = models.CharField(_("执行者"), max_length=200)
    started_at = models.DateTimeField(_("开始时间"), default=clock.now, db_index=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices, default=Result.RUNNING)
    output = models.TextField(_("输出摘录"), blank=True, help_text=_("最后 8000 个字符"))
    error = models.TextField(_("错误"), blank=True)

    objects = JobRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("定时任务运行记录")
        verbose_name_plural = _("定时任务运行记录")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["job", "result", "finished_at"])]

    def __str__(self):
        return f"{self.label} {self.started_at:%Y-%m-%d %H:%M}（{self.get_result_display()}）"

    @property
    def duration(self):
        return (self.finished_at - self.started_at) if self.finished_at else None


def last_successful_runs() -> dict[str, JobRun]:
    """Public query for health checks: {job name: latest successful JobRun}."""
    return JobRun.objects.last_successful()
