"""``iccity upgrade``: after installing a new release — migrate, load new rule versions and reference data, collect
static files, run the checks. Safe to re-run: every step only adds what is missing, and the initial-data hooks never
change rows that exist (an office's edited rules and units stay as edited).

Take a backup first (``iccity backup``); the worker and web service may keep running during ``migrate`` only for
releases whose notes say so — otherwise stop them (docs/operations.md).
"""
from __future__ import annotations

import io

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from iccity.core import clock
from iccity.core.hooks import app_modules


class Command(BaseCommand):
    help = "升级：迁移数据库、载入新增的规则版本与参考数据（不改动已编辑的数据）、收集静态文件、运行检查（可重复执行）"
    requires_system_checks = []  # the checks run as the last step, after migrations brought the schema up to date

    def add_arguments(self, parser):
        parser.add_argument("--skip-static", action="store_true", help="不执行 collectstatic（静态文件由其他机器提供时）")

    def handle(self, *args, skip_static: bool, **opts):
        self.stdout.write("1/4 数据库迁移")
        call_command("migrate", interactive=False, verbosity=1, stdout=self.stdout)
        self.stdout.write("2/4 新增规则版本与参考数据（已存在的记录不改动）")
        for module in app_modules("initial_data"):
            module.load(self.stdout)
        if skip_static:
            self.stdout.write("3/4 跳过静态文件")
        else:
            self.stdout.write("3/4 收集静态文件")
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("4/4 系统检查")
        call_command("check", deploy=not settings.DEBUG, stdout=self.stdout)
        year = timezone.localtime(clock.now()).year + 1
        out = io.StringIO()
        try:
            call_command("calendar", "check", str(year), stdout=out)
        except CommandError as exc:
            self.stdout.write(self.style.WARNING(f"提醒：{exc}"))
        self.stdout.write(self.style.SUCCESS("升级完成"))
