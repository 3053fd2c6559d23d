from django.contrib import admin
from django.urls import include, path

from .api import api

admin.site.site_header = "iccity 国际消费中心城市建设推进平台"
admin.site.site_title = "iccity 管理后台"
admin.site.index_title = "管理"

# Identity (issue 12): one login and one POST-only logout for everybody; the admin's own pages lead there.
from iccity.core.views_auth import legacy_redirect  # noqa: E402

identity_urlpatterns = [
    path("accounts/", include("iccity.core.urls_auth")),
    path("admin/login/", legacy_redirect("accounts:login")),
    path("admin/logout/", legacy_redirect("accounts:logout")),
    path("admin/password_change/", legacy_redirect("accounts:password_change")),
]

urlpatterns = identity_urlpatterns + [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("orgs/", include("iccity.orgs.urls")),
    path("delivery/", include("iccity.delivery.urls")),
    path("audit/", include("iccity.core.urls")),
    path("indicators/", include("iccity.indicators.urls")),
    path("complaints/", include("iccity.complaints.urls")),
    path("open311/v2/", include("iccity.complaints.open311")),
    path("evaluation/", include("iccity.evaluation.urls")),
    path("reports/", include("iccity.reports.urls")),
    path("consumption/", include("iccity.consumption.urls")),
    path("places/", include("iccity.places.urls")),
    path("events/", include("iccity.events.urls")),
    path("surveys/", include("iccity.surveys.urls")),
    path("credit/", include("iccity.credit.urls")),
    path("ops/", include("iccity.ops.urls")),  # operations (helper "ops"): scheduled jobs page
    path("public/", include("iccity.portal.urls")),  # the public portal for phones (issue 15)
    path("", include("iccity.serving.urls")),  # production serving: /healthz, /metrics
    path("", include("iccity.workspaces.urls")),  # / → the person's desk
    path("", include("iccity.plans.urls")),
]
