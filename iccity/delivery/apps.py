from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "iccity.delivery"
    label = "delivery"
    verbose_name = _("督办")

    def ready(self):
        from iccity.core.registries import add_audit_task_scope
        from iccity.core.upload_handlers import register_limit
        from iccity.ops.registry import Every, register

        from . import policy

        policy.register()  # delivery's permissions and menu entries (core.policy, core.navigation)

        from .workbench import register_workbench

        register_workbench()
        # evidence: up to 5 files per report, each up to the delivery.evidence rule in force (20 MB)
        register_limit("delivery:report", "iccity.delivery.rules.evidence_max_bytes", files=5)
        add_audit_task_scope(_task_audit_scope)
        register("delivery.tick", "督办定时任务（开周期、催报督办、亮灯、发通知）", Every(minutes=15), command=("delivery", "tick"))
        # runs often and sends only once the day's digest time (the delivery.digest rule) has come; keyed per day
        register("delivery.digest", "每日通知汇总（按个人通知偏好）", Every(minutes=15), command=("delivery", "digest"))


def _task_audit_scope(task_id: int):
    """A task's reports, work items, acknowledgements, extension requests and comments, for the audit export."""
    from iccity.core.registries import audit_object_q

    from .models import Acknowledgement, Comment, ExtensionRequest, Report, WorkItem

    return audit_object_q([
        (Report, Report.objects.filter(task_id=task_id).values_list("pk", flat=True)),
        (WorkItem, WorkItem.objects.filter(task_id=task_id).values_list("pk", flat=True)),
        (Acknowledgement, Acknowledgement.objects.filter(assignment__task_id=task_id).values_list("pk", flat=True)),
        (ExtensionRequest, ExtensionRequest.objects.filter(work_item__task_id=task_id).values_list("pk", flat=True)),
        (Comment, Comment.objects.filter(task_id=task_id).values_list("pk", flat=True)),
    ])
