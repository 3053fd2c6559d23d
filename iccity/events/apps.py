from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "iccity.events"
    label = "events"
    verbose_name = _("节庆活动")

    def ready(self):
        from . import policy

        policy.register()  # permissions and menu entries (core.policy, core.navigation)

        from iccity.places.views import place_event_providers

        if _events_at not in place_event_providers:
            place_event_providers.append(_events_at)


def _events_at(place):
    """Published events held at this place or in this 商圈, for the place page."""
    from django.db.models import Q

    from .models import Event

    return list(Event.objects.published().filter(Q(venue=place) | Q(venue__district=place)).order_by("name"))
