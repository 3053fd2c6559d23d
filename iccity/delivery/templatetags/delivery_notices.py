"""The header bell: ``{% notice_bell_count as n %}`` is the signed-in person's unread count, one query, computed once
per request however many templates ask."""
from __future__ import annotations

from django import template

from ..inbox import bell_count

register = template.Library()


@register.simple_tag(takes_context=True)
def notice_bell_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    cached = getattr(request, "_iccity_notice_bell", None)
    if cached is None:
        cached = bell_count(user)
        if request is not None:
            request._iccity_notice_bell = cached
    return cached
