from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "iccity.complaints"
    label = "complaints"
    verbose_name = _("消费投诉举报")

    def ready(self):
        from . import policy

        policy.register()  # complaints' permissions and menu entries (core.policy, core.navigation)

        from .workbench import register_workbench

        register_workbench()
        from iccity.core.registries import add_retention_job

        from .retention import do_anonymise_due_cases

        add_retention_job(do_anonymise_due_cases, _describe_anonymised)


def _describe_anonymised(done: list[str]) -> str:
    return f"已匿名化 {len(done)} 件超过保存期限的已办结案件" + (f"：{'、'.join(done)}" if done else "")
