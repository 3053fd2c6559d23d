"""places in the authorization contract: the map is public; the office sets coordinates."""
from __future__ import annotations

from iccity.core import navigation, policy
from iccity.core.access import is_office


def register() -> None:
    policy.register_public("places.view_map", "商圈地图")
    policy.register("places.manage_places", "维护场所", "只有领导小组办公室可以维护场所、便民网点和社区", is_office,
                    kinds=policy.ANY)
    policy.register("places.set_coordinates", "设置场所坐标", "只有领导小组办公室可以设置场所坐标", is_office,
                    kinds=policy.ANY)
    navigation.register("public", "商圈地图", "places:map", "places.view_map", order=40)
    navigation.register("admin", "场所坐标", "places:coordinates", "places.set_coordinates", order=40)
