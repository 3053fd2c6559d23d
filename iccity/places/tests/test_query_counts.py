"""The map page and the GeoJSON API cost the same number of queries for 3 or 30 places."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iccity.places.models import Place, PlaceSource, PlaceTag

pytestmark = pytest.mark.django_db


def make(n: int, start: int) -> None:
    tag, _ = PlaceTag.objects.get_or_create(code="night-economy", defaults={"name": "夜间经济聚集区"})
    district = Place.objects.create(name=f"商圈{start}", kind="district")
    for i in range(start, start + n):
        place = Place.objects.create(name=f"场所{i}", kind="shopping", district=district, latitude=39.1, longitude=117.0)
        place.tags.add(tag)
        PlaceSource.objects.create(place=place, fact="测试", url="https://example.invalid")


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/places/", "/api/places/geojson"])
def test_query_count_does_not_grow_with_places(client, url):
    make(3, 0)
    small = count(client, url)
    make(27, 100)
    assert count(client, url) == small
