"""What the public may see: the rows of the disclosure page and API, and nothing else.

Only entries the rules allow (published kind and class), only while the period runs (``clock.today()``), not
removed after repair and not revoked (``ListEntry.objects.public_on``). Only legal-entity data: a 个体工商户's
operator is a natural person, so the operator's name is masked wherever it appears (a shop without a 字号 is often
named after its owner), and phone, ID, bank-card numbers and e-mail addresses are masked in every free text before
it leaves (the platform's one masking function, ``core.privacy.mask_public_text``). Internal fields (review notes, who registered it, the operator's name) are never in a row.
"""
from __future__ import annotations

from iccity.core import clock
from iccity.core.privacy import Person, mask_public_text

from .models import EntityKind, ListEntry, ListKind

PUBLIC_FIELDS = ("list_kind", "list_kind_label", "severity_label", "party", "uscc", "decision_number",
                 "violation_type", "facts", "legal_basis", "penalty", "fine_wan", "confiscation_wan", "decision_date",
                 "publish_until", "repair_from", "authority", "authority_uscc", "data_source_unit", "is_demo")


def _mask_person(text: str, merchant) -> str:
    person = merchant.operator_name if merchant.kind == EntityKind.INDIVIDUAL_BUSINESS else ""
    return mask_public_text(text or "", people=[Person(name=person)] if person else [])


def _wan(value) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def public_row(entry: ListEntry) -> dict:
    m = entry.merchant
    return {
        "list_kind": entry.list_kind, "list_kind_label": entry.get_list_kind_display(),
        "severity_label": entry.get_severity_display() if entry.severity else "",
        "party": _mask_person(m.name, m), "uscc": m.uscc,
        "decision_number": entry.decision_number,
        "violation_type": _mask_person(entry.violation_type, m), "facts": _mask_person(entry.facts, m),
        "legal_basis": _mask_person(entry.legal_basis, m), "penalty": _mask_person(entry.penalty, m),
        "fine_wan": _wan(entry.fine_wan), "confiscation_wan": _wan(entry.confiscation_wan),
        "decision_date": entry.decision_date, "publish_until": entry.publish_until,
        "repair_from": entry.repair_from if entry.list_kind == ListKind.SERIOUS_VIOLATION else None,
        "authority": entry.authority, "authority_uscc": entry.authority_uscc,
        "data_source_unit": entry.data_source_unit, "is_demo": entry.is_demo,
    }


def public_entries(day=None, *, list_kind: str = "", query: str = ""):
    day = day or clock.today()
    entries = ListEntry.objects.public_on(day).select_related("merchant")
    if list_kind:
        entries = entries.filter(list_kind=list_kind)
    if query:
        # A 个体工商户's stored name may contain its operator's name: a name search over it would confirm the masked
        # characters (search "三丰烧烤", see "张**烧烤店"). So names are searched for organisations only; a
        # 个体工商户 is found by its code.
        from django.db.models import Q

        organisation_named = Q(merchant__name__icontains=query) & ~Q(merchant__kind=EntityKind.INDIVIDUAL_BUSINESS)
        entries = entries.filter(Q(merchant__uscc=query.upper()) | organisation_named)
    return entries.order_by("-decision_date", "-pk")


def public_rows(day=None, **filters) -> list[dict]:
    return [public_row(e) for e in public_entries(day, **filters)]
