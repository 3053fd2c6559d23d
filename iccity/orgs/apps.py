from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "iccity.orgs"
    label = "orgs"
    verbose_name = _("组织与单位")

    def ready(self):
        from . import policy

        policy.register()  # the person resolver of core.policy, orgs' permissions and menu entries
