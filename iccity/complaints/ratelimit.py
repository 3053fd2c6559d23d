"""A small sliding-window rate limiter on Django's cache, for the public complaint form and the Open311 writer.

It uses the ``default`` cache: LocMem in the embedded setup (per process), Redis when ICCITY_REDIS_URL is set, so
every gunicorn worker and every web server counts against one limit. Counting is one atomic increment per hit.

Only ``REMOTE_ADDR`` is trusted: ``X-Forwarded-For`` is set by the client unless a proxy we run overwrites it, and
a spammer would simply rotate it. Behind a reverse proxy, have the proxy set REMOTE_ADDR (e.g. uwsgi/gunicorn
``forwarded_allow_ips``) rather than reading headers here.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache
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


def hit(limit: Limit, who: str, *, now: float | None = None) -> bool:
    """Count one hit for ``who``; False when the current window already holds ``max_hits`` hits.

    Fixed windows of ``window_seconds``: one counter per window, created with ``add`` and raised with ``incr``, both
    atomic on Redis and on LocMem, so concurrent requests in several processes never lose a hit. (A client can get
    up to 2 × max_hits across a window boundary; for spam control that is acceptable.)
    """
    now = time.time() if now is None else now
    window = int(now // limit.window_seconds)
    key = f"iccity:rl:{limit.name}:{who}:{window}"
    cache.add(key, 0, limit.window_seconds * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, limit.window_seconds * 2)
        count = 1
    return count <= limit.max_hits


def too_many(message: str = "请求过于频繁，请稍后再试", retry_after: int = 60) -> HttpResponse:
    response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response
