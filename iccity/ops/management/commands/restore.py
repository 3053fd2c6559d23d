"""``iccity restore ARCHIVE [--force]``: put a backup back into an EMPTY installation (after ``iccity migrate`` or
into a new database). The archive is checked completely before anything is changed."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...database import BackupError
from ...restore import restore


class Command(BaseCommand):
    help = "从备份归档恢复到空的安装（数据库、附件、消费数据）；数据库已有数据时拒绝，除非 --force"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true", help="覆盖已有数据（危险：当前数据库内容将被替换）")

    def handle(self, *args, archive, force, **opts):
        try:
            report = restore(Path(archive), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已恢复：{report.tables} 张表 {report.rows} 行（行数与备份清单一致），"
                          f"附件 {report.files.get('media', 0)} 个，消费数据文件 {report.files.get('consumption', 0)} 个")
        self.stdout.write("下一步：iccity upgrade（若代码版本比备份新），然后 iccity audit verify 核对留痕链。")
