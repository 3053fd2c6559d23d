from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "iccity.complaints"
    label = "complaints"
    verbose_name = _("消费投诉举报")

    def ready(self):
        from . import policy

        policy.register()  # complaints' permissions and menu entries (core.policy, core.navigation)
