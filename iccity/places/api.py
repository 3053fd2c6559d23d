"""HTTP API of the places app (mounted under /api/places/)."""
from ninja import Router

router = Router(tags=["商圈与场所"])
