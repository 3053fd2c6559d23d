"""Changing the active desk. It is a per-session preference, not a change to any record, so it is not audited; the
person's roles (and so the desks offered) change only through ``orgs.actions``."""
from __future__ import annotations

from iccity.core.actions import ActionRefused

from .registry import SESSION_KEY, Desk, desks_for


def do_switch_workspace(request, actor, code: str) -> Desk:
    """Make ``code`` the session's active desk; refused unless the person has that desk."""
    for desk in desks_for(actor):
        if desk.code == code:
            request.session[SESSION_KEY] = desk.code
            return desk
    raise ActionRefused("您没有该工作台的权限")
