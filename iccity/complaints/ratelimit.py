"""A small sliding-window rate limiter on Django's cache, for the public complaint form and the Open311 writer.

It uses the ``default`` cache as configured (LocMem unless the site says otherwise), so it needs no outside service.
LocMem is per process: with several worker processes each keeps its own window, and the effective limit is
N × workers. Production with several processes should point the default cache at Redis or the database cache.

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
    """Count one hit for ``who``; False when the last ``window_seconds`` already hold ``max_hits`` hits.

    The window is the list of hit times kept in one cache entry. A race between two requests of the same client can
    lose one hit, which only makes the limiter slightly more lenient; that is acceptable for spam control.
    """
    now = time.time() if now is None else now
    key = f"iccity:rl:{limit.name}:{who}"
    recent = [t for t in (cache.get(key) or []) if t > now - limit.window_seconds]
    if len(recent) >= limit.max_hits:
        cache.set(key, recent, limit.window_seconds)
        return False
    recent.append(now)
    cache.set(key, recent, limit.window_seconds)
    return True


def too_many(message: str = "请求过于频繁，请稍后再试", retry_after: int = 60) -> HttpResponse:
    response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response
