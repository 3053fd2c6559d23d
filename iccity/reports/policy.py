"""reports in the authorization contract: official documents (office) and the 台账 (office, leaders, task forces,
unit staff)."""
from __future__ import annotations

from iccity.core import navigation, policy
from iccity.core.access import OFFICE_ONLY, is_office


def uses_ledger(person, obj=None) -> bool:
    return person.office_admin or person.leader or bool(person.task_forces) or bool(person.units)


def exports_ledger(person, obj=None) -> bool:
    """The whole ledger, or any unit's: the office, leaders and task forces; unit staff: their own unit's."""
    if person.office_admin or person.leader or person.task_forces:
        return True
    return obj.pk in person.units if obj is not None else bool(person.units)


def discards_import(person, obj) -> bool:
    """An uploaded ledger waiting for its apply: the person who uploaded it, or the office."""
    return person.user is not None and (person.office_admin or obj.uploaded_by_id == person.user.pk)


def register() -> None:
    from iccity.orgs.models import Unit

    from .models import LedgerImport

    policy.register("reports.generate_document", "公文输出", OFFICE_ONLY, is_office, kinds=policy.ANY)
    policy.register("reports.use_ledger", "台账", "只有领导小组办公室、专班、区领导或单位联络员、负责人可以使用台账",
                    uses_ledger, kinds=policy.ANY)
    policy.register("reports.export_ledger", "导出台账",
                    "领导小组办公室、专班、区领导可以导出全部台账，单位联络员、负责人只能导出本单位的台账",
                    exports_ledger, kinds=(Unit, type(None)))
    policy.register("reports.discard_ledger_import", "放弃台账导入", "只有上传该台账的人或领导小组办公室可以放弃导入",
                    discards_import, kinds=LedgerImport)
    navigation.register("delivery", "台账", "reports:ledger", "reports.use_ledger", order=60)
    navigation.register("admin", "公文输出", "reports:documents", "reports.generate_document", order=10)
