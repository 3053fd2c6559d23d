"""places in the authorization contract: the map is public."""
from __future__ import annotations

from iccity.core import navigation, policy


def register() -> None:
    policy.register_public("places.view_map", "商圈地图")
    navigation.register("public", "商圈地图", "places:map", "places.view_map", order=40)
