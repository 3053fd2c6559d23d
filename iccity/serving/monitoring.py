"""The serving app's own health checks (database, cache, disk, media, holiday data). Other apps add theirs in their
own ``monitoring.py`` (see registry.py); e.g. delivery reports pending notices, ops the freshness of job runs."""
from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connection

from .registry import Result, health_check, metrics_collector


@health_check("database")
def database() -> Result:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Result.ok(vendor=connection.vendor)


def cache_kind() -> str:
    backend = settings.CACHES["default"]["BACKEND"]
    return "redis" if "redis" in backend.lower() else backend.rsplit(".", 1)[-1]


@health_check("cache")
def cache() -> Result:
    key, value = f"iccity:healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    store = caches["default"]
    store.set(key, value, 30)
    read = store.get(key)
    store.delete(key)
    if read != value:
        return Result.fail("缓存写入后读不回来", backend=cache_kind())
    return Result.ok(backend=cache_kind())


@health_check("disk")
def disk() -> Result:
    path = Path(settings.MEDIA_ROOT)
    while not path.exists() and path != path.parent:
        path = path.parent
    free_mb = shutil.disk_usage(path).free // (1024 * 1024)
    minimum = settings.ICCITY_HEALTH_MIN_FREE_MB
    if free_mb < minimum:
        return Result.fail(f"磁盘剩余空间不足 {minimum} MB", free_mb=free_mb)
    if free_mb < 2 * minimum:
        return Result.warn(f"磁盘剩余空间低于 {2 * minimum} MB，请尽快清理或扩容", free_mb=free_mb)
    return Result.ok(free_mb=free_mb)


@health_check("media")
def media() -> Result:
    """Evidence, templates and generated documents are written here; a read-only mount fails every upload."""
    root = Path(settings.MEDIA_ROOT)
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".healthz-", dir=root)
        os.write(fd, b"ok")
        os.close(fd)
        os.unlink(name)
    except OSError:
        return Result.fail("附件目录不可写")
    return Result.ok()


@health_check("holidays")
def holidays() -> Result:
    """Deadlines count workdays: without this year's holidays they cannot be computed (fail); next year's are published
    by the State Council around November, so their absence is a warning from November on."""
    from iccity.core import clock
    from iccity.core.calendar import WorkdayCalendar

    today = clock.today()
    calendar = WorkdayCalendar()
    if not calendar.covers_year(today.year):
        return Result.fail(f"缺少 {today.year} 年节假日数据，截止日期无法计算", year=today.year)
    if not calendar.covers_year(today.year + 1):
        message = f"尚未录入 {today.year + 1} 年节假日数据（国务院通知发布后在管理后台录入）"
        return Result.warn(message, year=today.year + 1) if today.month >= 11 else Result.ok(message, year=today.year + 1)
    return Result.ok(year=today.year + 1)


# Scheduled jobs (app "ops", when installed): a job overdue means no worker runs it or it keeps failing. A warning, not
# a failure: the web node can still serve, and taking every node out of the load balancer would not start a worker.
if apps.is_installed("iccity.ops"):

    @health_check("jobs")
    def jobs() -> Result:
        from iccity.ops.status import job_statuses

        overdue = [status.job.name for status in job_statuses() if status.overdue]
        if overdue:
            return Result.warn("定时任务逾期未成功运行：" + "、".join(overdue), overdue=overdue)
        return Result.ok()

    @metrics_collector
    def job_metrics():
        from prometheus_client.core import GaugeMetricFamily

        from iccity.ops.status import job_statuses

        success = GaugeMetricFamily("iccity_job_last_success_timestamp_seconds",
                                    "When each scheduled job last finished successfully", labels=["job"])
        overdue = GaugeMetricFamily("iccity_job_overdue", "1 when a scheduled job is overdue", labels=["job"])
        for status in job_statuses():
            if status.last_success and status.last_success.finished_at:
                success.add_metric([status.job.name], status.last_success.finished_at.timestamp())
            overdue.add_metric([status.job.name], 1.0 if status.overdue else 0.0)
        yield success
        yield overdue
