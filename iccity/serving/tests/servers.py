"""Real server processes for the deploy tests: `iccity serve`, nginx and redis-server, each on a free loopback port
with its own files under a temporary directory, stopped (by PID) when the test ends."""
from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
ICCITY = Path(sys.executable).with_name("iccity")
# Loopback ports tried in order; override when several test runs share a machine.
# Ports handed out are never reused within a run (a port a stopped server held may linger in TIME_WAIT), so the
# range covers every server the serving, deploy and restart tests start in one worker.
PORTS = range(*map(int, os.environ.get("ICCITY_TEST_PORTS", "8150-8250").split("-")))


def _my_ports() -> range:
    """Under pytest-xdist each worker probes its own slice of the range, so two workers never race for one port."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    return PORTS[int(worker) if worker.isdigit() else 0::max(count, 1)]


def free_port(taken: set[int] = set()) -> int:  # noqa: B006 - remembers ports handed out in this run on purpose
    for port in _my_ports():
        if port in taken:
            continue
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        taken.add(port)
        return port
    raise RuntimeError(f"没有空闲端口（ICCITY_TEST_PORTS={PORTS.start}-{PORTS.stop}）")


def need_tool(name: str, flag: str) -> str:
    path = shutil.which(name) or (f"/usr/sbin/{name}" if os.path.exists(f"/usr/sbin/{name}") else None)
    if path is None:
        message = f"找不到 {name}，跳过部署测试（sudo apt-get install -y {name}）"
        if os.environ.get(flag) == "1":
            pytest.fail(message + f"（{flag}=1：CI 中不允许跳过）")
        pytest.skip(message)
    return path


def database_url() -> str:
    """The test database the pytest process uses (its committed rows are what the servers see)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def production_env(var_dir: Path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ICCITY_", "PROMETHEUS_"))}
    env.update(
        DATABASE_URL=extra.pop("DATABASE_URL", None) or database_url(), ICCITY_DEBUG="0", ICCITY_VAR_DIR=str(var_dir),
        ICCITY_SECRET_KEY="deploy-test-" + "k" * 50, ICCITY_ALLOWED_HOSTS="127.0.0.1,localhost",
        ICCITY_WORKERS="1", ICCITY_THREADS="4", ICCITY_LOG_LEVEL="WARNING",
        # The tests stand where nginx stands: they say the request came over HTTPS, as nginx does (else 301).
        ICCITY_PROXY_SSL_HEADER="X-Forwarded-Proto", ICCITY_TRUSTED_PROXIES="127.0.0.1",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def collectstatic(env: dict[str, str]) -> None:
    subprocess.run([str(ICCITY), "collectstatic", "--noinput", "--verbosity", "0"], env=env, check=True, cwd=ROOT)


def wait_http(port: int, path: str = "/healthz", *, process=None, timeout: float = 120, tls: bool = False) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"服务进程已退出（{process.returncode}）：{read_log(process)}")
        try:
            status, _, _ = request(port, "GET", path, tls=tls)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"端口 {port} 在 {timeout} 秒内没有响应：{read_log(process) if process else ''}")


def read_log(process) -> str:
    path = getattr(process, "log_path", None)
    return Path(path).read_text(errors="replace")[-3000:] if path else ""


def request(port, method, path, *, body=None, headers=None, tls=False, timeout=30):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the throw-away certificate; TLS itself is what is exercised
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=context)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        # Straight to `iccity serve`: say what nginx says (TLS ended in front), and where a form came from (CSRF).
        headers = {"X-Forwarded-Proto": "https", "Origin": f"https://127.0.0.1:{port}", **(headers or {})}
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), response.read()
    finally:
        conn.close()


def start(argv, env, log_path: Path, **kwargs) -> subprocess.Popen:
    log = open(log_path, "wb")
    process = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, **kwargs)
    process.log_path = log_path
    return process


def stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def start_serve(env: dict[str, str], tmp: Path, name: str = "serve") -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**env, "ICCITY_BIND": f"127.0.0.1:{port}"}
    process = start([str(ICCITY), "serve"], env, tmp / f"{name}.log")
    try:
        wait_http(port, process=process)
    except Exception:
        stop(process)
        raise
    return process, port


def start_redis(tmp: Path) -> tuple[subprocess.Popen, str]:
    binary = need_tool("redis-server", "ICCITY_REQUIRE_REDIS")
    port = free_port()
    process = start([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                     "--dir", str(tmp)], os.environ.copy(), tmp / "redis.log")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process, f"redis://127.0.0.1:{port}/0"
        time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"redis-server 没有启动：{read_log(process)}")


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    openssl = need_tool("openssl", "ICCITY_REQUIRE_NGINX")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key
