"""``iccity evaluation lights [--on DATE]`` recomputes every task's light (logs changes once; safe to run twice);
``score --period P`` and ``quality [--since DATE]`` run the scoring and report-quality jobs."""
from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from iccity.core import clock
from iccity.core.actions import ActionRefused


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式不正确：“{value}”，应为 YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = "评估考核：重新计算亮灯、计分、报告质量检查"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True)
        lights = sub.add_parser("lights", help="重新计算全部任务灯色，记录变化（可重复运行）")
        lights.add_argument("--on", type=_date, help="判定日期（默认今天）")
        lights.add_argument("--plan", help="方案标识（默认全部方案的最新版本）")
        score = sub.add_parser("score", help="按考核期计分")
        score.add_argument("--period", required=True, help="如 2026-11 或 2026Q4")
        quality = sub.add_parser("quality", help="检查尚未检查的报告质量")
        quality.add_argument("--since", type=_date, help="只检查此日期之后提交的报告")

    def handle(self, *args, **opts):
        try:
            getattr(self, f"_{opts['sub']}")(opts)
        except ActionRefused as exc:
            raise CommandError(exc.message) from exc

    def _lights(self, opts):
        from iccity.plans.models import Plan

        from ...actions.lights import do_refresh_lights

        on = opts.get("on") or clock.today()
        plans = Plan.objects.filter(slug=opts["plan"]) if opts.get("plan") else Plan.objects.order_by("id")
        if opts.get("plan") and not plans.exists():
            raise CommandError(f"方案“{opts['plan']}”不存在")
        for plan in plans:
            version = plan.current_version
            if version is None:
                continue
            changes = do_refresh_lights(version, on)
            self.stdout.write(f"{plan.name}：{on:%Y-%m-%d} 亮灯已计算，{len(changes)} 项变化")
            for t in changes:
                self.stdout.write(f"  {t.task.key} {t.from_colour or '—'} → {t.to_colour}")

    def _score(self, opts):
        from ...scoring import do_score_period

        run = do_score_period(opts["period"])
        self.stdout.write(f"计分完成：{run}")

    def _quality(self, opts):
        from ...quality import do_check_pending

        n = do_check_pending(since=opts.get("since"))
        self.stdout.write(f"报告质量检查完成：已检查 {n} 份报告版本")
