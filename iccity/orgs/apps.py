from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "iccity.orgs"
    label = "orgs"
    verbose_name = _("组织与单位")

    def ready(self):
        from . import policy

        policy.register()  # the person resolver of core.policy, orgs' permissions and menu entries

        # The kernel asks orgs who acts (identity), and audits role changes with its own handlers.
        from django.db.models.signals import post_delete, post_save

        from iccity.core import identity, signals_auth

        from .models import RoleAssignment
        from .permissions import Actor, actor_for

        identity.register_actor_resolver(for_request=actor_for, for_user=Actor.for_user)
        post_save.connect(signals_auth.on_role_saved, sender=RoleAssignment, dispatch_uid="iccity_auth_role_saved")
        post_delete.connect(signals_auth.on_role_deleted, sender=RoleAssignment,
                            dispatch_uid="iccity_auth_role_deleted")
