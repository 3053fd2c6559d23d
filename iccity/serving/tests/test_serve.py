"""`iccity serve` as a real gunicorn process on the test database, with production settings (DEBUG off)."""
import os
import re
import signal
import subprocess
import time

import pytest
from django.db import connection

from . import servers

pytestmark = [pytest.mark.deploy, pytest.mark.django_db(transaction=True)]


def _worker_pids(master: int) -> set[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
    return {int(pid) for pid in out.split()}


def test_serve_runs_gunicorn_with_hashed_long_cached_static_files_and_reloads_on_hup(production_var, tmp_path, launched):
    env = servers.production_env(production_var)
    process, port = servers.start_serve(env, tmp_path)
    launched.append(process)

    status, headers, body = servers.request(port, "GET", "/public/")  # / sends a visitor to the portal
    assert status == 200 and re.fullmatch(r"[0-9a-f]{32}", headers["x-request-id"])
    hashed = re.search(rb'/static/[^"]+\.[0-9a-f]{12}\.css', body)
    assert hashed, "pages must link the hashed static names written by collectstatic"
    status, headers, _ = servers.request(port, "GET", hashed.group().decode(), headers={"Accept-Encoding": "gzip"})
    assert status == 200 and "immutable" in headers["cache-control"] and headers.get("content-encoding") == "gzip"
    assert "iccity/1" not in headers.get("server", "")

    # /metrics adds up every worker's counters (Prometheus multi-process files written under `iccity serve`).
    status, _, metrics = servers.request(port, "GET", "/metrics")
    assert status == 200
    served = re.search(rb'django_http_requests_total_by_method_total\{method="GET"\} (\d+)', metrics)
    assert served and int(served.group(1)) >= 2, metrics[:500]
    assert b'iccity_health{check="database"} 1.0' in metrics

    before = _worker_pids(process.pid)
    os.kill(process.pid, signal.SIGHUP)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (_worker_pids(process.pid) & before or not _worker_pids(process.pid)):
        assert servers.request(port, "GET", "/healthz")[0] == 200  # no failed request while reloading
        time.sleep(0.2)
    assert _worker_pids(process.pid) and not (_worker_pids(process.pid) & before), "HUP must replace the workers"
    assert process.poll() is None and servers.request(port, "GET", "/healthz")[0] == 200
    log = servers.read_log(process)
    assert re.search(r'"GET /healthz HTTP/1.1" 200 .* [0-9a-f]{32}', log), "access log with the request id"


def test_serve_writes_json_lines_when_asked(production_var, tmp_path, launched):
    import json

    env = servers.production_env(production_var, ICCITY_LOG_JSON="1")
    process, port = servers.start_serve(env, tmp_path)
    launched.append(process)
    _, headers, _ = servers.request(port, "GET", "/does-not-exist/")
    time.sleep(0.5)
    lines = [json.loads(line) for line in servers.read_log(process).splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "gunicorn.access" and line["path"] == "/does-not-exist/"]
    assert access and access[0]["status"] == "404" and access[0]["request_id"] == headers["x-request-id"]
    app = [line for line in lines if line.get("logger") == "django.request"]
    assert app and app[0]["request_id"] == headers["x-request-id"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only (DATABASE_URL=postgresql://…)")
def test_serve_survives_postgresql_dropping_its_connections(production_var, tmp_path, launched):
    env = servers.production_env(production_var, ICCITY_WORKERS="2", ICCITY_THREADS="2")
    process, port = servers.start_serve(env, tmp_path)
    launched.append(process)
    for _ in range(20):  # every worker thread now holds a persistent connection
        assert servers.request(port, "GET", "/healthz")[0] == 200

    # What a PostgreSQL restart does to the servers: every connection of this database is gone.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchone()[0] >= 1

    statuses = [servers.request(port, "GET", path)[0] for _ in range(15) for path in ("/healthz", "/public/")]
    assert statuses == [200] * len(statuses), servers.read_log(process)
