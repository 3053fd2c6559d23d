"""Admin of the evaluation app (Chinese; saves go through actions). Lights and ratings live in admin_lights; scoring
and quality flags in admin_scoring (written with the scoring area)."""
from . import admin_lights  # noqa: F401

try:
    from . import admin_scoring  # noqa: F401
except ImportError:  # scoring area not there yet: show its tables read-only so nothing is hidden
    from django.contrib import admin

    from iccity.core.admin_mixins import ReadOnlyAdmin

    from .models import QualityFlag, ScoreEntry, ScoreRun, UnitScore

    for _model in (ScoreRun, UnitScore, ScoreEntry, QualityFlag):
        if not admin.site.is_registered(_model):
            admin.site.register(_model, ReadOnlyAdmin)
