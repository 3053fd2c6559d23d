"""The menu and "may I?" questions for templates, from ``core.navigation`` and ``core.policy``."""
from __future__ import annotations

from django import template

from iccity.core import navigation, policy

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context):
    """``{% main_menu as sections %}``: the grouped links the viewer may open."""
    return navigation.menu(context.flatten())


@register.simple_tag(takes_context=True)
def may(context, permission: str, obj=None) -> bool:
    """``{% may "evaluation.view_command_screen" as can_open %}``: show a link only when its target allows the viewer."""
    request = context.get("request")
    return request is not None and policy.may(request, permission, obj)
