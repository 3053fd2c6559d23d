"""``iccity demo``: fill the platform with generated demo activity, every record marked 示例.

Each app that has demo data provides ``iccity.<app>.demo_data`` with ``generate(stdout, **options)`` and
``reset(stdout)``; this command runs them in INSTALLED_APPS order inside ``core.demo.marking()``.
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from iccity.core import demo
from iccity.core.hooks import app_modules


class Command(BaseCommand):
    help = "生成示例数据（全部标注“示例”），让新用户看到一个运转中的系统"

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=18, help="模拟的月数（默认18个月）")
        parser.add_argument("--seed", type=int, default=2023, help="随机种子，同一种子生成相同的数据")
        parser.add_argument("--reset", action="store_true", help="先删除已有的示例数据再重新生成")
        parser.add_argument("--remove", action="store_true", help="只删除示例数据（正式启用前使用）")

    def handle(self, *args, months: int, seed: int, reset: bool, remove: bool, **opts):
        if months < 1 or months > 60:
            raise CommandError("--months 应在 1 到 60 之间")
        modules = list(app_modules("demo_data"))
        if reset or remove:
            for module in reversed(modules):
                module.reset(self.stdout)
        if remove:
            return
        with demo.marking():
            for module in modules:
                module.generate(self.stdout, months=months, seed=seed)
