"""Pages of the events app: the public calendar, one event, and the iCalendar feed. Published content only."""
from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from iccity.core.policy import requires
from iccity.core import clock
from iccity.core.public_cache import public_page

from .feed import build_calendar, public_occurrences
from .impact import impact_url
from .models import Event


def _task(event: Event):
    """The plan task the event serves, from the current version of the Xiqing plan."""
    if not event.task_key:
        return None
    from iccity.plans.actions import XIQING_PLAN_SLUG
    from iccity.plans.models import Plan

    plan = Plan.objects.filter(slug=XIQING_PLAN_SLUG).first()
    version = plan.current_version if plan else None
    return version.tasks.filter(key=event.task_key).first() if version else None


@requires("events.view_calendar")
@public_page(reads=("events", "places", "orgs", "plans", "consumption"))
def calendar_page(request):
    today = clock.today()
    occurrences = list(public_occurrences().select_related("event__venue__district").filter(ends_on__gte=today))
    for occ in occurrences:
        occ.impact_url = impact_url(occ)
    recent = list(public_occurrences().filter(ends_on__lt=today).order_by("-starts_on")[:10])
    for occ in recent:
        occ.impact_url = impact_url(occ)
    return render(request, "events/calendar.html", {
        "nav": "events", "upcoming": occurrences, "recent": recent, "today": today,
        "feed_url": request.build_absolute_uri("/events/calendar.ics"),
    })


def event_detail(request, pk: int):
    event = get_object_or_404(Event.objects.published().select_related("venue", "organiser"), pk=pk)
    occurrences = list(event.occurrence_set.filter(is_published=True).order_by("-starts_on"))
    for occ in occurrences:
        occ.impact_url = impact_url(occ)
    return render(request, "events/detail.html", {"nav": "events", "event": event, "occurrences": occurrences,
                                                  "task": _task(event)})


def calendar_feed(request):
    body = build_calendar(base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="xiqing-events.ics"'
    return response
