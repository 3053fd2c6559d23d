"""Storing report-quality flags. Checks run after a report is submitted (signal, after commit) and in the nightly
job; a failing check is logged, never raised into the submission."""
from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from iccity.core.actions import record_audit

from .. import quality
from ..models import QualityFlag

log = logging.getLogger(__name__)


@transaction.atomic
def do_check_revision(revision, actor=None) -> list[QualityFlag]:
    """Run the checks on ``revision`` and make its stored flags match: new findings added, stale ones removed,
    unchanged ones kept (with their first detection time). Returns the revision's flags.

    The system's own follow-up of a submission (and of ``iccity evaluation quality``): no person's right is asked;
    the submission itself was checked by delivery."""
    findings = {(f.code, f.key): f for f in quality.check_revision(revision)}
    existing = {(f.code, f.key): f for f in QualityFlag.objects.select_for_update().filter(revision=revision)}
    stale = [f for k, f in existing.items() if k not in findings]
    new = [QualityFlag(revision=revision, code=f.code, key=f.key, reason=f.reason, detail=f.detail)
           for k, f in findings.items() if k not in existing]
    changed = []
    for k, flag in existing.items():
        if k in findings and (flag.reason, flag.detail) != (findings[k].reason, findings[k].detail):
            flag.reason, flag.detail = findings[k].reason, findings[k].detail
            changed.append(flag)
    if stale:
        QualityFlag.objects.filter(pk__in=[f.pk for f in stale]).delete()
    QualityFlag.objects.bulk_create(new)
    if changed:
        QualityFlag.objects.bulk_update(changed, ["reason", "detail"])
    if stale or new or changed:
        record_audit(actor, "evaluation.quality.checked", revision,
                     before={"flags": sorted(f"{c}:{k}" for c, k in existing)},
                     after={"flags": sorted(f"{c}:{k}" for c, k in findings)})
    return list(QualityFlag.objects.filter(revision=revision))


def check_after_submit(revision_id: int) -> None:
    """The hook run after a submission commits: never lets a failure reach the person submitting."""
    from iccity.delivery.models import ReportRevision

    try:
        revision = ReportRevision.objects.get(pk=revision_id)
        do_check_revision(revision)
    except Exception:  # noqa: BLE001 — a quality hint must never break a submission
        log.exception("报告质量检查失败（revision %s）", revision_id)


def do_check_pending(since: dt.datetime | dt.date | None = None) -> int:
    """Re-check submitted revisions (those submitted since ``since``, or all); returns how many revisions were checked
    (not how many flags: a revision found clean counts too).
    Each revision in its own transaction, so one failure does not undo the others."""
    from iccity.delivery.models import ReportRevision

    qs = ReportRevision.objects.filter(submitted_at__isnull=False)
    if isinstance(since, dt.date) and not isinstance(since, dt.datetime):   # a day from the CLI: from its start
        since = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    if since is not None:
        qs = qs.filter(submitted_at__gte=since)
    checked = 0
    for revision in qs.order_by("submitted_at", "id").iterator():
        try:
            do_check_revision(revision)
            checked += 1
        except Exception:  # noqa: BLE001
            log.exception("报告质量检查失败（revision %s）", revision.pk)
    return checked
