"""HTTP API of the evaluation app (mounted under /api/evaluation/): one router per area (api_*.py), joined here."""
from ninja import Router

from .api_lights import router as lights_router
from .api_scoring import router as scoring_router

router = Router(tags=["评估考核"])
router.add_router("", lights_router)
router.add_router("", scoring_router)
