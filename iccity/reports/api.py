"""HTTP API of the reports app (mounted under /api/reports/): one router per area (api_*.py), joined here."""
from ninja import Router

from .api_documents import router as documents_router
from .api_ledger import router as ledger_router

router = Router(tags=["公文与台账"])
router.add_router("", documents_router)
router.add_router("", ledger_router)
