from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "iccity.reports"
    label = "reports"
    verbose_name = _("公文与台账")

    def ready(self):
        from . import policy

        policy.register()  # permissions and menu entries (core.policy, core.navigation)

        from .workbench import register_workbench

        register_workbench()
        from iccity.core.upload_handlers import MB, register_limit

        register_limit("reports:template_upload", "iccity.reports.actions.documents.MAX_TEMPLATE_BYTES")  # 10 MB
        register_limit("reports:ledger_upload", 10 * MB)
        register_limit("api:preview_ledger", 10 * MB)
