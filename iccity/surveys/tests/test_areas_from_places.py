"""Survey areas come from the 商圈 registry in ``places``: bootstrap makes one per published 商圈, once."""
import io

from iccity.places import initial_data as places_data
from iccity.places.models import Place, PlaceKind
from iccity.surveys import initial_data as survey_data
from iccity.surveys.models import SurveyArea


def test_every_published_business_district_gets_one_linked_survey_area_and_a_rerun_adds_none(db):
    places_data.load(io.StringIO())
    survey_data.load(io.StringIO())
    districts = set(Place.objects.filter(kind=PlaceKind.DISTRICT, is_published=True).values_list("name", flat=True))
    assert districts, "the plan names 商圈; the places registry must load them"
    linked = SurveyArea.objects.filter(place__isnull=False)
    assert {a.name for a in linked} == districts
    assert all(a.place.name == a.name for a in linked)
    assert not linked.filter(place__kind=PlaceKind.SHOPPING).exists()

    before = SurveyArea.objects.count()
    survey_data.load(io.StringIO())
    assert SurveyArea.objects.count() == before
