"""Per-request identity checks, after authentication: session idle timeout and absolute lifetime from the rule
(等保 8.1.4.1 b), the second factor for those who need it, and the forced change of an initial or reset password.
The steps themselves (login, logout, TOTP, then the password change) stay reachable so each can be done in turn."""
from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode

from .actions_auth import SESSION_MUST_CHANGE, SESSION_SEEN, SESSION_STARTED, start_session
from .identity import current_request, otp_required, request_actor
from .identity_rules import SESSION, rule_value

# Pages reachable before the second factor: getting in or out, and the TOTP steps themselves. Everything else,
# the account and password pages included, needs it (a stolen password alone must not change the password).
SECOND_FACTOR_STEPS = {"login", "logout", "otp_setup", "otp_verify", "oidc_start", "oidc_callback"}


def wall_clock() -> float:
    """Session limits run on real time, not ``core.clock`` (which tests and the demo move to judge deadlines)."""
    return time.time()

SEEN_WRITE_EVERY = 60  # seconds: the idle clock is kept to the minute, so most requests do not write the session


class IdentityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        expired = self._session_expired(request)
        if expired:
            request._iccity_logout_reason = expired
            logout(request)
            messages.info(request, expired + "，请重新登录")
            return self._send_to(request, "accounts:login", status=401, message=expired)
        match = request.resolver_match
        step = match.url_name if match is not None and match.namespace == "accounts" else None
        if step not in SECOND_FACTOR_STEPS and not user.is_verified():
            from django_otp import user_has_device

            if user_has_device(user):
                return self._send_to(request, "accounts:otp_verify", message="请先完成第二因素验证（动态验证码）")
            if otp_required(user, request_actor(request)):  # the request's Actor, shared with the view (one query)
                return self._send_to(request, "accounts:otp_setup",
                                     message="管理人员须先绑定身份验证器（动态验证码）才能继续")
        if step not in SECOND_FACTOR_STEPS | {"password_change"} and request.session.get(SESSION_MUST_CHANGE):
            return self._send_to(request, "accounts:password_change", message="请先修改初始密码或被重置的密码")
        return None

    @staticmethod
    def _session_expired(request) -> str:
        """A reason in Chinese when the session is past the rule's idle or absolute limit, else ''."""
        now = wall_clock()
        started, seen = request.session.get(SESSION_STARTED), request.session.get(SESSION_SEEN)
        if started is None or seen is None:  # a session made before these markers existed: start counting now
            start_session(request, request.user)
            return ""
        policy = rule_value(SESSION)
        if now - started > float(policy["absolute_hours"]) * 3600:
            return f"登录已超过 {policy['absolute_hours']} 小时的最长有效期"
        if now - seen > float(policy["idle_minutes"]) * 60:
            return f"已闲置超过 {policy['idle_minutes']} 分钟，会话已超时"
        if now - seen >= SEEN_WRITE_EVERY:
            request.session[SESSION_SEEN] = now
        return ""

    @staticmethod
    def _send_to(request, name: str, *, status: int = 403, message: str = ""):
        url = reverse(name)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=status)
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)  # htmx follows HX-Redirect with a full page load
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
