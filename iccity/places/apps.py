from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "iccity.places"
    label = "places"
    verbose_name = _("商圈与场所")

    def ready(self):
        from . import policy

        policy.register()  # permissions and menu entries (core.policy, core.navigation)
