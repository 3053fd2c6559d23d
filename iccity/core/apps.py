from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "iccity.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self):
        from . import signals_auth

        signals_auth.connect()  # audit of logins, lockouts, user, password and role changes (issue 12)
        from . import access

        access.register()  # core's permissions and menu entries (core.policy, core.navigation)
