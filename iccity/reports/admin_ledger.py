"""台账 exports and imports in the admin: read-only records (they change only through the ledger actions)."""
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from iccity.core.admin_mixins import ReadOnlyAdmin

from .models import LedgerExport, LedgerImport


@admin.register(LedgerExport)
class LedgerExportAdmin(ReadOnlyAdmin):
    list_display = ("token", "unit", "row_count", "created_by", "created_at")
    list_filter = ("unit",)
    search_fields = ("token",)
    exclude = ("row_versions",)  # thousands of fingerprints are of no use on a page
    readonly_fields = ("token", "unit", "row_count", "created_by", "created_at")


@admin.register(LedgerImport)
class LedgerImportAdmin(ReadOnlyAdmin):
    list_display = ("filename", "state", "export", "uploaded_by", "uploaded_at", "applied_at", "counts", "preview_link")
    list_filter = ("state",)
    search_fields = ("filename", "export__token", "sha256")
    readonly_fields = ("export", "filename", "sha256", "state", "uploaded_by", "uploaded_at", "applied_at", "preview")

    @admin.display(description="变更 / 冲突 / 错误")
    def counts(self, obj):
        s = (obj.preview or {}).get("summary", {})
        return f"{s.get('changes', 0)} / {s.get('conflicts', 0)} / {s.get('errors', 0)}"

    @admin.display(description="预览页")
    def preview_link(self, obj):
        return format_html('<a href="{}">查看</a>', reverse("reports:ledger_preview", args=[obj.pk]))
