"""/healthz for load balancers and monitoring, /metrics for Prometheus (loopback or a bearer token only)."""
from __future__ import annotations

import hmac
import ipaddress
import os

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from . import registry

STATUS_VALUE = {registry.OK: 1.0, registry.WARN: 0.5, registry.FAIL: 0.0}


@never_cache
def healthz(request):
    status, checks = registry.run_checks()
    return JsonResponse({"status": status, "checks": checks}, status=503 if status == registry.FAIL else 200,
                        json_dumps_params={"ensure_ascii": False})


def _allowed(request) -> bool:
    token = settings.ICCITY_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


class _Hooks:
    """Collectors computed at scrape time (pending notices, job runs, health) from the apps' monitoring hooks."""

    def collect(self):
        for collector in registry.collectors():
            yield from collector()
        _, checks = registry.run_checks()
        gauge = GaugeMetricFamily("iccity_health", "Health check status (1 ok, 0.5 warn, 0 fail)", labels=["check"])
        for name, entry in checks.items():
            gauge.add_metric([name], STATUS_VALUE[entry["status"]])
        yield gauge


@never_cache
def metrics(request):
    if not _allowed(request):
        return HttpResponse("仅限本机或持有监控令牌的请求访问", status=403, content_type="text/plain; charset=utf-8")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # gunicorn workers each count their own requests; the files in this directory add them up.
        from prometheus_client import multiprocess

        process_registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(process_registry)
    else:
        process_registry = REGISTRY
    hooks = CollectorRegistry(auto_describe=False)
    hooks.register(_Hooks())
    return HttpResponse(generate_latest(process_registry) + generate_latest(hooks), content_type=CONTENT_TYPE_LATEST)
