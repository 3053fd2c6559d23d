"""``iccity bootstrap``: what ``make run`` needs after migrations. Safe to run again: it only adds what is missing.

Each app that ships initial data provides ``iccity.<app>.initial_data.load(stdout)``; they run in INSTALLED_APPS
order (the unit registry before the plan, the plan before the indicators that link to its tasks).
"""
from __future__ import annotations

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from iccity.core.hooks import app_modules


class Command(BaseCommand):
    help = "初始化：载入单位名录、导入西青区行动方案、默认规则与指标目录，创建管理员账号（可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("--admin-username", default=os.environ.get("ICCITY_ADMIN_USERNAME", "admin"))

    def handle(self, *args, admin_username: str, **opts):
        for module in app_modules("initial_data"):
            module.load(self.stdout)
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
        if not generated:
            self.stdout.write(f"已创建管理员账号 {username}（密码取自 ICCITY_ADMIN_PASSWORD）")
            return
        # A generated password was printed and written to a file: its owner must replace it at first login.
        from iccity.core.actions_auth import do_mark_password_must_change

        do_mark_password_must_change(User.objects.get(username=username), note="初始密码，首次登录须修改")
        path = settings.VAR_DIR / "initial-admin-password"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(password + "\n")
        path.chmod(0o600)
        self.stdout.write(self.style.WARNING(
            f"已创建管理员账号 {username}，初始密码：{password}\n"
            "（另存于 var/initial-admin-password，仅本机所有者可读；首次登录须修改此密码并绑定身份验证器；"
            "可设置环境变量 ICCITY_ADMIN_PASSWORD 指定密码）"))
