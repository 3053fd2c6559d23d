"""HTTP API of the evaluation app (mounted under /api/evaluation/). Areas add their endpoints to this router in api_*.py."""
from ninja import Router

router = Router(tags=["评估考核"])

from . import api_areas  # noqa: E402,F401  (registers the endpoints)
