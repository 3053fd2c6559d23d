"""What complaints put on the office desk: open cases whose legal deadline of the current stage (``live_deadline``:
acceptance decision, then handling) falls within the case list's "due soon" window or has passed. One count and one
short list, filtered in the database."""
from __future__ import annotations

import datetime as dt

from django.db.models import Case as Choose, DateField, When
from django.urls import reverse

from iccity.workspaces.registry import OFFICE, Row, Section, register

from . import states
from .models import Case
from .views_handler import DUE_SOON_DAYS


def _live_due():
    """The legal deadline that counts in the current stage (as ``views_common.live_deadline``), as an expression."""
    whens = []
    for case_type, accept in states.ACCEPT_STAGE.items():
        whens.append(When(case_type=case_type, state__in=sorted(accept), then="accept_due"))
    for case_type, handle in states.HANDLE_STAGE.items():
        whens.append(When(case_type=case_type, state__in=sorted(handle), then="handle_due"))
    return Choose(*whens, default=None, output_field=DateField())


def near_deadline(today: dt.date):
    return (Case.objects.annotate(live_due=_live_due())
            .filter(live_due__isnull=False, live_due__lte=today + dt.timedelta(days=DUE_SOON_DAYS)))


def office_cases_near_deadline(actor, limit, today):
    if not actor.office_admin:
        return None
    cases = near_deadline(today)
    # no personal data on a desk: leave the encrypted columns undecrypted
    rows = list(cases.select_related("category", "unit")
                .defer("person_name", "person_phone", "person_id_number", "person_address", "description")
                .order_by("live_due", "id")[:limit])
    overdue = any(c.live_due < today for c in rows)
    return Section(
        key="", title="临近法定期限的投诉举报", count=cases.count(), severity="overdue" if overdue else "due_soon",
        url=f"{reverse('complaints:case_list')}?show=due_soon", link_text="打开投诉举报办理", empty_text="没有临近期限的案件",
        rows=[Row(text=f"{c.receipt_number} · {c.category.name if c.category_id else ''} · {c.unit.name if c.unit_id else '未分送'}",
                  url=reverse("complaints:case", args=[c.pk]), due=c.live_due,
                  severity="overdue" if c.live_due < today else "due_soon",
                  note="已超过法定期限" if c.live_due < today else f"{(c.live_due - today).days}天内到期")
              for c in rows])


def register_workbench() -> None:
    register("complaints.near_deadline", OFFICE, "临近法定期限的投诉举报", office_cases_near_deadline, urgency=15)
