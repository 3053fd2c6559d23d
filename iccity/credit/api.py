"""HTTP API of the credit app (mounted under /api/credit/)."""
from ninja import Router

router = Router(tags=["信用公示"])
