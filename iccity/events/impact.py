"""Link an event edition to its consumption impact, when the consumption module has data for those dates.

The consumption app is developed separately; it is optional here: if its ``impact.has_data`` or its
``consumption:impact`` page is missing or fails to import, no link is shown.
"""
from __future__ import annotations

import importlib
import logging
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

log = logging.getLogger(__name__)


def impact_url(occ) -> str:
    try:
        has_data = importlib.import_module("iccity.consumption.impact").has_data
    except (ImportError, AttributeError):
        return ""
    try:
        if not has_data(occ.starts_on, occ.ends_on):
            return ""
        url = reverse("consumption:impact")
    except NoReverseMatch:
        return ""
    except Exception:  # a failing analysis must not take the public calendar down
        log.exception("consumption impact check failed for %s", occ)
        return ""
    venue = occ.event.venue
    district = ""
    if venue is not None:
        district = venue.name if venue.kind == "district" else (venue.district.name if venue.district else "")
    params = {"start": occ.starts_on.isoformat(), "end": occ.ends_on.isoformat()}
    if district:
        params["districts"] = district
    return f"{url}?{urlencode(params)}"
