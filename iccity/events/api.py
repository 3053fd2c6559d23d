"""HTTP API of the events app (mounted under /api/events/)."""
from ninja import Router

router = Router(tags=["节庆活动"])
