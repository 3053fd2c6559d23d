"""`iccity serve`: the production application server (gunicorn), configured from the environment.

The command replaces itself with gunicorn (same PID, so systemd's ExecReload=kill -HUP $MAINPID reloads gracefully).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "以生产方式运行 iccity（gunicorn）：进程数按 CPU 数，HUP 平滑重载，访问日志，请求超时"

    def add_arguments(self, parser):
        parser.add_argument("--bind", help="监听地址（默认 ICCITY_BIND 或 127.0.0.1:8000；多个用逗号分隔）")
        parser.add_argument("--workers", type=int, help="进程数（默认 ICCITY_WORKERS 或 2×CPU+1）")
        parser.add_argument("--threads", type=int, help="每个进程的线程数（默认 ICCITY_THREADS 或 4）")
        parser.add_argument("--timeout", type=int, help="单个请求的超时秒数（默认 ICCITY_TIMEOUT 或 60）")
        parser.add_argument("--print-config", action="store_true", help="只打印 gunicorn 的有效配置，不启动")

    def handle(self, *args, bind=None, workers=None, threads=None, timeout=None, print_config=False, **options):
        if not settings.DEBUG:
            self._require_collected_static()
        env = dict(os.environ)
        for name, value in (("ICCITY_BIND", bind), ("ICCITY_WORKERS", workers), ("ICCITY_THREADS", threads),
                            ("ICCITY_TIMEOUT", timeout)):
            if value is not None:
                env[name] = str(value)
        env.setdefault("DJANGO_SETTINGS_MODULE", "iccity.settings")
        if not env.get("PROMETHEUS_MULTIPROC_DIR") and not print_config:
            # Workers write their metrics here and /metrics adds them up; fresh per server, removed on exit.
            env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="iccity-prometheus-")
            env["ICCITY_PROMETHEUS_DIR_OWNED"] = "1"
        argv = [sys.executable, "-m", "gunicorn", "--config", "python:iccity.serving.gunicorn_conf"]
        if print_config:
            argv.append("--print-config")
        self.stdout.flush()
        self.stderr.flush()
        os.execve(sys.executable, argv, env)

    def _require_collected_static(self) -> None:
        manifest = Path(settings.STATIC_ROOT) / getattr(staticfiles_storage, "manifest_name", "staticfiles.json")
        if hasattr(staticfiles_storage, "manifest_name") and not manifest.exists():
            raise CommandError(f"静态文件尚未收集：请先运行 iccity collectstatic --noinput（应生成 {manifest}）")
