"""Signals other apps listen to without the delivery loop knowing them (e.g. evaluation's report-quality check).

``report_submitted`` is sent after the submitting transaction commits, with ``report`` and ``revision`` (instances
as they were before the transition: re-read them for the stored state)."""
from django.dispatch import Signal

report_submitted = Signal()
