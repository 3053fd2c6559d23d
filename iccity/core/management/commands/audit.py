"""``iccity audit verify`` walks the audit hash chain and names the first broken link (row id, time, reason).

Exit status 0 when the chain is whole, 1 when it is broken, so a scheduler (cron, the ops worker) alerts on failure.
Read-only and idempotent: run it as often as wanted. It prints the head (sequence and hash); keeping that line
outside the server (the scheduler's log, a ticket) lets a later run prove the tail was not cut and re-hashed.
"""
from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from iccity.core.audit_chain import verify


class Command(BaseCommand):
    help = "操作记录防篡改：verify 校验哈希链，指出第一个断点（记录编号、时间），断链时退出码为 1"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="校验操作记录哈希链（只读，可反复运行）")

    def handle(self, *args, subcommand: str, **opts):
        started = time.perf_counter()
        result = verify()
        seconds = time.perf_counter() - started
        if result.broken is None:
            self.stdout.write(f"操作记录哈希链完整：{result.checked} 条，链头 #{result.head_seq} "
                              f"{result.head_hash}（用时 {seconds:.2f} 秒）")
            return
        b = result.broken
        when = timezone.localtime(b.created_at).strftime("%Y-%m-%d %H:%M:%S") if b.created_at else "—"
        row = f"记录编号 {b.event_id}" if b.event_id is not None else f"链序号 {b.seq}"
        raise CommandError(f"操作记录哈希链断裂：{row}，时间 {when}：{b.reason}。"
                           f"此前 {result.checked} 条完好；链头 #{result.head_seq} {result.head_hash}", returncode=1)
