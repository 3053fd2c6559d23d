from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "iccity.indicators"
    label = "indicators"
    verbose_name = _("指标与目标")

    def ready(self):
        from . import policy

        policy.register()  # permissions and menu entries (core.policy, core.navigation)

        from iccity.core.upload_handlers import register_limit

        register_limit("indicators:import", "iccity.indicators.importing.MAX_FILE_BYTES")  # 5 MB
