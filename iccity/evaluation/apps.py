from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "iccity.evaluation"
    label = "evaluation"
    verbose_name = _("评估考核")

    def ready(self):
        from . import policy

        policy.register()  # permissions and menu entries (core.policy, core.navigation)

        from iccity.delivery.signals import add_tick_step, report_submitted

        report_submitted.connect(_check_submitted_report, dispatch_uid="evaluation.quality.check_submitted")
        add_tick_step(_refresh_lights)

        from .workbench import register_workbench

        register_workbench()

        from .delivery_hooks import register as register_delivery_hooks

        register_delivery_hooks()  # quality-flag badges and the 质量提示 filter on delivery's report lists

        from iccity.ops.registry import Daily, register

        # The tick recomputes lights every 15 minutes too; this run just after midnight catches deadlines that passed.
        register("evaluation.lights", "每日亮灯复核", Daily(0, 10), command=("evaluation", "lights"))


def _check_submitted_report(sender, report=None, revision=None, **kwargs):
    """Quality flags for a freshly submitted revision (runs after the submission committed; never raises)."""
    from .actions.quality import check_after_submit

    if revision is not None:
        check_after_submit(revision.pk)


def _refresh_lights(day):
    """Task lights of every plan in force, recomputed in the delivery tick before notices go out."""
    from iccity.plans.models import Plan

    from .actions.lights import do_refresh_lights

    changed = 0
    for plan in Plan.objects.filter(versions__isnull=False).distinct().order_by("pk"):
        changed += len(do_refresh_lights(plan.current_version, day))
    return f"亮灯：{changed} 项任务灯色变化"
