"""What reports put on the office desk: uploaded 台账 previewed but not yet applied or discarded."""
from __future__ import annotations

from django.urls import reverse

from iccity.workspaces.registry import OFFICE, Row, Section, register

from .models import LedgerImport, LedgerImportState


def office_ledger_imports(actor, limit, today):
    if not actor.office_admin:
        return None
    waiting = LedgerImport.objects.filter(state=LedgerImportState.PREVIEWED)
    rows = list(waiting.select_related("export__unit").only("pk", "filename", "uploaded_at", "export__unit__name")
                .order_by("uploaded_at", "id")[:limit])
    return Section(
        key="", title="待确认的台账导入", count=waiting.count(), severity="attention", url=reverse("reports:ledger"),
        link_text="打开台账", empty_text="没有待确认的台账导入",
        rows=[Row(text=f"{i.filename}" + (f" · {i.export.unit.name}" if i.export.unit_id else ""),
                  url=reverse("reports:ledger_preview", args=[i.pk]), note=f"上传于{i.uploaded_at:%Y-%m-%d}")
              for i in rows])


def register_workbench() -> None:
    register("reports.ledger_imports", OFFICE, "待确认的台账导入", office_ledger_imports, urgency=75)
