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


def imports_ledger(person, obj) -> bool:
    """A filled-in ledger back from its export: a unit's ledger by that unit's staff or the office; the whole ledger
    by anybody who uses the ledger (each row is then judged by the delivery rights)."""
    if not uses_ledger(person):
        return False
    return not obj.unit_id or person.office_admin or obj.unit_id in person.units


def decides_import(person, obj) -> bool:
    """An uploaded ledger waiting to be applied or discarded: the person who uploaded it, or the office."""
    return person.user is not None and (person.office_admin or obj.uploaded_by_id == person.user.pk)


def register() -> None:
    from iccity.orgs.models import Unit

    from .models import LedgerExport, LedgerImport

    policy.register("reports.generate_document", "公文输出", OFFICE_ONLY, is_office, kinds=policy.ANY)
    policy.register("reports.use_ledger", "台账", "只有领导小组办公室、专班、区领导或单位联络员、负责人可以使用台账",
                    uses_ledger, kinds=policy.ANY)
    policy.register("reports.export_ledger", "导出台账",
                    "领导小组办公室、专班、区领导可以导出全部台账，单位联络员、负责人只能导出本单位的台账",
                    exports_ledger, kinds=(Unit, type(None)))
    policy.register("reports.import_ledger", "导入台账", "只能导入本单位的台账（全部单位的台账须由使用台账的人员导入）",
                    imports_ledger, kinds=LedgerExport)
    policy.register("reports.decide_ledger_import", "确认或放弃台账导入",
                    "只有上传该台账的人或领导小组办公室可以确认或放弃导入", decides_import, kinds=LedgerImport)
    navigation.register("delivery", "台账", "reports:ledger", "reports.use_ledger", order=60)
    navigation.register("admin", "公文输出", "reports:documents", "reports.generate_document", order=10)
