"""``iccity orgs load-registry [FILE] [--update]``."""
from django.core.management.base import BaseCommand

from iccity.orgs.actions import DEFAULT_REGISTRY, do_load_registry


class Command(BaseCommand):
    help = "单位名录：从数据文件载入（可重复执行）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("load-registry", help="载入单位名录（默认为西青区名录）")
        p.add_argument("file", nargs="?", default=str(DEFAULT_REGISTRY))
        p.add_argument("--update", action="store_true", help="用文件内容覆盖已有单位的字段")

    def handle(self, *args, action, file, update, **opts):
        result = do_load_registry(file, update=update)
        self.stdout.write(f"单位名录：新增 {len(result.created)} 个，更新 {len(result.updated)} 个，新增别名 {result.aliases_added} 个")
