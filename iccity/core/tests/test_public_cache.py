"""Public pages are served whole from the shared cache to anonymous visitors until an audited change commits."""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iccity.core.actions import record_audit

PAGE = "/events/"


@pytest.fixture
def public_cache(settings, db):
    settings.ICCITY_PUBLIC_CACHE = True
    cache.clear()
    yield
    cache.clear()


def _queries(client, path=PAGE) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_an_anonymous_public_page_is_served_from_the_cache_until_a_change_commits(
        client, public_cache, django_capture_on_commit_callbacks):
    first = client.get(PAGE).content
    assert _queries(client) == 0 and client.get(PAGE).content == first
    with django_capture_on_commit_callbacks(execute=True):
        record_audit(None, "delivery.report.draft_saved")  # a draft: nobody outside sees it
    assert _queries(client) == 0
    with django_capture_on_commit_callbacks(execute=False):
        record_audit(None, "events.event.updated")  # rolled back or not yet committed: nothing changed yet
    assert _queries(client) == 0
    with django_capture_on_commit_callbacks(execute=True):
        record_audit(None, "events.event.updated")
    assert _queries(client) > 0
    assert _queries(client) == 0


def test_signed_in_users_never_get_a_cached_page(client, public_cache, office_admin):
    client.get(PAGE)
    client.force_login(office_admin)
    assert _queries(client) > 0


def test_without_a_shared_cache_nothing_is_cached(client, settings, db):
    settings.ICCITY_PUBLIC_CACHE = False
    cache.clear()
    client.get(PAGE)
    assert _queries(client) > 0


def test_a_change_in_another_domain_keeps_the_page_but_one_it_reads_drops_it(
        client, public_cache, django_capture_on_commit_callbacks):
    client.get(PAGE)  # the events calendar reads events, places, orgs, plans and consumption
    with django_capture_on_commit_callbacks(execute=True):
        record_audit(None, "complaints.case.received")  # a citizen files a complaint: not on the calendar
    assert _queries(client) == 0
    with django_capture_on_commit_callbacks(execute=True):
        record_audit(None, "places.place.coordinates_set")  # the venue moved on the map
    assert _queries(client) > 0
    assert _queries(client) == 0


def test_a_rule_change_or_an_action_of_an_unknown_domain_drops_every_page(
        client, public_cache, django_capture_on_commit_callbacks):
    for action in ("core.rule.changed", "app.started"):
        client.get(PAGE)
        assert _queries(client) == 0
        with django_capture_on_commit_callbacks(execute=True):
            record_audit(None, action)
        assert _queries(client) > 0


def test_a_page_that_does_not_say_what_it_reads_is_dropped_after_any_change(public_cache, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from iccity.core.public_cache import bump, public_page

    calls = []

    @public_page
    def page(request):
        calls.append(1)
        return HttpResponse("ok")

    def get():
        request = rf.get("/x/")
        request.user = AnonymousUser()
        return page(request)

    get(), get()
    assert len(calls) == 1
    bump("complaints")
    get()
    assert len(calls) == 2
