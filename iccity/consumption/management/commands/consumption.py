"""``iccity consumption <subcommand>``: ingest, generate, rebuild-rollups, calendar, status (data layer) and
metrics / impact / publish (delegated to ``iccity.consumption.cli_analysis``)."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from iccity.core.actions import ActionRefused

from ... import cli_analysis

KINDS = ("transactions", "footfall", "merchants")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}")


class Command(BaseCommand):
    help = "消费监测数据：入库、生成示例数据、重算汇总表、日历表"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        p = sub.add_parser("ingest", help="入库 CSV/Parquet 文件（坏行写入拒收文件并注明原因）")
        p.add_argument("files", nargs="+", type=Path)
        p.add_argument("--kind", required=True, choices=KINDS)
        p.add_argument("--dataset", help="数据集名称（默认按类型）")
        p.add_argument("--source", help="数据来源/提供方")
        p.add_argument("--no-progress", action="store_true")
        p = sub.add_parser("generate", help="生成示例数据（标注“示例”）")
        p.add_argument("--rows", type=int, required=True)
        p.add_argument("--seed", type=int, default=1)
        p.add_argument("--start", default="2024-01-01")
        p.add_argument("--end", default="2025-12-31")
        p.add_argument("--out", type=Path, help="输出目录（默认 <数据目录>/generated/seed-S）")
        p.add_argument("--format", choices=("parquet", "csv"), default="parquet")
        p.add_argument("--chunk-rows", type=int, default=5_000_000)
        p.add_argument("--ingest", action="store_true", help="生成后立即入库（先商户，再客流和交易）")
        sub.add_parser("rebuild-rollups", help="按当前商户名录重算全部汇总表（商户首店/老字号属性变更后使用）")
        p = sub.add_parser("calendar", help="刷新日历表（节假日调整后使用）")
        p.add_argument("--start", required=True)
        p.add_argument("--end", required=True)
        sub.add_parser("status", help="显示数据目录、可见文件和最近的入库批次")
        cli_analysis.add_arguments(sub)

    def handle(self, *args, subcommand: str, **options):
        try:
            handler = getattr(self, "_" + subcommand.replace("-", "_"), None)
            if handler is not None:
                return handler(**options)
            return cli_analysis.handle(subcommand, options, self.stdout)
        except ActionRefused as exc:
            self.stderr.write(f"错误：{exc}")
            sys.exit(1)

    def _progress_bar(self, disabled: bool, total: int | None = None, desc: str = "入库"):
        from tqdm import tqdm

        return tqdm(total=total, unit="行", unit_scale=True, desc=desc, disable=disabled, file=sys.stderr,
                    smoothing=0.1)

    def _ingest(self, files, kind, dataset=None, source=None, no_progress=False, **_):
        from iccity.consumption.actions.ingest import do_ingest

        with self._progress_bar(no_progress) as bar:
            run = do_ingest(files, kind, progress=bar.update, dataset_name=dataset, source=source)
        self._report(run)
        if run.state == "failed":
            sys.exit(1)

    def _report(self, run):
        if run.state == "duplicate":
            self.stdout.write(f"{run.run_id}：文件已入库过（校验和相同），未作改动")
            return
        rate = f"，{run.rows_per_second:,.0f} 行/秒" if run.rows_per_second else ""
        self.stdout.write(f"{run.run_id}：读取 {run.rows_read:,} 行，入库 {run.rows_accepted:,} 行，"
                          f"拒收 {run.rows_rejected:,} 行{rate}")
        if run.rejects_path:
            self.stdout.write(f"拒收明细：{run.rejects_path}")

    def _generate(self, rows, seed, start, end, out=None, format="parquet", chunk_rows=5_000_000, ingest=False,
                  **_):
        from iccity.consumption import storage
        from iccity.consumption.generate import generate

        if rows < 0:
            raise CommandError("--rows 不能为负")
        out = out or storage.data_dir() / "generated" / f"seed-{seed}"
        with self._progress_bar(False, total=rows, desc="生成") as bar:
            files = generate(out, rows, seed, _date(start), _date(end), fmt=format, chunk_rows=chunk_rows,
                             progress=bar.update)
        for kind, paths in files.items():
            self.stdout.write(f"{kind}：{len(paths)} 个文件（示例数据）于 {out}")
        if ingest:
            for kind in ("merchants", "footfall", "transactions"):
                self._ingest(files[kind], kind)

    def _rebuild_rollups(self, **_):
        from iccity.consumption.actions.ingest import do_rebuild_rollups

        counts = do_rebuild_rollups()
        self.stdout.write("已重算汇总表（按月）：" + "，".join(f"{kind} {n} 个月" for kind, n in counts.items()))

    def _calendar(self, start, end, **_):
        from iccity.consumption.actions.calendar import do_ensure_calendar
        from iccity.consumption.storage import visible_files

        changed = do_ensure_calendar(_date(start), _date(end))
        self.stdout.write(("日历表已更新：" if changed else "日历表无变化：") + str(visible_files("calendar")[0]))

    def _status(self, **_):
        from iccity.consumption import storage
        from iccity.consumption.models import IngestionRun

        self.stdout.write(f"数据目录：{storage.data_dir()}")
        from iccity.consumption.rollups import ROLLUP_KINDS

        for kind in ("transactions", "footfall", "merchants", *ROLLUP_KINDS, "calendar"):
            self.stdout.write(f"  {kind}: {len(storage.visible_files(kind))} 个文件")
        for run in IngestionRun.objects.select_related("dataset")[:10]:
            self.stdout.write(f"  {run.run_id} {run.dataset.kind} {run.get_state_display()} "
                              f"入库 {run.rows_accepted:,} 拒收 {run.rows_rejected:,}")
