"""Background jobs of the delivery loop, for cron. Every subcommand is safe to run twice and in parallel.

    iccity delivery open-cycles [--date D]   open the current reporting cycle of every plan in force
    iccity delivery remind [--date D]        催报, 签收提醒 and 催办单 → 督办单 → 红色督办
    iccity delivery send-notices [--limit N] deliver pending notices through email / DingTalk / WeCom
    iccity delivery tick [--date D]          all three in order (what cron calls, e.g. every 15 minutes)
    iccity delivery digest                   the daily notice digests, once the digest time of the day has come

A year without holiday data cannot be judged in working days. The job does not guess: it does everything it can,
prints a clear message on stderr and exits with status 1, so cron mail / monitoring shows it until an admin enters
the year's 放假调休 schedule (``iccity calendar check YEAR``). There is no office unit to address a notice to, so
the message goes to the operator, not the inbox. ``tick`` runs the later steps even when an earlier one fails (notices
already created still go out) and fails at the end.
"""
from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from iccity.core import clock
from iccity.core.actions import ActionRefused
from iccity.core.calendar import CalendarDataMissing
from iccity.plans.models import Plan

from ...actions import do_open_cycle
from ...channels import deliver_pending
from ...escalation import run_reminders
from ...signals import tick_steps


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD，收到“{text}”") from exc


class Command(BaseCommand):
    # A cron job must not stop because a page elsewhere fails a system check; checks run on deploy.
    requires_system_checks = []
    help = "督办后台任务：open-cycles 开启报告周期，remind 催报与督办，send-notices 发送通知，tick 依次执行三项，digest 每日通知汇总"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, text in (("open-cycles", "开启各方案当前报告周期（可重复执行）"), ("remind", "催报、签收提醒与逾期督办"),
                           ("tick", "依次执行 open-cycles、remind、lights、send-notices（供定时任务调用）")):
            p = sub.add_parser(name, help=text)
            p.add_argument("--date", help="按此日期执行（默认今天），格式 YYYY-MM-DD")
            if name == "tick":
                p.add_argument("--limit", type=int, default=200, help="本次最多发送的通知数")
        send = sub.add_parser("send-notices", help="通过邮件、钉钉、企业微信发送待发通知")
        send.add_argument("--limit", type=int, default=200, help="本次最多发送的通知数")
        sub.add_parser("digest", help="到每日汇总时间后，按个人通知偏好发送当天的通知汇总（可重复执行）")

    def handle(self, *args, subcommand: str, **opts):
        day = parse_date(opts["date"]) if opts.get("date") else clock.today()
        steps = {
            "open-cycles": [self.open_cycles],
            "remind": [self.remind],
            "send-notices": [self.send_notices],
            "digest": [self.digest],
            "tick": [self.open_cycles, self.remind, self.registered_steps, self.send_notices],
        }[subcommand]
        errors = []
        for step in steps:
            try:
                step(day, opts)
            except CommandError as exc:
                errors.append(str(exc))
                if len(steps) > 1:
                    self.stderr.write(str(exc))
        if errors:
            raise CommandError(errors[0] if len(errors) == 1 else f"{len(errors)} 项任务未完成，详见上文")

    def open_cycles(self, day: dt.date, opts) -> None:
        opened, new_reports, problems = 0, 0, []
        for plan in Plan.objects.filter(versions__isnull=False).distinct().order_by("pk"):
            if (plan.starts_on and day < plan.starts_on) or (plan.ends_on and day > plan.ends_on):
                continue  # outside the plan's period: no cycle to open
            try:
                cycle, created = self._open_one(plan, day)
            except (CalendarDataMissing, ActionRefused) as exc:
                problems.append(f"《{plan.name}》：{exc}")
                continue
            opened += 1
            new_reports += created
        self.stdout.write(f"报告周期：{opened} 个方案的当前周期已开启，新增报告 {new_reports} 份")
        if problems:
            raise CommandError("开启报告周期失败：" + "；".join(problems))

    @staticmethod
    def _open_one(plan: Plan, day: dt.date):
        try:
            return do_open_cycle(plan, day)
        except IntegrityError:
            # A parallel run inserted the same cycle or report slots first; once it committed, a retry adds nothing.
            return do_open_cycle(plan, day)

    def remind(self, day: dt.date, opts) -> None:
        summary = run_reminders(day)
        self.stdout.write(summary.line())
        for warning in summary.warnings:
            self.stderr.write(f"提示：{warning}")
        if summary.missing_years:
            raise CommandError(f"催报与督办未完成：{summary.missing_message()}（{summary.unjudged} 项未能判断）")

    def registered_steps(self, day: dt.date, opts) -> None:
        """What the apps above delivery add to the tick (``signals.tick_steps``: evaluation's task lights)."""
        for step in tick_steps:
            self.stdout.write(step(day))

    def digest(self, day: dt.date, opts) -> None:
        from ...digest import send_digests

        self.stdout.write(send_digests().line())

    def send_notices(self, day: dt.date, opts) -> None:
        self.stdout.write(deliver_pending(limit=opts["limit"]).line())
