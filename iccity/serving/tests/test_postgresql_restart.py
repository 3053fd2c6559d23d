"""`iccity serve` and `iccity worker` survive a real PostgreSQL restart: the server process stops and starts again
(not only its connections terminated), and afterwards no request fails and the worker's next job run succeeds.

The restart is done on a throw-away PostgreSQL cluster this test creates (initdb, pg_ctl, its own loopback port and
socket directory), never on the machine's cluster: restarting that one would break every other test run using it.
It needs the PostgreSQL server binaries (Debian's postgresql-15) and, as root, runs them as the ``postgres`` user.
It migrates a database from scratch (about a minute), so it runs only when ICCITY_TEST_POSTGRESQL_RESTART=1
(.ci/run sets it in its PostgreSQL phase); with the flag set a missing binary or user fails the test.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from . import servers

FLAG = "ICCITY_TEST_POSTGRESQL_RESTART"
pytestmark = [
    pytest.mark.deploy,
    pytest.mark.skipif(os.environ.get(FLAG) != "1",
                       reason=f"真实重启 PostgreSQL 的测试较慢（约1分钟），设置 {FLAG}=1 时运行（CI 的 PostgreSQL 阶段）"),
]
PATHS = ("/healthz", "/public/", "/accounts/login/")


class Cluster:
    """A PostgreSQL cluster of our own in a temporary directory, on a loopback port."""

    def __init__(self):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not found:
            pytest.fail(f"找不到 PostgreSQL 服务端程序（apt-get install postgresql）；{FLAG}=1 时不允许跳过")
        self.bin = Path(found[-1]).parent
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail("以 root 运行时需要 postgres 用户来运行临时 PostgreSQL")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.root = Path(tempfile.mkdtemp(prefix="iccity-pg-restart-"))
        self.root.chmod(0o755)
        if self.as_user:
            shutil.chown(self.root, "postgres", "postgres")
        self.data, self.log = self.root / "data", self.root / "postgresql.log"
        self.port = servers.free_port()

    def run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_user, str(self.bin / argv[0]), *argv[1:]], capture_output=True, text=True,
                              check=check, timeout=120)

    def pg_ctl(self, *argv: str) -> None:
        done = self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", *argv, check=False)
        assert done.returncode == 0, done.stdout + done.stderr + self.log.read_text(errors="replace")[-2000:]

    def start(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        self.pg_ctl("-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off", "start")
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "iccity")

    def ready(self) -> bool:
        return self.run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port), "-q", check=False).returncode == 0

    def psql(self, sql: str) -> str:
        return self.run("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "iccity", "-At",
                        "-c", sql).stdout.strip()

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/iccity"

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def cluster():
    made = Cluster()
    try:
        made.start()
        yield made
    finally:
        made.remove()


def _job_runs(cluster: Cluster, job: str) -> list[str]:
    return cluster.psql(f"SELECT result FROM ops_jobrun WHERE job = '{job}' ORDER BY id").split()


def _wait_for(condition, seconds: float, message: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.3)


def test_serve_and_worker_survive_a_real_postgresql_restart(cluster, production_var, tmp_path, launched):
    env = servers.production_env(production_var, DATABASE_URL=cluster.url, ICCITY_WORKERS="2", ICCITY_THREADS="2")
    subprocess.run([str(servers.ICCITY), "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=servers.ROOT,
                   timeout=600)
    serve, port = servers.start_serve(env, tmp_path)
    launched.append(serve)
    job = "core.sweep-uploads"  # hourly: runs once at start, then again only when made due
    worker = servers.start([str(servers.ICCITY), "worker", "--job", job, "--poll", "0.5"], env, tmp_path / "worker.log")
    launched.append(worker)

    for _ in range(10):  # every worker thread of the server now holds a persistent connection
        assert [servers.request(port, "GET", path)[0] for path in PATHS] == [200] * len(PATHS)
    _wait_for(lambda: _job_runs(cluster, job) == ["ok"], 60, servers.read_log(worker))

    began = time.monotonic()
    cluster.pg_ctl("-m", "fast", "restart")
    _wait_for(cluster.ready, 60, "PostgreSQL did not come back")
    print(f"PostgreSQL restarted and accepting connections after {time.monotonic() - began:.1f} s")

    statuses = [servers.request(port, "GET", path)[0] for _ in range(15) for path in PATHS]
    assert statuses == [200] * len(statuses), servers.read_log(serve)

    cluster.psql(f"DELETE FROM ops_jobrun WHERE job = '{job}'")  # due again: the worker's next round runs it
    _wait_for(lambda: _job_runs(cluster, job) == ["ok"], 60, servers.read_log(worker))
    assert worker.poll() is None and serve.poll() is None, servers.read_log(worker)
