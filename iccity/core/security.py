"""Response headers Django 5.2 does not set itself: the Content-Security-Policy.

No inline script anywhere (templates load every script from static files, event handlers live in those files), no
eval, no outside origins: ECharts, htmx and Swagger UI are served from our own static files. Inline *styles* are
allowed: the admin, Swagger UI and a few templates use style attributes, which cannot run code.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def content_security_policy() -> str:
    images = ["'self'", "data:", "blob:"]
    tiles = getattr(settings, "ICCITY_MAP_TILE_URL", "")
    if tiles:
        parts = urlsplit(tiles)
        if parts.scheme in ("http", "https") and parts.netloc:
            images.append(f"{parts.scheme}://{parts.netloc}")
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": images,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
