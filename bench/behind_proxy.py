"""The load generator stands where nginx stands: nginx ends TLS and tells `iccity serve` so (X-Forwarded-Proto),
so the benchmark sends the same header, an HTTPS Origin for the CSRF check, and keeps the session's Secure cookies on
the plain loopback hop between it and the server (which is what nginx does for real browsers)."""
from __future__ import annotations

from http.cookiejar import DefaultCookiePolicy


def _secure_cookies_on_this_hop(self, cookie, request):  # the browser's side of this hop is HTTPS
    return True


# requests builds a fresh cookie jar (default policy) for every request, so the policy is set on the class, in the
# load generator's own process only.
DefaultCookiePolicy.return_ok_secure = _secure_cookies_on_this_hop


def as_proxied(session, host: str):
    """Make a requests session (locust's client is one) talk to `iccity serve` as nginx does."""
    session.headers.update({"X-Forwarded-Proto": "https", "Origin": "https://" + host.split("://", 1)[-1].rstrip("/")})
    return session


HEADERS = {"X-Forwarded-Proto": "https"}
