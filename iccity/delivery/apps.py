from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "iccity.delivery"
    label = "delivery"
    verbose_name = _("督办")

    def ready(self):
        from iccity.ops.registry import Every, register

        from .workbench import register_workbench

        register_workbench()
        register("delivery.tick", "督办定时任务（开周期、催报督办、亮灯、发通知）", Every(minutes=15), command=("delivery", "tick"))
        # runs often and sends only once the day's digest time (the delivery.digest rule) has come; keyed per day
        register("delivery.digest", "每日通知汇总（按个人通知偏好）", Every(minutes=15), command=("delivery", "digest"))
