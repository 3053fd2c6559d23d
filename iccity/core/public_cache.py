"""Whole anonymous responses of public pages, kept in the shared cache under a data version.

Every state change goes through an action that writes an audit record (``core.actions.record_audit``); when its
transaction commits, the data version of the action's domain (the app its code starts with: ``events.event.updated``
→ ``events``) is bumped, so a cached page is never served after a change that could alter it. A page says which
domains it reads (``@public_page(reads=("events", "places"))``) and is kept only under their versions and core's
(rules and calendars, which every page may depend on); a page that says nothing is dropped after any change. Without
the domains a citizen filing a complaint would empty the cache of the events page every few seconds under load.
The few audited actions that the public can never see (a liaison's draft, sign-ins, session and password events) bump
nothing; an action of an unknown domain bumps core. Entries also expire after ``ICCITY_PUBLIC_CACHE_SECONDS``
(default 300), for a change made outside the actions (a database restore, a shell).

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
ANY = "any"    # bumped by every public change: the version of pages that do not say what they read
CORE = "core"  # rules, calendars, overrides: read by every page
# Audited actions the public never sees (prefixes): a liaison's draft, sign-in, lockout and password events.
PRIVATE_ACTIONS = ("delivery.report.draft_saved", "auth.login", "auth.logout", "auth.lockout", "auth.otp",
                   "auth.session_expired", "auth.password", "auth.unlock", "core.upload.refused")


def enabled() -> bool:
    return bool(getattr(settings, "ICCITY_PUBLIC_CACHE", False))


@functools.cache  # the installed apps do not change while the process runs; asked on every audit record
def _domains() -> frozenset[str]:
    from django.apps import apps

    return frozenset(config.label for config in apps.get_app_configs() if config.name.startswith("iccity."))


def domain_of(action: str) -> str:
    prefix = action.split(".", 1)[0]
    return prefix if prefix in _domains() else CORE


def _version_key(domain: str) -> str:
    return f"{VERSION_KEY}:{domain}"


def versions(domains) -> tuple[int, ...]:
    """Current versions of ``domains`` (one cache round trip); a missing one starts as a new, never used value."""
    keys = [_version_key(d) for d in domains]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:  # evicted or a fresh cache: no old entry can match a new value
            cache.add(key, time.time_ns(), None)
    if len(found) < len(keys):
        found = cache.get_many(keys)
    return tuple(int(found.get(key, 0)) for key in keys)


def bump(domain: str = CORE) -> None:
    for key in {_version_key(ANY), _version_key(domain)}:
        try:
            cache.incr(key)
        except ValueError:  # not there: the next read starts a new version anyway
            cache.add(key, time.time_ns(), None)


def changed(action: str) -> None:
    """Called by record_audit: bump the action's domain when its transaction commits (not if it rolls back)."""
    if not enabled() or action.startswith(PRIVATE_ACTIONS):
        return
    from django.db import transaction

    transaction.on_commit(functools.partial(_bump_quietly, domain_of(action)))


def _bump_quietly(domain: str) -> None:
    try:
        bump(domain)
    except Exception:  # noqa: BLE001 - the cache is away; its entries expire (and a new cache starts a new version)
        pass


def _key(request, reads: tuple[str, ...] | None) -> str:
    from iccity.core import clock

    domains = [ANY] if reads is None else [CORE, *reads]
    stamp = ".".join(str(v) for v in versions(domains))
    raw = f"{request.get_host()}|{request.get_full_path()}|{clock.today().isoformat()}|{','.join(domains)}"
    return f"iccity:public:{stamp}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _cacheable_request(request) -> bool:
    return (request.method in ("GET", "HEAD") and "messages" not in request.COOKIES
            and not request.user.is_authenticated)


def public_page(view=None, *, reads: tuple[str, ...] | None = None):
    """Serve the view's anonymous response from the shared cache while the versions of the domains it reads (every
    domain when ``reads`` is not given) are unchanged."""
    if view is None:
        return functools.partial(public_page, reads=tuple(reads) if reads is not None else None)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not enabled() or not _cacheable_request(request):
            return view(request, *args, **kwargs)
        try:
            key = _key(request, reads)
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
