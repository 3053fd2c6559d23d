"""`iccity check --deploy`: production without a shared cache keeps rate limits and lockouts per process."""
from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or not backend.endswith(("LocMemCache", "DummyCache")):
        return []
    return [
        Warning(
            "生产环境未配置共享缓存：限流、登录锁定在每个进程中各自计数，多个进程时实际上限成倍放大。",
            hint="设置 ICCITY_REDIS_URL（例如 redis://127.0.0.1:6379/0），见 docs/deploy.md。",
            id="iccity.serving.W001",
        )
    ]
