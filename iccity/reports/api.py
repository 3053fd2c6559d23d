"""HTTP API of the reports app (mounted under /api/reports/). Areas add their endpoints to this router in api_*.py."""
from ninja import Router

router = Router(tags=["公文与台账"])

from . import api_areas  # noqa: E402,F401  (registers the endpoints)
