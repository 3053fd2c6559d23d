from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServingConfig(AppConfig):
    """Production serving: `iccity serve`, /healthz, /metrics, request ids and JSON logs, the shared-cache check."""

    name = "iccity.serving"
    label = "serving"
    verbose_name = _("运行与监控")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy checks)
