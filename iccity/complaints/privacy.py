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

from iccity.orgs.permissions import Actor

from . import states
from .validation import FLAG_LABELS, ID_TYPES

PERSONAL_FIELDS = ("person_name", "person_phone", "person_id_number", "person_address")


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***; the surname alone is what a caller would say on the phone anyway."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1) if len(name) > 1 else "*"


def mask_phone(phone: str) -> str:
    """13812341234 → 138****1234; landlines keep the area code and the last 4 digits."""
    phone = (phone or "").strip()
    if len(phone) == 11 and phone.isdigit():
        return f"{phone[:3]}****{phone[-4:]}"
    if "-" in phone:
        area, rest = phone.split("-", 1)
        return f"{area}-{'*' * max(len(rest) - 4, 0)}{rest[-4:]}"
    return "*" * max(len(phone) - 4, 0) + phone[-4:]


def mask_id(number: str) -> str:
    """Keep the first 2 (province) and the last 2 characters: the birth date and county code are hidden, and the
    last 4 (sequence, sex, check) would narrow a person down too much with the rest."""
    number = (number or "").strip()
    if len(number) <= 4:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]


def mask_address(address: str) -> str:
    """Keep roughly the district level (first 6 characters)."""
    address = (address or "").strip()
    return address[:6] + "****" if len(address) > 6 else ("****" if address else "")


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


def public_case_view(case, events=None) -> dict:
    """What the receipt-number lookup and Open311 may show. No personal data, no description, ever.

    ``events``: the case's events if already fetched (lists); otherwise they are read (one query).
    """
    machine = states.machine_for(case.case_type)
    events = list(case.events.all()) if events is None else events
    publish_respondent = case.case_type == "complaint" and case.consent_publish
    notes = [{"at": e.created_at, "note": e.public_note} for e in events if e.public_note]
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
        "respondent_name": case.respondent_name if publish_respondent else "",
        "town": case.town,
        "lat": case.lat if publish_respondent else None,
        "long": case.long if publish_respondent else None,
    }
