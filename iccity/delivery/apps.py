from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "iccity.delivery"
    label = "delivery"
    verbose_name = _("督办")

    def ready(self):
        from iccity.ops.registry import Every, register

        from . import policy

        policy.register()  # delivery's permissions and menu entries (core.policy, core.navigation)

        register("delivery.tick", "督办定时任务（开周期、催报督办、亮灯、发通知）", Every(minutes=15), command=("delivery", "tick"))
