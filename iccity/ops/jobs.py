"""The jobs this app owns, plus the ones of apps below it (core, Django) that cannot register themselves here
without an upward import. Apps above add theirs in their own ``AppConfig.ready()``."""
from __future__ import annotations

from .registry import Daily, Every, Yearly, register


def _next_year(now) -> list[str]:
    from django.utils import timezone

    return ["calendar", "check", str(timezone.localtime(now).year + 1)]


def _purge_runs(stdout) -> None:
    from .actions import do_purge_runs

    stdout.write(f"已清理 {do_purge_runs()} 条 180 天前的定时任务运行记录")


def register_platform_jobs() -> None:
    register("ops.backup", "每日备份（数据库、附件、消费数据）", Daily(2, 30), command=("backup",))
    # The State Council publishes next year's 放假调休 in Oct–Nov; a failure here shows on the jobs page until an
    # admin enters the year (core.HolidayOverride) or chinesecalendar is upgraded.
    register("core.calendar-check", "检查下一年节假日数据", Yearly(12, 1, 9, 0), command=_next_year)
    register("django.clearsessions", "清理过期会话", Daily(3, 0), command=("clearsessions",))
    register("ops.purge-runs", "清理过期运行记录", Daily(3, 10), func=_purge_runs)

    # 等保 8.1.4.3: the audit trail's hash chain is walked every night; a broken link fails the run (jobs page, /healthz).
    register("core.audit-verify", "审计日志完整性校验（哈希链）", Daily(1, 30), command=("audit", "verify"))
    # PIPL: complainants' personal data leave closed cases once the retention rule's period has passed.
    register("core.privacy-anonymise", "匿名化超过保存期限的投诉个人信息", Daily(3, 20), command=("privacy", "anonymise"))
    # Partial or abandoned uploads (a killed request) are removed once they are an hour old.
    register("core.sweep-uploads", "清理中断上传的临时文件", Every(minutes=60), command=("sweep_uploads",))
