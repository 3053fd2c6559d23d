"""Identity plumbing shared by the login views, the middleware and the audit signals: lockout limits read from the
rule table, the client address, who is acting in this request, and whether a user must use a second factor."""
from __future__ import annotations

import contextvars
import datetime as dt

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from django.conf import settings
from django.db.models import Sum

from . import policy
from .identity_rules import LOGIN_LOCKOUT, SECOND_FACTOR, rule_value

# The request being served, so signal handlers on auth models can name who changed a user (admin, self, system).
current_request: contextvars.ContextVar = contextvars.ContextVar("iccity_current_request", default=None)


# Roles live in orgs, above the kernel: the Actor behind a request or a user comes from the one person resolver orgs
# registers with the authorization contract (``policy.set_person_resolver``), so identity and policy agree on who acts.


def request_actor(request):
    """The request's Actor (computed once per request and cached on it by the resolver orgs registered)."""
    return policy.person_for(request)


def user_actor(user):
    return policy.person_for(user)


def current_actor():
    request = current_request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if getattr(user, "is_authenticated", False) else None


def client_ip(request) -> str | None:
    """The client address as axes sees it (REMOTE_ADDR, or X-Forwarded-For behind ICCITY_PROXY_COUNT proxies)."""
    if request is None:
        return None
    address = getattr(request, "axes_ip_address", None)
    if address:
        return address
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)


# ---------------------------------------------------------------- brute-force lockout (django-axes)

def lockout_failure_limit(request, credentials) -> int:
    return int(rule_value(LOGIN_LOCKOUT)["account_failures"])


def lockout_cooloff(request) -> dt.timedelta:
    return dt.timedelta(minutes=float(rule_value(LOGIN_LOCKOUT)["cooloff_minutes"]))


class LockoutHandler(AxesDatabaseHandler):
    """axes counts one number against one limit; the rule has two: failures for one account (from anywhere) and
    failures from one client (on any accounts, e.g. password spraying), the second higher so one office NAT address
    is not locked by a few colleagues' typos."""

    def get_failures(self, request, credentials=None) -> int:
        policy = rule_value(LOGIN_LOCKOUT)
        by_account_qs, by_client_qs = self.get_user_attempts(request, credentials)  # AXES_LOCKOUT_PARAMETERS order
        by_account = 0
        if get_client_username(request, credentials):  # no username (e.g. OIDC): only the client counts
            by_account = by_account_qs.aggregate(n=Sum("failures_since_start"))["n"] or 0
        by_client = by_client_qs.aggregate(n=Sum("failures_since_start"))["n"] or 0
        if by_client >= int(policy["client_failures"]):
            return max(by_account, int(policy["account_failures"]))  # at the limit axes compares with
        return by_account

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful login forgives that account's own failures only. axes would also clear every failure from
        the client's address, so a sprayer with one valid account could reset the client limit at will."""
        if not get_client_username(request, credentials):
            return 0
        by_account_qs, _by_client_qs = self.filter_user_attempts(request, credentials)
        return by_account_qs.delete()[0]


# ---------------------------------------------------------------- second factor

def otp_required(user, actor=None) -> bool:
    """TOTP is required for office admins and staff (Django admin access), and for everybody when the
    ``core.second_factor`` rule says ``all``; optional otherwise."""
    if not getattr(settings, "ICCITY_OTP_REQUIRED", True) or not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser or rule_value(SECOND_FACTOR).get("required_for") == "all":
        return True
    if actor is None:
        actor = user_actor(user)
    return actor.office_admin
