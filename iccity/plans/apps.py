from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "iccity.plans"
    label = "plans"
    verbose_name = _("行动方案")

    def ready(self):
        from . import policy

        policy.register()  # permissions and menu entries (core.policy, core.navigation)

        from .workbench import register_workbench

        register_workbench()
        from iccity.core.registries import add_audit_task_scope
        from iccity.core.upload_handlers import register_limit

        register_limit("plans:import_new", "ICCITY_MAX_UPLOAD_BYTES")  # 20 MB, a setting
        register_limit("plans:import", "ICCITY_MAX_UPLOAD_BYTES")
        add_audit_task_scope(_task_audit_scope)

        from iccity.orgs import unit_work

        from .queries import unit_assignments, unit_task_counts

        unit_work.register(task_counts=unit_task_counts, assignments=unit_assignments)


def _task_audit_scope(task_id: int):
    from iccity.core.registries import audit_object_q

    from .models import Task

    return audit_object_q([(Task, [task_id])])
