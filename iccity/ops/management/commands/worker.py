"""``iccity worker``: runs the registered periodic jobs (see ``iccity.ops.registry``).

    iccity worker                 loop: every --poll seconds run what is due (the systemd service)
    iccity worker --once          run what is due now and exit (tests, or the systemd timer alternative)
    iccity worker --list          show the jobs, their schedule and their last run
    iccity worker --run NAME      run one job now, whatever its schedule (still under its lease)

Several workers may run on several machines: a lease row per job makes sure one job never runs twice at once.
SIGTERM (systemctl stop) lets the running job finish, then exits.
"""
from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from iccity.core import clock

from ... import registry
from ...models import JobRun
from ...runner import run_due, worker_id


class Command(BaseCommand):
    help = "定时任务进程：按计划执行督办、亮灯、备份、节假日检查、清理等任务（多个进程同时运行也不会重复执行）"
    requires_system_checks = []  # a failing page check must not stop reminders; checks run at deploy/upgrade

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="执行当前到期的任务后退出")
        parser.add_argument("--list", dest="show_list", action="store_true", help="列出已登记的任务")
        parser.add_argument("--run", metavar="NAME", action="append", help="立即执行指定任务（可重复）")
        parser.add_argument("--job", metavar="NAME", action="append", help="只处理指定任务（可重复）")
        parser.add_argument("--poll", type=float, default=30.0, help="循环模式下检查间隔（秒），默认 30")

    def handle(self, *args, once, show_list, run, job, poll, **opts):
        if show_list:
            return self._list()
        for name in (run or []) + (job or []):
            try:
                registry.get(name)
            except KeyError as exc:
                raise CommandError(exc.args[0]) from None
        holder = worker_id()
        if run:
            failed = self._report(run_due(holder, only=run, force=True, trigger="manual"))
            if failed:
                raise CommandError(f"{failed} 项任务失败，详见运行记录")
            return
        if once:
            failed = self._report(run_due(holder, only=job))
            if failed:
                raise CommandError(f"{failed} 项任务失败，详见运行记录")
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(f"定时任务进程已启动（{holder}），登记任务 {len(registry.jobs())} 项")
        while not stop.is_set():
            close_old_connections()  # survive a database restart: a dead connection is replaced, not reused
            try:
                self._report(run_due(holder, only=job))
            except Exception as exc:  # the database is away: say so and try again next round
                self.stderr.write(f"本轮未能执行：{type(exc).__name__}: {exc}")
            stop.wait(poll)
        self.stdout.write("定时任务进程已退出")

    def _report(self, outcomes) -> int:
        failed = 0
        for outcome in outcomes:
            if not outcome.ran:
                self.stdout.write(f"{outcome.job}：跳过（{outcome.reason}）")
                continue
            run = outcome.run
            seconds = run.duration.total_seconds() if run.duration else 0
            self.stdout.write(f"{outcome.job}：{run.get_result_display()}（{seconds:.1f} 秒）")
            if run.result != JobRun.Result.OK:
                failed += 1
                self.stderr.write(f"{outcome.job} 失败：{run.error.splitlines()[0] if run.error else ''}")
        return failed

    def _list(self) -> None:
        now = clock.now()
        last = JobRun.objects.last_started()
        for job in registry.jobs():
            previous = last.get(job.name)
            started = previous.started_at if previous else None
            nxt = job.schedule.next_after(now, started)
            self.stdout.write(
                f"{job.name:24} {job.label}｜{job.schedule.describe()}｜{job.describe_action(now)}｜"
                f"上次：{f'{timezone.localtime(started):%Y-%m-%d %H:%M} {previous.get_result_display()}' if previous else '从未运行'}｜"
                f"下次：{timezone.localtime(nxt):%Y-%m-%d %H:%M}")
