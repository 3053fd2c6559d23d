"""Admin of the evaluation app (Chinese; saves go through actions). Lights and ratings live in admin_lights; scoring
and quality flags in admin_scoring."""
from . import admin_lights, admin_scoring  # noqa: F401
