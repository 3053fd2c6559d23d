from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "iccity.surveys"
    label = "surveys"
    verbose_name = _("满意度测评")

    def ready(self):
        from . import policy

        policy.register()  # permissions and menu entries (core.policy, core.navigation)
