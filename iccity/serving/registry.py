"""Health checks and Prometheus collectors that any app can add.

An app adds its own by providing ``iccity/<app>/monitoring.py`` (found through core.hooks, like ``initial_data``) and
decorating functions there:

    from iccity.serving.registry import health_check, metrics_collector

    @health_check("jobs")
    def jobs():                       # returns Result; raising counts as a failure
        return Result.ok("最近一次运行 …")

    @metrics_collector
    def job_metrics():                # yields prometheus_client metric families, computed at scrape time
        yield GaugeMetricFamily(...)

``fail`` makes /healthz answer 503 (a load balancer takes the node out); ``warn`` is reported but keeps 200, for
things an operator must fix soon that do not stop this node from serving (e.g. next year's holidays not entered yet).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from collections.abc import Callable, Iterable

logger = logging.getLogger("iccity.serving")

OK, WARN, FAIL = "ok", "warn", "fail"


@dataclass(frozen=True)
class Result:
    status: str
    message: str = ""
    data: dict = field(default_factory=dict)

    @classmethod
    def ok(cls, message: str = "", **data) -> Result:
        return cls(OK, message, data)

    @classmethod
    def warn(cls, message: str, **data) -> Result:
        return cls(WARN, message, data)

    @classmethod
    def fail(cls, message: str, **data) -> Result:
        return cls(FAIL, message, data)


_checks: dict[str, Callable[[], Result]] = {}
_collectors: list[Callable[[], Iterable]] = []
_loaded = False
_lock = threading.Lock()


def health_check(name: str):
    def register(fn: Callable[[], Result]):
        _checks[name] = fn
        return fn

    return register


def metrics_collector(fn: Callable[[], Iterable]):
    if fn not in _collectors:
        _collectors.append(fn)
    return fn


def _load_hooks() -> None:
    global _loaded
    with _lock:
        if not _loaded:
            from iccity.core.hooks import app_modules

            list(app_modules("monitoring"))  # importing the modules registers their checks
            _loaded = True


def checks() -> dict[str, Callable[[], Result]]:
    _load_hooks()
    return dict(_checks)


def collectors() -> list[Callable[[], Iterable]]:
    _load_hooks()
    return list(_collectors)


def run_checks() -> tuple[str, dict[str, dict]]:
    """Run every check; the overall status is the worst one. Exceptions are logged, never shown to the caller."""
    results: dict[str, dict] = {}
    worst = OK
    for name, fn in checks().items():
        started = time.perf_counter()
        try:
            result = fn()
        except Exception:
            logger.exception("health check %s raised", name)
            result = Result.fail("检查出错（详见服务器日志）")
        entry = {"status": result.status, "ms": round((time.perf_counter() - started) * 1000, 1)}
        if result.message:
            entry["message"] = result.message
        entry.update(result.data)
        results[name] = entry
        if result.status == FAIL or (result.status == WARN and worst == OK):
            worst = result.status
    return worst, results
