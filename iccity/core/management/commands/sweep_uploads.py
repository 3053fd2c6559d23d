"""``iccity sweep_uploads`` removes what killed uploads left behind: stale ``.part`` files under media/ (the evidence
store writes through them) and stale temporary uploads under ``FILE_UPLOAD_TEMP_DIR``.

A worker killed mid-write cannot clean up after itself, so this runs from cron (hourly is plenty). Only files older
than ``--older-than`` minutes are removed, so an upload in progress is never touched; running it twice is harmless.
"""
from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


def stale_files(older_than_minutes: float) -> list[Path]:
    cutoff = time.time() - older_than_minutes * 60
    found = []
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        found += [p for p in media.rglob("*.part") if p.is_file()]
    temp = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    if temp and Path(temp).exists():
        found += [p for p in Path(temp).iterdir() if p.is_file()]
    return [p for p in found if p.stat().st_mtime < cutoff]


class Command(BaseCommand):
    help = "清理中断上传留下的临时文件（media 下的 .part 文件与上传临时目录中的过期文件）"

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=float, default=60, help="只删除早于多少分钟的文件（默认 60）")

    def handle(self, *args, older_than: float, **opts):
        removed = 0
        for path in stale_files(older_than):
            path.unlink(missing_ok=True)
            removed += 1
        self.stdout.write(f"已清理 {removed} 个中断上传留下的临时文件")
