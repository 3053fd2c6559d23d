"""evaluation's contributions to delivery's report lists (``iccity.delivery.registry``): quality-flag badges on the
revision under review, and a 质量提示 filter for the review queue. Registered in ``EvaluationConfig.ready()``.

Flags are judged on a report's latest submitted revision: a report returned and submitted again is shown with the
new revision's flags, not the old ones.
"""
from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from iccity.delivery.models import ReportRevision
from iccity.delivery.registry import Badge, QueueFilter, ReportAnnotator, register_annotator, register_queue_filter

from .models import QualityFlag, QualityFlagCode

ANY, NONE = "any", "none"


def current_flags():
    """Flags of each report's latest submitted revision (no later submitted revision of the same report exists)."""
    newer = ReportRevision.objects.filter(report_id=OuterRef("revision__report_id"), submitted_at__isnull=False,
                                          number__gt=OuterRef("revision__number"))
    return QualityFlag.objects.filter(revision__submitted_at__isnull=False).exclude(Exists(newer))


def annotate_reports(reports: Sequence) -> dict[int, list[Badge]]:
    """One query for any number of reports."""
    pks = [r.pk for r in reports]
    out: dict[int, list[Badge]] = {}
    rows = current_flags().filter(revision__report_id__in=pks).order_by("code", "key").values_list(
        "revision__report_id", "code", "reason")
    labels = dict(QualityFlagCode.choices)
    for report_id, code, reason in rows:
        out.setdefault(report_id, []).append(Badge(label=str(labels.get(code, code)), reason=reason, code=code,
                                                   blocks_batch=True))
    return out


def flag_choices() -> list[tuple[str, str]]:
    return [(ANY, _("有质量提示")), (NONE, _("无质量提示"))] + [(code, str(label)) for code, label in QualityFlagCode.choices]


def flag_condition(value: str) -> Q:
    """Driven from the flags, which are few (about one submitted revision in twelve): the reports whose latest
    submitted revision carries a flag (of the code) form one uncorrelated subquery, which the database evaluates once
    per query, so counting every choice over five years of reports costs a set lookup per report instead of a
    revision search per report and choice."""
    flags = current_flags()
    if value in QualityFlagCode.values:
        flags = flags.filter(code=value)
    flagged = flags.values("revision__report_id")
    if value == NONE:
        return ~Q(pk__in=flagged)
    if value == ANY or value in QualityFlagCode.values:
        return Q(pk__in=flagged)
    return Q()


def register() -> None:
    register_annotator(ReportAnnotator(key="evaluation.quality", title=gettext_lazy("质量提示"),
                                       note=gettext_lazy("系统自动检查，供审核参考，不影响报送"), annotate=annotate_reports))
    register_queue_filter(QueueFilter(key="flag", label=gettext_lazy("质量提示"), choices=flag_choices, condition=flag_condition))
