"""The HTTP API (django-ninja). Each app contributes a router in its ``api.py``; docs are served offline at /api/docs."""
from ninja import NinjaAPI

from iccity.orgs.api import router as orgs_router
from iccity.plans.api import router as plans_router

api = NinjaAPI(title="iccity API", version="1", description="国际消费中心城市建设推进平台接口", urls_namespace="api")
api.add_router("/plans", plans_router)
api.add_router("/units", orgs_router)
api.add_router("/delivery", "iccity.delivery.api.router")
api.add_router("/indicators", "iccity.indicators.api.router")
api.add_router("/evaluation", "iccity.evaluation.api.router")
api.add_router("/reports", "iccity.reports.api.router")
api.add_router("/consumption", "iccity.consumption.api.router")
api.add_router("/places", "iccity.places.api.router")
api.add_router("/events", "iccity.events.api.router")
api.add_router("/surveys", "iccity.surveys.api.router")
api.add_router("/credit", "iccity.credit.api.router")

# figures (issue 16): times in API answers are written in Asia/Shanghai, as pages and documents show them
from iccity.core.api_render import LocalTimeRenderer  # noqa: E402

api.renderer = LocalTimeRenderer()
