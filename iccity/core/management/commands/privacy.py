"""``iccity privacy rotate-key`` (re-encrypt personal data with the first key of ICCITY_DATA_KEYS) and
``iccity privacy anonymise`` (remove complainants' data from cases closed longer ago than the retention rule).
Both are safe to run twice and audited."""
from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "个人信息保护：rotate-key 用新密钥重新加密；anonymise 匿名化超过保存期限的已办结案件（均可重复执行）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rotate-key", help="用 ICCITY_DATA_KEYS 的第一个密钥重新加密全部个人信息")
        anonymise = sub.add_parser("anonymise", help="匿名化超过保存期限的已办结案件")
        anonymise.add_argument("--today", help="按此日期判断（YYYY-MM-DD，默认今天）")

    def handle(self, *args, action: str, **opts):
        if action == "rotate-key":
            from iccity.core.actions_privacy import do_rotate_data_key

            counts = do_rotate_data_key()
            for label, n in counts.items():
                self.stdout.write(f"{label}：已重新加密 {n} 行")
            return
        from iccity.core.registries import retention_jobs

        try:
            today = dt.date.fromisoformat(opts["today"]) if opts.get("today") else None
        except ValueError:
            raise CommandError("--today 应为 YYYY-MM-DD") from None
        for run, describe in retention_jobs:  # filled by the apps holding personal data (complaints)
            self.stdout.write(describe(run(today)))
