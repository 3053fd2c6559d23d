"""Rate-limit counters live in the shared cache, not in the process: a second process (or the same server after a
restart) sees the hits of the first. Shown with real separate Python processes on a file cache, and on Redis
(DB 4 of the local server) when the redis client is installed and the server answers."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap


SCRIPT = textwrap.dedent("""
    import os, sys, django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iccity.settings")
    django.setup()
    from django.test.utils import override_settings
    with override_settings(CACHES={"default": {"BACKEND": sys.argv[1], "LOCATION": sys.argv[2]}}):
        from iccity.core import ratelimit
        limit = ratelimit.Limit("xproc", 3, 600)
        print("".join("1" if ratelimit.hit(limit, "203.0.113.9") else "0" for _ in range(int(sys.argv[3]))))
""")


def run(backend: str, location: str, hits: int) -> str:
    result = subprocess.run([sys.executable, "-c", SCRIPT, backend, location, str(hits)], capture_output=True,
                            text=True, timeout=120, env={**os.environ})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def backends(tmp_path_factory):
    out = [("django.core.cache.backends.filebased.FileBasedCache", str(tmp_path_factory.mktemp("rl-cache")))]
    try:
        import redis

        redis.Redis.from_url("redis://127.0.0.1:6379/4", socket_connect_timeout=1).ping()
        out.append(("django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6379/4"))
    except Exception:  # noqa: BLE001 - no client or no server: the file cache still shows the point
        pass
    return out


def test_a_second_process_sees_the_first_processes_hits(tmp_path_factory):
    for backend, location in backends(tmp_path_factory):
        if "redis" in backend:
            import redis

            redis.Redis.from_url(location).flushdb()
        assert run(backend, location, 2) == "11", backend   # worker 1 (or the server before a restart)
        assert run(backend, location, 2) == "10", backend   # worker 2: only one place left in the window
        assert run(backend, location, 1) == "0", backend


def test_concurrent_hits_never_pass_the_limit():
    """40 requests of one client at the same moment, limit 5: the atomic increment lets exactly 5 through."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.core.cache import caches

    from iccity.core import ratelimit

    caches["default"].clear()
    limit, barrier = ratelimit.Limit("race", 5, 600), Barrier(40)

    def one(_):
        barrier.wait()
        return ratelimit.hit(limit, "198.51.100.77", now=5000.0)

    with ThreadPoolExecutor(40) as pool:
        results = list(pool.map(one, range(40)))
    assert results.count(True) == 5
