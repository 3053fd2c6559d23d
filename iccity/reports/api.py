"""HTTP API of the reports app (mounted under /api/reports/)."""
from ninja import Router

router = Router(tags=["公文与台账"])
