"""Whole anonymous responses of public pages, kept in the shared cache under a data version.

Every state change goes through an action that writes an audit record (``core.actions.record_audit``); when its
transaction commits, the public data version is bumped, so a cached page is never served after a change that could
alter it. The few audited actions that the public can never see (a liaison's draft, sign-ins, session and password
events) do not bump it. Entries also expire after ``ICCITY_PUBLIC_CACHE_SECONDS`` (default 300), for a change made
outside the actions (a database restore, a shell).

Only anonymous GET/HEAD requests without a messages cookie are served from the cache, and only 200 responses that set
no cookie and used no CSRF token are stored (base.html leaves the htmx CSRF header out of these pages; their htmx
requests are GETs). Keys carry the host, path, query and the platform's today (pages judge
deadlines and lights by the date). On by default with a shared cache (``ICCITY_REDIS_URL``): with a per-process
cache one worker's bump would not reach the others.
"""
from __future__ import annotations

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "iccity:public:version"
# Audited actions the public never sees (prefixes): a liaison's draft, sign-in, lockout and password events.
PRIVATE_ACTIONS = ("delivery.report.draft_saved", "auth.login", "auth.logout", "auth.lockout", "auth.otp",
                   "auth.session_expired", "auth.password", "auth.unlock", "core.upload.refused")


def enabled() -> bool:
    return bool(getattr(settings, "ICCITY_PUBLIC_CACHE", False))


def version() -> int:
    current = cache.get(VERSION_KEY)
    if current is None:  # evicted or a fresh cache: a new, never used value, so no old entry can match
        cache.add(VERSION_KEY, time.time_ns(), None)
        current = cache.get(VERSION_KEY)
    return int(current)


def bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there: the next read starts a new version anyway
        cache.add(VERSION_KEY, time.time_ns(), None)


def changed(action: str) -> None:
    """Called by record_audit: bump the version when the action's transaction commits (not if it rolls back)."""
    if not enabled() or action.startswith(PRIVATE_ACTIONS):
        return
    from django.db import transaction

    transaction.on_commit(_bump_quietly)


def _bump_quietly() -> None:
    try:
        bump()
    except Exception:  # noqa: BLE001 - the cache is away; its entries expire (and a new cache starts a new version)
        pass


def _key(request) -> str:
    from iccity.core import clock

    raw = f"{request.get_host()}|{request.get_full_path()}|{clock.today().isoformat()}"
    return f"iccity:public:{version()}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _cacheable_request(request) -> bool:
    return (request.method in ("GET", "HEAD") and "messages" not in request.COOKIES
            and not request.user.is_authenticated)


def public_page(view):
    """Serve the view's anonymous response from the shared cache while the public data version is unchanged."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not enabled() or not _cacheable_request(request):
            return view(request, *args, **kwargs)
        try:
            key = _key(request)
            cached = cache.get(key)
        except Exception:  # noqa: BLE001 - the cache is away: serve the page without it
            return view(request, *args, **kwargs)
        if cached is not None:
            return cached
        request.iccity_public_cache = True  # base.html leaves out the per-visitor CSRF header
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
            response.render()
        if (response.status_code == 200 and not response.cookies and not getattr(response, "streaming", False)
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")):
            try:
                cache.set(key, response, getattr(settings, "ICCITY_PUBLIC_CACHE_SECONDS", 300))
            except Exception:  # noqa: BLE001
                pass
        return response

    return wrapper
