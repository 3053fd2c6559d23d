from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _district_names() -> list[str]:
    from .models import Place, PlaceKind

    return list(Place.objects.published().filter(kind=PlaceKind.DISTRICT).order_by("name")
                .values_list("name", flat=True))


class PlacesConfig(AppConfig):
    name = "iccity.places"
    label = "places"
    verbose_name = _("商圈与场所")

    def ready(self) -> None:
        # The consumption impact page (below this app) offers our 商圈 as the districts to pick from.
        from iccity.consumption import impact

        if _district_names not in impact.DISTRICT_NAME_SOURCES:
            impact.DISTRICT_NAME_SOURCES.append(_district_names)
