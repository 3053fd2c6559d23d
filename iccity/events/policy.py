"""events in the authorization contract: the festival calendar is public."""
from __future__ import annotations

from iccity.core import navigation, policy


def register() -> None:
    policy.register_public("events.view_calendar", "节庆活动")
    navigation.register("public", "节庆活动", "events:calendar", "events.view_calendar", order=30)
