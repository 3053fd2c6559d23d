"""HTTP API of the surveys app (mounted under /api/surveys/)."""
from ninja import Router

router = Router(tags=["满意度测评"])
