"""gunicorn settings for `iccity serve` (loaded as ``python:iccity.serving.gunicorn_conf``; never imports Django, so a
HUP re-reads this file and starts workers that import the new code while old workers finish their requests).

Every value comes from the environment that `iccity serve` prepares (docs/deploy.md lists the variables).
"""
import json
import multiprocessing
import os
import shutil

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


cpus = multiprocessing.cpu_count()
bind = os.environ.get("ICCITY_BIND", "127.0.0.1:8000").split(",")
# gthread: each worker runs threads, so a slow export does not block a whole process; workers = 2 × CPU + 1
# is gunicorn's rule of thumb for a mostly I/O-bound (database) application.
worker_class = "gthread"
workers = _int("ICCITY_WORKERS", 2 * cpus + 1)
threads = _int("ICCITY_THREADS", 4)
timeout = _int("ICCITY_TIMEOUT", 60)  # a request running longer is killed; the Word/Excel exports take a few seconds
graceful_timeout = _int("ICCITY_GRACEFUL_TIMEOUT", 30)
# Idle keep-alive connections stay open longer than nginx keeps upstream connections (60 s) and than any client
# pauses between clicks: whoever closes first races a request already on its way, which arrives as a reset (or a 502
# for a POST nginx will not retry). In gthread an idle connection waits in the poller, not in a thread.
keepalive = _int("ICCITY_KEEPALIVE", 75)
# Recycle workers now and then, so a slow leak (large imports, pandas frames) never grows without bound.
max_requests = _int("ICCITY_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("ICCITY_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("ICCITY_LOG_LEVEL", "info").lower()
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms %({x-request-id}o)s'
# Only our own proxy may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("ICCITY_TRUSTED_PROXIES", "") or "127.0.0.1,::1"
pidfile = os.environ.get("ICCITY_PIDFILE") or None
proc_name = "iccity"
wsgi_app = "iccity.wsgi:application"


class JsonAccessLogger(Logger):
    """Access log lines as JSON objects (ICCITY_LOG_JSON=1); json.dumps escapes what a client puts in a path or agent."""

    def access(self, resp, req, environ, request_time):
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.syslog):
            return
        atoms = self.atoms(resp, req, environ, request_time)
        entry = {
            "time": atoms["t"].strip("[]"), "level": "INFO", "logger": "gunicorn.access",
            "remote": atoms["h"], "method": atoms["m"], "path": atoms["U"], "query": atoms["q"],
            "status": atoms["s"], "bytes": atoms["B"], "duration_ms": int(atoms["M"]), "agent": atoms["a"],
            "request_id": atoms.get("{x-request-id}o", "-"),
        }
        self.access_log.info(json.dumps(entry, ensure_ascii=False))


if os.environ.get("ICCITY_LOG_JSON") == "1":
    logger_class = JsonAccessLogger


def child_exit(server, worker):
    # Prometheus multi-process mode: drop the dead worker's live gauges.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if path and os.environ.get("ICCITY_PROMETHEUS_DIR_OWNED") == "1":
        shutil.rmtree(path, ignore_errors=True)
