"""HTTP API of the places app (mounted under /api/places/). Published places only."""
from __future__ import annotations

import json

from django.http import HttpResponse
from ninja import Router

from .models import Place

router = Router(tags=["商圈与场所"])


def _feature(place: Place) -> dict:
    return {
        "type": "Feature",
        "id": place.pk,
        # RFC 7946: WGS-84, [longitude, latitude]; a place without coordinates has a null geometry
        "geometry": ({"type": "Point", "coordinates": [float(place.longitude), float(place.latitude)]}
                     if place.has_coordinates else None),
        "properties": {
            "name": place.name, "kind": place.kind, "kind_label": place.get_kind_display(),
            "service_kind": place.service_kind or None,
            "district": place.district.name if place.district else None,
            "town": place.town or None, "address": place.address or None,
            "opened_on": place.opened_on.isoformat() if place.opened_on else None,
            "opened_text": place.opened_text or None,
            "tags": [t.name for t in place.tags.all()],
            "sources": [{"fact": s.fact, "url": s.url, "confidence": s.confidence} for s in place.sources.all()],
            "is_demo": place.is_demo,
        },
    }


@router.get("/geojson", summary="商圈与场所（GeoJSON FeatureCollection）")
def places_geojson(request, kind: str | None = None, located: bool = False):
    qs = Place.objects.published().select_related("district").prefetch_related("tags", "sources")
    if kind:
        qs = qs.filter(kind=kind)
    if located:
        qs = qs.located()
    collection = {"type": "FeatureCollection", "features": [_feature(p) for p in qs.order_by("kind", "name")]}
    # RFC 7946 §12: GeoJSON has its own media type, so GIS clients recognise it
    return HttpResponse(json.dumps(collection, ensure_ascii=False), content_type="application/geo+json; charset=utf-8")
