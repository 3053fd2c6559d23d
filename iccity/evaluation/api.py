"""HTTP API of the evaluation app (mounted under /api/evaluation/)."""
from ninja import Router

router = Router(tags=["评估考核"])
