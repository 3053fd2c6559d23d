from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "iccity.orgs"
    label = "orgs"
    verbose_name = _("组织与单位")

    def ready(self):
        from . import policy

        # The one person resolver (core.policy's, which core.identity asks too), orgs' permissions and menu entries.
        policy.register()

        # The kernel audits role changes with orgs' handlers.
        from django.db.models.signals import post_delete, post_save

        from iccity.core import signals_auth

        from .models import RoleAssignment

        post_save.connect(signals_auth.on_role_saved, sender=RoleAssignment, dispatch_uid="iccity_auth_role_saved")
        post_delete.connect(signals_auth.on_role_deleted, sender=RoleAssignment,
                            dispatch_uid="iccity_auth_role_deleted")
