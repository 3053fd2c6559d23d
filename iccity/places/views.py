"""Pages of the places app: the map of business districts and venues, a place, and living-circle coverage."""
from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static

from iccity.core.rules import RuleMissing
from iccity.core.policy import may, requires

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


@requires("places.view_map")
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
    return may(request, "places.set_coordinates")


def place_detail(request, pk: int):
    place = get_object_or_404(_published(), pk=pk)
    venues = place.venues.filter(is_published=True) if place.kind == PlaceKind.DISTRICT else []
    return render(request, "places/detail.html", {"nav": "places", "place": place, "venues": venues,
                                                  "events": _events_at(place)})


# Apps above places list what happens at a place (events fills this in EventsConfig.ready()): ``at(place) -> [...]``.
place_event_providers: list = []


def _events_at(place):
    """Published events held at this place or in this 商圈."""
    return [event for provider in place_event_providers for event in provider(place)]


def coverage_page(request):
    try:
        report = coverage.compute()
    except RuleMissing:
        report = None
    return render(request, "places/coverage.html", {"nav": "places", "report": report,
                                                    "rule": report.rule if report else None})
