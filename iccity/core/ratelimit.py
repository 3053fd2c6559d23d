"""Rate limits for the public forms and the Open311 endpoint, counted in Django's ``default`` cache.

Counters are atomic ``add``/``incr`` on the shared cache, so with Redis configured (``ICCITY_REDIS_URL`` → Django's
RedisCache) every worker process and every restart sees the same counts; with the LocMem default (development) the
counts are per process. The window slides: the previous fixed window's count is weighted by how much of it still
overlaps the last ``window_seconds`` (the usual sliding-window-counter estimate, two keys per client).

Only ``REMOTE_ADDR`` is trusted: ``X-Forwarded-For`` is set by the client unless a proxy we run overwrites it, and
a spammer would simply rotate it. Behind a reverse proxy, have the proxy set REMOTE_ADDR (gunicorn
``forwarded_allow_ips``) rather than reading headers here. The address is never a cache key as such: keys carry a
keyed hash of it.
"""
from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse


@dataclass(frozen=True)
class Limit:
    name: str
    max_hits: int
    window_seconds: int


# Generous for a person filing one or two complaints, tight for a script.
PUBLIC_SUBMIT = Limit("submit", 5, 600)
PUBLIC_TRACK = Limit("track", 30, 600)
OPEN311_WRITE = Limit("o311w", 60, 60)
OPEN311_READ = Limit("o311r", 300, 60)


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def hashed(who: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"rl:{who}".encode(), hashlib.sha256).hexdigest()[:24]


def incr(key: str, ttl: int, delta: int = 1) -> int:
    """Atomically add ``delta`` to a counter in the shared cache, creating it (with ``ttl``) if needed."""
    cache = caches["default"]
    for _ in range(3):
        cache.add(key, 0, ttl)
        try:
            return cache.incr(key, delta)
        except ValueError:  # expired between add and incr
            continue
    cache.set(key, max(delta, 0), ttl)
    return max(delta, 0)


def hit(limit: Limit, who: str, *, now: float | None = None) -> bool:
    """Count one hit for ``who``; False (and the hit not counted) when the last ``window_seconds`` already hold
    ``max_hits`` hits. The increment comes first, so two requests at once can never both take the last place."""
    now = time.time() if now is None else now
    window = limit.window_seconds
    index = int(now // window)
    base = f"iccity:rl:{limit.name}:{hashed(who)}"
    current_key = f"{base}:{index}"
    current = incr(current_key, 2 * window + 1)
    previous = caches["default"].get(f"{base}:{index - 1}", 0)
    overlap = 1 - (now - index * window) / window
    if previous * overlap + current > limit.max_hits:
        incr(current_key, 2 * window + 1, -1)  # a refused hit does not count
        return False
    return True


def too_many(message: str = "请求过于频繁，请稍后再试", retry_after: int = 60) -> HttpResponse:
    response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response
