"""``iccity bootstrap``: what ``make run`` needs after migrations. Safe to run again: it only adds what is missing."""
from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from iccity.orgs.actions import do_load_registry
from iccity.plans.actions import XIQING_PLAN_FILE, XIQING_PLAN_SLUG, do_import_plan


class Command(BaseCommand):
    help = "初始化：载入单位名录、导入西青区行动方案、创建管理员账号（可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("--admin-username", default=os.environ.get("ICCITY_ADMIN_USERNAME", "admin"))

    def handle(self, *args, admin_username: str, **opts):
        result = do_load_registry()
        self.stdout.write(f"单位名录：新增 {len(result.created)} 个单位")
        outcome = do_import_plan(XIQING_PLAN_FILE.read_bytes(), XIQING_PLAN_FILE.name, plan_slug=XIQING_PLAN_SLUG,
                                 note="随平台附带的方案文本")
        v = outcome.version
        self.stdout.write(f"方案《{v.title}》第{v.number}版{'已导入' if outcome.created else '已存在'}，"
                          f"重点任务 {v.tasks.filter(kind='task').count()} 项")
        self._ensure_admin(admin_username)

    def _ensure_admin(self, username: str) -> None:
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"管理员账号 {username} 已存在（密码未改动）")
            return
        password = os.environ.get("ICCITY_ADMIN_PASSWORD")
        generated = not password
        password = password or get_random_string(16)
        User.objects.create_superuser(username=username, email="", password=password)
        if generated:
            from django.conf import settings

            path = settings.VAR_DIR / "initial-admin-password"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(password + "\n")
            path.chmod(0o600)
            self.stdout.write(self.style.WARNING(
                f"已创建管理员账号 {username}，初始密码：{password}\n（另存于 var/initial-admin-password，仅本机所有者可读；可设置环境变量 ICCITY_ADMIN_PASSWORD 指定密码）"))
        else:
            self.stdout.write(f"已创建管理员账号 {username}（密码取自 ICCITY_ADMIN_PASSWORD）")
