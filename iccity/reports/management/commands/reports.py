"""公文与台账 from the command line.

    iccity reports generate KIND [--period 2026-05] [--task T3] [--task-force ID|名称] [--notice ID] [--plan SLUG]
                                 [--out FILE]
    iccity reports build-templates [--dir DIR]     rebuild the built-in Word templates (data/templates/*.docx)

KIND: monthly 月度进展报告, special 专报, stocktake 专班调度会材料, urge 催办通知, supervise 督办通知.
The ledger subcommands (ledger-export / ledger-import) come from ``iccity.reports.ledger_cli``.
"""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from iccity.core.actions import ActionRefused

from ... import ledger_cli  # the Excel ledger area adds its own subcommands
from ...models import DocumentKind


class Command(BaseCommand):
    help = "公文与台账：generate 生成文书，build-templates 重建内置模板，ledger-* 台账导出导入"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        gen = sub.add_parser("generate", help="生成文书（登记在已生成文书中）")
        gen.add_argument("kind", choices=DocumentKind.values, help="文书类型")
        gen.add_argument("--period", help="报告期 YYYY-MM（默认最近的月度报告周期）")
        gen.add_argument("--task", help="任务编号（专报），如 T3")
        gen.add_argument("--task-force", dest="task_force", help="专班编号或名称（专报、调度会材料）")
        gen.add_argument("--unit", help="单位（预留，目前文书按任务/专班生成）")
        gen.add_argument("--notice", help="催办单/督办单的通知编号（催办、督办通知）")
        gen.add_argument("--plan", help="方案标识（默认最近导入的方案）")
        gen.add_argument("--out", help="另存一份到此文件")
        build = sub.add_parser("build-templates", help="重建内置 Word 模板")
        build.add_argument("--dir", help="输出目录（默认 iccity/reports/data/templates）")
        ledger_cli.add_arguments(sub)

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "build-templates":
            from ...documents.templates_builtin import write_all

            for path in write_all(Path(options["dir"]) if options.get("dir") else None):
                self.stdout.write(f"已生成 {path}")
            return
        if subcommand == "generate":
            return self.generate(options)
        return ledger_cli.handle(subcommand, options, self.stdout)

    def generate(self, options):
        import time

        from ...actions.documents import do_generate_document

        if options.get("unit"):
            raise CommandError("--unit 暂不支持：文书按方案、任务或专班生成")
        params = {k: options[k] for k in ("period", "task", "task_force", "notice", "plan") if options.get(k)}
        started = time.perf_counter()
        try:
            document = do_generate_document(options["kind"], params, actor=None)
        except ActionRefused as exc:
            raise CommandError(exc.message) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(f"已生成《{document.title}》（{elapsed:.2f} 秒），登记编号 {document.pk}，文件 {document.file.name}")
        if options.get("out"):
            with document.file.open("rb") as fh:
                Path(options["out"]).write_bytes(fh.read())
            self.stdout.write(f"已另存为 {options['out']}")
