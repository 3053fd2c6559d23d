"""``iccity unlock_login --username U | --ip A``: release a login lockout early, recorded in the audit trail
(use this rather than axes' own reset commands, which leave no record)."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from iccity.core.actions import ActionRefused
from iccity.core.actions_auth import do_unlock_login


class Command(BaseCommand):
    help = "解除登录锁定（按账号或地址），并记入操作记录"

    def add_arguments(self, parser):
        parser.add_argument("--username", default="")
        parser.add_argument("--ip", default="")

    def handle(self, *args, username: str, ip: str, **opts):
        try:
            count = do_unlock_login(actor=None, username=username, ip_address=ip)
        except ActionRefused as refusal:
            raise CommandError(refusal.message)
        self.stdout.write(f"已解除锁定，清除失败记录 {count} 条")
