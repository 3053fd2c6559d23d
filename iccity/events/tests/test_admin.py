"""The admin is Chinese and changes events only through actions (audited, SEQUENCE raised)."""
from __future__ import annotations

import datetime as dt

import pytest

from iccity.core.models import AuditEvent
from iccity.events import actions
from iccity.events.models import Event, Occurrence

pytestmark = pytest.mark.django_db


@pytest.fixture
def lantern():
    event = actions.do_save_event(Event(name="杨柳青灯展", kind="lantern", date_rule="lunar", start_month=1,
                                        start_day=1, end_month=1, end_day=16, is_published=True),
                                  actor=None, created=True)
    actions.do_generate_occurrences(event, [2027])
    return event


def test_admin_pages_open_in_chinese(client, office_admin, lantern):
    client.force_login(office_admin)
    for url in ("/admin/events/event/", f"/admin/events/event/{lantern.pk}/change/", "/admin/events/occurrence/",
                "/admin/places/place/", "/admin/places/community/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "节庆活动" in client.get("/admin/events/event/").content.decode()


def test_editing_an_event_in_the_admin_is_audited_and_raises_its_revision(client, office_admin, lantern):
    client.force_login(office_admin)
    response = client.post(f"/admin/events/event/{lantern.pk}/change/", {
        "name": "杨柳青元宵灯会", "kind": "lantern", "date_rule": "lunar", "start_month": 1, "start_day": 1,
        "end_month": 1, "end_day": 16, "is_published": "on", "organiser_text": "", "task_key": "T4",
        "description": "", "internal_note": "", "sources": "",
        "occurrence_set-TOTAL_FORMS": "1", "occurrence_set-INITIAL_FORMS": "1",
        "occurrence_set-MIN_NUM_FORMS": "0", "occurrence_set-MAX_NUM_FORMS": "1000",
        "occurrence_set-0-id": str(lantern.occurrence_set.get().pk), "occurrence_set-0-event": str(lantern.pk),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    lantern.refresh_from_db()
    assert lantern.name == "杨柳青元宵灯会" and lantern.revision == 1
    assert AuditEvent.objects.filter(action="events.event.updated", actor=office_admin).exists()


def test_cancel_action_in_the_admin_publishes_a_cancellation(client, office_admin, lantern):
    client.force_login(office_admin)
    occ = Occurrence.objects.get()
    client.post("/admin/events/occurrence/", {"action": "cancel", "_selected_action": [occ.pk]})
    occ.refresh_from_db()
    assert occ.status == "CANCELLED" and occ.sequence == 1
    assert occ.starts_on == dt.date(2027, 2, 6)
