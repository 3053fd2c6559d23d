"""reports in the authorization contract: official documents (office) and the 台账 (office, leaders, task forces,
unit staff)."""
from __future__ import annotations

from iccity.core import navigation, policy
from iccity.core.access import OFFICE_ONLY, is_office


def uses_ledger(person, obj=None) -> bool:
    return person.office_admin or person.leader or bool(person.task_forces) or bool(person.units)


def register() -> None:
    policy.register("reports.generate_document", "公文输出", OFFICE_ONLY, is_office, kinds=policy.ANY)
    policy.register("reports.use_ledger", "台账", "只有领导小组办公室、专班、区领导或单位联络员、负责人可以使用台账",
                    uses_ledger, kinds=policy.ANY)
    navigation.register("delivery", "台账", "reports:ledger", "reports.use_ledger", order=60)
    navigation.register("admin", "公文输出", "reports:documents", "reports.generate_document", order=10)
