"""Batch acceptance from the review queue.

One transaction per report, not all-or-nothing: each report is decided exactly as ``do_review`` decides it alone
(its own row lock, state and lock-version check, event, audit record), so a report refused — flagged, not the
reviewer's, changed meanwhile — rolls back only itself and never half-applies, while the clean reports the reviewer
read are accepted. Refusing the whole batch because another reviewer returned one report at the same moment would
only make the reviewer tick the same boxes again. A batch audit record lists what was accepted and refused, and why.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction

from iccity.core.actions import ActionRefused, record_audit

from .. import registry
from ..models import Report
from ..permissions import Perm, Scope, allowed
from .reports import do_review

NOT_FOUND = "报告不存在或无权查看"


@dataclass
class BatchOutcome:
    accepted: list[Report] = field(default_factory=list)
    refused: list[tuple[Report | None, str]] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """已接受 N 份，M 份未能接受：原因…"""
        text = f"已接受 {len(self.accepted)} 份"
        if self.refused:
            reasons = "；".join(f"{_name(r)}：{why}" if r is not None else why for r, why in self.refused)
            text += f"，{len(self.refused)} 份未能接受：{reasons}"
        return text


def _name(report: Report) -> str:
    return f"{report.cycle.label} {report.task.key} {report.unit.name}"


def do_accept_reports(selection: dict[int, int | None], comment: str = "", *, scope: Scope) -> BatchOutcome:
    """Accept the selected reports (``{report pk: lock_version seen on the page, or None}``) with one comment.

    Reports with a batch-blocking badge (e.g. quality flags) are refused: they must be opened and decided alone.
    The right is asked per report, once, by ``do_review`` (delivery.review_report); a refusal is listed, not raised.
    """
    outcome = BatchOutcome()
    found = {r.pk: r for r in Report.objects.select_related("cycle", "task", "unit").filter(pk__in=list(selection))}
    for pk in selection:
        report = found.get(pk)
        if report is None or not allowed(scope, Perm.VIEW_REPORT, report):
            outcome.refused.append((None, f"{NOT_FOUND}（编号 {pk}）"))
            continue
        try:
            with transaction.atomic():
                if allowed(scope, Perm.REVIEW, report):  # otherwise do_review names the real obstacle
                    reason = registry.batch_refusal(registry.badges_for([report]).get(report.pk, []))
                    if reason:
                        raise ActionRefused(reason)
                accepted = do_review(report, True, comment, scope=scope, lock_version=selection[pk])
        except (ActionRefused, PermissionDenied) as exc:
            outcome.refused.append((report, getattr(exc, "message", None) or str(exc)))
        else:
            outcome.accepted.append(accepted)
    if selection:
        record_audit(scope.user, "delivery.report.batch_accepted", None,
                     after={"accepted": [r.pk for r in outcome.accepted],
                            "refused": [{"report": r.pk if r else None, "reason": why} for r, why in outcome.refused]},
                     note=comment)
    return outcome
