"""Helpers shared by the complaint pages and the Open311 endpoint: state labels, public notes,
ISO 8601 dates with the +08:00 offset, and scrubbing personal data out of free text before anything is published."""
from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from . import states


def state_label(case) -> str:
    try:
        return states.state_label(case.case_type, case.state)
    except ValueError:
        return case.state


def open311_status(case) -> str:
    machine = states.MACHINES.get(case.case_type)
    state = machine.states.get(case.state) if machine else None
    return state.open311 if state else "open"


def reason_label(code: str) -> str:
    """ART16_3 → 第16条第3项 + the article's wording (the state label already says 不予受理 / 终止调解)."""

    match = re.fullmatch(r"ART(\d+)_(\d+)", code or "")
    text = states.REASONS.get(code, "")
    if match:
        return f"第{match[1]}条第{match[2]}项" + (f"（{text}）" if text else "")
    return text or (code or "")


def live_deadline(case):
    """The legal deadline that counts in the case's current stage (acceptance decision, or handling)."""

    if case.state in states.ACCEPT_STAGE.get(case.case_type, ()):
        return case.accept_due
    if case.state in states.HANDLE_STAGE.get(case.case_type, ()):
        return case.handle_due
    return None


def _bare(text: str) -> str:
    return re.sub(r"[\s。，,.；;：:、！!]", "", text).removeprefix("已")


def status_notes(case, last_public_note: str = "") -> str:
    """The state (and reason), then the last public note unless it only repeats them ("已分送承办单位。分送承办单位")."""
    note = state_label(case)
    if case.reason_code:
        note += f"：{reason_label(case.reason_code)}"
    last = (last_public_note or "").strip()
    if last and _bare(last) not in _bare(note):
        if not case.reason_code and _bare(note) in _bare(last):
            return last  # the note says the state and more: say it once
        note += f"。{last}"
    return note


def iso(moment) -> str | None:
    """ISO 8601 with the district's offset (+08:00), as GeoReport v2 asks (dates always with a timezone)."""
    if moment is None:
        return None
    if isinstance(moment, dt.datetime):
        return timezone.localtime(moment).isoformat(timespec="seconds")
    # A date-only deadline runs to the end of that day (民法典 Art. 203: a day ends at 24:00).
    end = dt.datetime.combine(moment, dt.time(23, 59, 59))
    return timezone.make_aware(end).isoformat(timespec="seconds")


def scrub(text: str, case=None) -> str:
    """Free text going public, through the platform's one masking function (``core.privacy``), with the
    complainant's own name, phone, ID and address when the case is known."""
    from iccity.core.privacy import mask_public_text

    from .privacy import complainant

    return mask_public_text(text, people=[complainant(case)] if case is not None else [])
