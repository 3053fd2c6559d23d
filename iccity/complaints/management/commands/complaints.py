"""``iccity complaints publish-indicators --month YYYY-MM``: the month's complaint figures into the indicators."""
import sys

from django.core.management.base import BaseCommand

from iccity.complaints.metrics import do_publish_indicators


class Command(BaseCommand):
    help = "消费投诉：把月度办理指标写入指标模块"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("publish-indicators", help="发布某月的处理及时率、调解成功率、平均处理时长")
        p.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args, month: str, **opts):
        try:
            year, mon = (int(x) for x in month.split("-"))
            if not 1 <= mon <= 12:
                raise ValueError
        except ValueError:
            self.stderr.write("错误：--month 应为 YYYY-MM，例如 2026-05")
            sys.exit(2)
        outcome = do_publish_indicators(year, mon)
        if outcome is None:
            self.stdout.write(f"{year}年{mon}月没有办结的投诉，未发布")
        elif not outcome.report.ok:
            self.stderr.write("错误：" + "；".join(e.message for e in outcome.report.errors[:5]))
            sys.exit(1)
        else:
            self.stdout.write(f"{year}年{mon}月：新增 {outcome.created} 条观测值，未变 {outcome.unchanged} 条")
