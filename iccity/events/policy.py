"""events in the authorization contract: the festival calendar is public; the office (or a system administrator in
the admin) keeps the events and their editions."""
from __future__ import annotations

from iccity.core import navigation, policy
from iccity.core.access import office_or_staff


def register() -> None:
    policy.register_public("events.view_calendar", "节庆活动")
    policy.register("events.manage_events", "维护节庆活动", "只有领导小组办公室或系统管理员可以维护节庆活动及其场次",
                    office_or_staff, kinds=policy.ANY)
    navigation.register("public", "节庆活动", "events:calendar", "events.view_calendar", order=30)
