"""``iccity backup [--dir D] [--keep N]`` writes one archive; ``iccity backup verify ARCHIVE`` checks one;
``iccity backup list`` shows the archives kept.

Encryption is on when ``ICCITY_BACKUP_KEY`` is set (a passphrase; keep a copy away from the server — without it the
archives cannot be read). See docs/operations.md for off-machine copies and the restore drill.
"""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ... import crypto
from ...backup import archives, backup_dir, create_backup
from ...database import BackupError
from ...restore import verify


class Command(BaseCommand):
    help = "备份：数据库、附件（佐证材料、模板、已生成文书）、消费数据湖和校验清单写入一个归档；verify 校验归档"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="备份目录（默认 ICCITY_BACKUP_DIR，即 var/backups）")
        parser.add_argument("--keep", type=int, help="保留最近的归档个数（默认 ICCITY_BACKUP_KEEP=14；0 表示不删除）")
        parser.add_argument("--no-encrypt", action="store_true", help=f"即使设置了 {crypto.KEY_ENV} 也不加密")
        sub = parser.add_subparsers(dest="subcommand")
        check = sub.add_parser("verify", help="校验归档：能否解密、每个文件的 SHA-256、数据库备份可读")
        check.add_argument("archive")
        sub.add_parser("list", help="列出备份目录中的归档")

    def handle(self, *args, subcommand=None, **opts):
        try:
            if subcommand == "verify":
                return self._verify(Path(opts["archive"]))
            if subcommand == "list":
                return self._list(opts)
            return self._create(opts)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc

    def _create(self, opts) -> None:
        passphrase = None if opts["no_encrypt"] else crypto.key_from_env()
        result = create_backup(Path(opts["dir"]) if opts["dir"] else None, keep=opts["keep"], passphrase=passphrase)
        self.stdout.write(f"已写入备份 {result.path}（{result.files} 个文件，{result.size / 1024 / 1024:.1f} MB，"
                          f"{'已加密' if result.encrypted else '未加密'}）")
        for path in result.removed:
            self.stdout.write(f"按保留策略删除旧备份 {path.name}")
        if not result.encrypted:
            self.stdout.write(f"提示：设置 {crypto.KEY_ENV} 后备份将加密；复制到其他机器前请务必加密。")

    def _verify(self, archive: Path) -> None:
        report = verify(archive)
        self.stdout.write(f"校验通过：{archive.name}（{report.created_at}，{report.files} 个文件 SHA-256 一致，"
                          f"{'已解密' if report.encrypted else '未加密'}；{report.database}）")

    def _list(self, opts) -> None:
        directory = Path(opts["dir"]) if opts["dir"] else backup_dir()
        found = archives(directory)
        if not found:
            self.stdout.write(f"{directory} 中没有备份")
        for path in found:
            self.stdout.write(f"{path.name}\t{path.stat().st_size / 1024 / 1024:.1f} MB")
