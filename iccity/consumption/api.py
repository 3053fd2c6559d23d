"""HTTP API of the consumption app (mounted under /api/consumption/)."""
from ninja import Router

router = Router(tags=["消费监测"])
