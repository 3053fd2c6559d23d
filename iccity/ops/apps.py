from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "iccity.ops"
    label = "ops"
    verbose_name = _("运维")

    def ready(self):
        from . import policy

        policy.register()  # permissions and menu entries (core.policy, core.navigation)

        from .jobs import register_platform_jobs

        register_platform_jobs()
