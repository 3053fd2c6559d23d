"""portal in the authorization contract: the public portal is open to everybody and heads the public menu."""
from __future__ import annotations

from iccity.core import navigation, policy

VIEW_PORTAL = "portal.view_portal"


def register() -> None:
    policy.register_public(VIEW_PORTAL, "公众门户")
    navigation.register("public", "公众门户", "portal:home", VIEW_PORTAL, order=1)
