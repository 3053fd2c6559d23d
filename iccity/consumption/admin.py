"""Admin of the consumption app (Chinese). The catalogue is written only by ingestion (actions/ingest.py), so it is
read-only here; holiday corrections live in the core admin (节假日调整)."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from iccity.core.admin_mixins import ReadOnlyAdmin

from .models import Dataset, IngestedFile, IngestionRun


@admin.register(Dataset)
class DatasetAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "source", "is_demo", "created_at")
    list_filter = ("kind", "is_demo")


@admin.register(IngestionRun)
class IngestionRunAdmin(ReadOnlyAdmin):
    list_display = ("run_id", "dataset", "state_now", "started_at", "finished_at", "rows_read", "rows_accepted",
                    "rows_rejected", "is_demo")
    list_filter = ("state", "dataset__kind", "is_demo")
    search_fields = ("run_id", "checksum")

    @admin.display(description=_("状态"))
    def state_now(self, obj):
        return IngestionRun.State(obj.effective_state()).label


@admin.register(IngestedFile)
class IngestedFileAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "sha256", "size", "rows_accepted", "rows_rejected", "run", "is_demo")
    list_filter = ("kind", "is_demo")
    search_fields = ("name", "sha256")
