"""The API's JSON renderer: aware datetimes are written in the platform's zone (2026-12-04T05:19:00+08:00), as pages,
documents and file names show them, instead of the database's UTC ("…21:19:00Z" for the same moment)."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class LocalTimeEncoder(NinjaJSONEncoder):
    def default(self, o):
        if isinstance(o, dt.datetime) and timezone.is_aware(o):
            return timezone.localtime(o).isoformat()
        return super().default(o)


class LocalTimeRenderer(JSONRenderer):
    encoder_class = LocalTimeEncoder
