from django.contrib import admin
from django.urls import include, path

from .api import api

admin.site.site_header = "iccity 国际消费中心城市建设推进平台"
admin.site.site_title = "iccity 管理后台"
admin.site.index_title = "管理"

urlpatterns = [
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
    path("", include("iccity.plans.urls")),
]
