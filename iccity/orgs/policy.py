"""orgs in the authorization contract: the one resolver from a user or request to the Actor (the one "person" type of
``core.policy``; ``core.identity`` asks the same resolver for the second factor, the unlock page and the audit
export), and the permissions orgs owns."""
from __future__ import annotations

from iccity.core import navigation, policy
from iccity.core.access import is_office

from .permissions import resolve_person


def register() -> None:
    policy.set_person_resolver(resolve_person)
    policy.register_public("orgs.view_units", "查看单位")
    policy.register("orgs.manage_task_forces", "管理专班", "只有领导小组办公室可以管理专班", is_office, kinds=policy.ANY)
    navigation.register("plan", "单位", "orgs:unit_list", "orgs.view_units", order=40, audience=navigation.SIGNED_IN)
