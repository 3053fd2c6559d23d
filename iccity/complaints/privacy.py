"""Who sees a complainant's personal data, and what everybody else sees.

Decision (个人信息保护法 Art. 6 minimum necessary; Order 121 confidentiality of complainants and reporters):
personal data (name, phone, ID, address) is visible only to people who handle the case — the case's handler, the
head and liaisons of the unit the case is assigned to — and to the 领导小组办公室 admins who register phone/walk-in
cases and re-route misrouted ones. District leaders, task forces and other units see masked values; the public
(receipt lookup, Open311) never sees personal data, nor the description (it often contains some).
The respondent is public only for complaints whose complainant consented to publication; never for reports
(an unproven allegation).
"""
from __future__ import annotations

from iccity.core.privacy import Person, mask_address, mask_id, mask_name, mask_phone, mask_public_text
from iccity.core.validation import ID_TYPES
from iccity.orgs.permissions import Actor

from . import states
from .submission import FLAG_LABELS

PERSONAL_FIELDS = ("person_name", "person_phone", "person_id_number", "person_address")


def _actor(actor) -> Actor:
    if isinstance(actor, Actor):
        return actor
    return Actor.for_user(actor)


def can_see_personal_data(actor, case) -> bool:
    actor = _actor(actor)
    if actor.user is None:
        return False
    if actor.office_admin:
        return True
    if case.handler_id is not None and case.handler_id == actor.user.pk:
        return True
    return case.unit_id is not None and case.unit_id in actor.units


def case_for_display(case, actor) -> dict:
    """The case for staff pages: everything, with personal data masked unless the actor handles it."""
    visible = can_see_personal_data(actor, case)
    machine = states.machine_for(case.case_type)
    data = {
        "id": case.pk, "receipt_number": case.receipt_number, "case_type": case.case_type,
        "case_type_label": case.get_case_type_display(), "state": case.state, "state_label": machine.label(case.state),
        "status": machine.state(case.state).open311, "category": case.category.name if case.category_id else "",
        "channel": case.channel, "received_at": case.received_at, "anonymous": case.anonymous,
        "respondent_name": case.respondent_name, "respondent_uscc": case.respondent_uscc,
        "respondent_address": case.respondent_address, "respondent_phone": case.respondent_phone,
        "town": case.town, "business_district": case.business_district, "occurred_on": case.occurred_on,
        "amount": case.amount, "description": case.description, "requests": list(case.requests),
        "unit": case.unit.name if case.unit_id else "", "reason_code": case.reason_code,
        "reason": states.REASONS.get(case.reason_code, ""), "outcome_note": case.outcome_note,
        "accept_due": case.accept_due, "handle_due": case.handle_due, "first_contact_due": case.first_contact_due,
        "first_contact_at": case.first_contact_at, "paused": case.paused_since is not None,
        "consent_publish": case.consent_publish, "consent_entrusted_mediation": case.consent_entrusted_mediation,
        "flags": [{"code": f, "label": FLAG_LABELS.get(f, f)} for f in case.flags],
        "lock_version": case.lock_version, "personal_data_visible": visible,
        "person_id_type": ID_TYPES.get(case.person_id_type, case.person_id_type),
    }
    if case.anonymous:
        data.update(person_name="（匿名）", person_phone="", person_id_number="", person_address="")
    elif visible:
        data.update({field: getattr(case, field) for field in PERSONAL_FIELDS})
    else:
        data.update(person_name=mask_name(case.person_name), person_phone=mask_phone(case.person_phone),
                    person_id_number=mask_id(case.person_id_number), person_address=mask_address(case.person_address))
    return data


def complainant(case) -> Person:
    return Person(name=case.person_name, phone=case.person_phone, id_number=case.person_id_number,
                  address=case.person_address)


def public_case_view(case, events=None) -> dict:
    """What the receipt-number lookup and Open311 may show. No personal data, no description, ever: handlers' public
    notes pass through ``core.privacy.mask_public_text`` with the complainant's own data.

    ``events``: the case's events if already fetched (lists); otherwise they are read (one query).
    """
    machine = states.machine_for(case.case_type)
    events = list(case.events.all()) if events is None else events
    publish_respondent = case.case_type == "complaint" and case.consent_publish
    person = complainant(case)
    notes = [{"at": e.created_at, "note": mask_public_text(e.public_note, people=[person])}
             for e in events if e.public_note]
    return {
        "receipt_number": case.receipt_number,
        "case_type": case.case_type,
        "case_type_label": case.get_case_type_display(),
        "state": case.state,
        "state_label": machine.label(case.state),
        "status": machine.state(case.state).open311,
        "category_code": case.category.code if case.category_id else "",
        "category": case.category.name if case.category_id else "",
        "received_at": case.received_at,
        "updated_at": notes[-1]["at"] if notes else case.received_at,
        "closed_at": case.closed_at,
        "accept_due": case.accept_due,
        "public_notes": notes,
        "status_notes": notes[-1]["note"] if notes else "",
        "agency_responsible": case.unit.name if case.unit_id else "",
        "respondent_name": mask_public_text(case.respondent_name, people=[person]) if publish_respondent else "",
        "town": case.town,
        "lat": case.lat if publish_respondent else None,
        "long": case.long if publish_respondent else None,
    }
