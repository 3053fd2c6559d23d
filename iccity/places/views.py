"""Pages of the places app: the map of business districts and venues, a place, and living-circle coverage."""
from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static

from iccity.core.models import Rule

from . import coverage, geo
from .models import Place, PlaceKind, PlaceSource


def _published():
    return (Place.objects.published().select_related("district").prefetch_related(
        "tags", Prefetch("sources", queryset=PlaceSource.objects.order_by("pk"))))


def map_points(places) -> list[dict]:
    points = []
    for place in places:
        if not place.has_coordinates:
            continue  # unknown coordinates are listed in the table, never guessed
        lon, lat = geo.display_point(float(place.latitude), float(place.longitude))
        points.append({"name": place.name, "value": [lon, lat], "kind": place.get_kind_display(),
                       "district": place.district.name if place.district else ""})
    return points


def place_map(request):
    places = list(_published().exclude(kind=PlaceKind.SERVICE_POINT))
    districts = [p for p in places if p.kind == PlaceKind.DISTRICT]
    venues_by_district: dict[int | None, list[Place]] = {}
    for place in places:
        if place.kind != PlaceKind.DISTRICT:
            venues_by_district.setdefault(place.district_id, []).append(place)
    chart = {
        "boundaryUrl": static(geo.BOUNDARY_STATIC) if geo.boundary_available() else "",
        "focus": geo.FOCUS_DISTRICT,
        "tiles": geo.tile_layer(),
        "points": map_points(places),
    }
    return render(request, "places/map.html", {
        "nav": "places", "districts": [(d, venues_by_district.get(d.pk, [])) for d in districts],
        "unassigned": venues_by_district.get(None, []), "places": places, "chart": chart,
        "boundary_source": geo.BOUNDARY_SOURCE, "boundary_missing": not chart["boundaryUrl"],
        "boundary_static": geo.BOUNDARY_STATIC, "located_count": len(chart["points"]),
        "can_set_coordinates": _is_office(request),
    })


def _is_office(request) -> bool:
    from iccity.orgs.permissions import actor_for

    return request.user.is_authenticated and actor_for(request).office_admin


def place_detail(request, pk: int):
    place = get_object_or_404(_published(), pk=pk)
    venues = place.venues.filter(is_published=True) if place.kind == PlaceKind.DISTRICT else []
    return render(request, "places/detail.html", {"nav": "places", "place": place, "venues": venues,
                                                  "events": _events_at(place)})


def _events_at(place):
    """Published events held at this place or in this 商圈 (the events app is optional here)."""
    try:
        from iccity.events.models import Event
    except ImportError:  # pragma: no cover - events app removed
        return []
    from django.db.models import Q

    return Event.objects.published().filter(Q(venue=place) | Q(venue__district=place)).order_by("name")


def coverage_page(request):
    try:
        report = coverage.compute()
    except Rule.DoesNotExist:
        report = None
    return render(request, "places/coverage.html", {"nav": "places", "report": report,
                                                    "rule": report.rule if report else None})
