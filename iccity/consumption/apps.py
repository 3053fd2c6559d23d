from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsumptionConfig(AppConfig):
    name = "iccity.consumption"
    label = "consumption"
    verbose_name = _("消费监测")

    def ready(self):
        from . import policy

        policy.register()  # permissions and menu entries (core.policy, core.navigation)

        from iccity.events.impact import impact_data
        from iccity.indicators.views_common import feed_note_providers

        if feed_notes not in feed_note_providers:
            feed_note_providers.append(feed_notes)
        if has_data not in impact_data:
            impact_data.append(has_data)


# The contributions import their modules when first called: those pull in pandas and Ibis (0.4 s), which every
# process would otherwise pay at start-up (each CLI command, each server worker), used or not.
def feed_notes(codes):
    from .actions.publish import feed_notes as notes

    return notes(codes)


def has_data(start, end):
    from .impact import has_data as known

    return known(start, end)
