"""Request ids and the client address behind our own reverse proxy."""
from __future__ import annotations

import ipaddress
import re
import uuid

from django.conf import settings
from django.core.signals import request_finished

from .jsonlog import request_id_var

# nginx's $request_id is 32 hex characters; accept similar ids from a trusted proxy or load balancer, never free text
# (the id ends up in logs).
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _from_trusted_proxy(request) -> bool:
    proxies = settings.ICCITY_TRUSTED_PROXIES
    if not proxies:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in proxies)


class ProxyMiddleware:
    """Behind nginx every request comes from 127.0.0.1, so rate limits and audit records would see one client.

    Only when REMOTE_ADDR is one of ICCITY_TRUSTED_PROXIES, REMOTE_ADDR becomes X-Real-IP, which our nginx sets to
    its own $remote_addr (overwriting whatever the client sent). Everyone else's headers are ignored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _from_trusted_proxy(request):
            real = request.META.get("HTTP_X_REAL_IP", "").strip()
            try:
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(real))
            except ValueError:
                pass
        return self.get_response(request)


class RequestIdMiddleware:
    """One id per request, in every log line (JSON logs) and in the X-Request-ID response header, so a user's report
    of an error can be matched to the server's logs. nginx's id is kept when it comes through a trusted proxy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        if incoming and _SAFE_ID.match(incoming) and _from_trusted_proxy(request):
            request_id = incoming
        else:
            request_id = uuid.uuid4().hex
        request.request_id = request_id
        # Kept until request_finished (not reset on the way out): Django logs 4xx/5xx after the middleware returns.
        request_id_var.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def _forget_request_id(**kwargs) -> None:
    request_id_var.set("")


request_finished.connect(_forget_request_id, dispatch_uid="iccity.serving.request_id")
