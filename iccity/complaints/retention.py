"""Retention of complainants' personal data (个人信息保护法 Art. 19, 47): a case closed longer ago than the
``complaints.personal_data_retention`` rule (in force on the day of the run) loses its complainant's name, phone,
ID and address; free texts are masked with the same function as public pages. The case, its facts, its deadlines
and its statistics stay. ``iccity privacy anonymise`` runs it (cron, daily); safe to run twice: anonymised cases are
skipped."""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from iccity.core import clock
from iccity.core.actions import record_audit
from iccity.core.privacy import mask_public_text

from .models import Case, CaseEvent, CaseNotice
from .privacy import complainant
from iccity.core.rules import rule_in_force

from .rules import RETENTION

def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def due_cases(today: dt.date | None = None):
    today = today or clock.today()
    rule = rule_in_force(RETENTION, today)
    cutoff = _years_before(today, int(rule.value["years_after_closure"]))
    from django.utils import timezone

    limit = timezone.make_aware(dt.datetime.combine(cutoff, dt.time()))
    return Case.objects.filter(anonymised_at__isnull=True, closed_at__isnull=False, closed_at__lt=limit), rule


def do_anonymise_case(case: Case, *, actor=None, rule=None) -> Case:
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.anonymised_at is not None:
            return case
        person = complainant(case)
        case.description = mask_public_text(case.description, people=[person])
        case.outcome_note = mask_public_text(case.outcome_note, people=[person])
        case.person_name = case.person_phone = case.person_id_number = case.person_address = ""
        case.person_id_type = ""
        case.lookup_token = ""
        case.anonymised_at = clock.now()
        case.save(update_fields=["description", "outcome_note", "person_name", "person_phone", "person_phone_index",
                                 "person_id_number", "person_id_type", "person_address", "lookup_token",
                                 "anonymised_at"])
        for event in CaseEvent.objects.filter(case=case):
            CaseEvent.objects.filter(pk=event.pk).update(note=mask_public_text(event.note, people=[person]),
                                                         public_note=mask_public_text(event.public_note,
                                                                                      people=[person]))
        for notice in CaseNotice.objects.filter(case=case):
            CaseNotice.objects.filter(pk=notice.pk).update(
                recipient=mask_public_text(notice.recipient, people=[person]),
                content=mask_public_text(notice.content, people=[person]))
        # the audit record names the case and the rule, never the data removed
        record_audit(actor, "complaints.case.anonymised", case,
                     after={"rule": f"{RETENTION} v{rule.version}" if rule else RETENTION,
                            "closed_at": case.closed_at.isoformat() if case.closed_at else None})
    return case


def do_anonymise_due_cases(today: dt.date | None = None, *, actor=None) -> list[str]:
    """Anonymise every case past the retention period; returns their receipt numbers (empty on a second run)."""
    cases, rule = due_cases(today)
    done = []
    for case in cases.order_by("closed_at", "pk").iterator(chunk_size=200):
        do_anonymise_case(case, actor=actor, rule=rule)
        done.append(case.receipt_number)
    return done
