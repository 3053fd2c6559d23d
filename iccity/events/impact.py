"""Link an event edition to its consumption impact, when the consumption module has data for those dates.

Consumption sits above events: it fills ``impact_data`` (``has_data(start, end) -> bool``) in its AppConfig.ready();
without it, or without its ``consumption:impact`` page, no link is shown.
"""
from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

log = logging.getLogger(__name__)
impact_data: list = []


def impact_url(occ) -> str:
    if not impact_data:
        return ""
    has_data = impact_data[0]
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
