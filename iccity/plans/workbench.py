"""What plans put on the office desk: plan uploads waiting for review (``ImportDraft`` below the review threshold)."""
from __future__ import annotations

from django.urls import reverse

from iccity.workspaces.registry import OFFICE, Row, Section, register

from .models import ImportDraft


def office_import_drafts(actor, limit, today):
    if not actor.office_admin:
        return None
    pending = ImportDraft.objects.filter(version__isnull=True, discarded_at__isnull=True)
    rows = list(pending.only("pk", "source_filename", "created_at").order_by("created_at", "id")[:limit])
    return Section(
        key="", title="待审核的方案导入", count=pending.count(), severity="attention", empty_text="没有待审核的方案导入",
        rows=[Row(text=d.source_filename, url=reverse("plans:review", args=[d.pk]),
                  note=f"上传于{d.created_at:%Y-%m-%d}") for d in rows])


def register_workbench() -> None:
    register("plans.import_drafts", OFFICE, "待审核的方案导入", office_import_drafts, urgency=70)
