"""credit in the authorization contract: the public disclosure and the office's credit desk."""
from __future__ import annotations

from iccity.core import navigation, policy
from iccity.core.access import OFFICE_ONLY, is_office


def register() -> None:
    policy.register_public("credit.view_disclosure", "信用公示")
    policy.register("credit.manage", "信用管理", OFFICE_ONLY, is_office, kinds=policy.ANY)
    navigation.register("public", "信用公示", "credit:disclosure", "credit.view_disclosure", order=70)
    navigation.register("admin", "信用管理", "credit:office", "credit.manage", order=30)
