"""Changing the active desk. It is a per-session preference, not a change to any record, so it is not audited; the
person's roles (and so the desks offered) change only through ``orgs.actions``."""
from __future__ import annotations

from iccity.core import policy

from .registry import SESSION_KEY, Desk, desk_named


def do_switch_workspace(request, actor, code: str) -> Desk:
    """Make ``code`` the session's active desk; refused (ActionRefused) unless the person has that desk. An unknown
    or uninstalled desk is no Desk, which the contract denies like a desk the person lacks."""
    desk = desk_named(code)
    policy.check(actor, "workspaces.use_desk", desk)
    assert desk is not None  # denied above
    request.session[SESSION_KEY] = desk.code
    return desk
