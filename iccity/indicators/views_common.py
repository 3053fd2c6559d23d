"""What every indicator page shares: who may see what (anonymous people see published indicators and adopted
targets only), and number formatting for charts and downloads."""
from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _

from iccity.orgs.permissions import actor_for

from .models import Indicator, TargetStatus

BREAKDOWN_LABELS = {"town": "镇街", "district": "商圈", "category": "品类", "": "合计"}
COMPARATOR_TEXT = {">=": "≥", ">": "＞", "<=": "≤", "<": "＜", "=": "达到"}


def is_public(request) -> bool:
    return actor_for(request).is_public


def visible_indicators(request):
    """Indicators the caller may see: anonymous people only those published (公开发布)."""
    qs = Indicator.objects.all()
    return qs.filter(published=True) if is_public(request) else qs


def visible_targets(request, targets):
    """Draft targets are internal until the office adopts them."""
    if is_public(request):
        return [t for t in targets if t.status == TargetStatus.ADOPTED]
    return list(targets)


def indicator_or_404(request, code: str, queryset=None) -> Indicator:
    qs = queryset if queryset is not None else Indicator.objects.all()
    if is_public(request):
        qs = qs.filter(published=True)
    try:
        return qs.get(code=code)
    except Indicator.DoesNotExist:
        raise Http404(_("没有这个指标，或该指标尚未公开发布")) from None


def number(value) -> float | None:
    """Decimals → floats for ECharts (json_script cannot serialise Decimal)."""
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def plain(value) -> str:
    """A decimal without trailing zeros, for tables and files: 25.0000 → 25, 1234.5000 → 1234.5."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def breakdown_label(kind: str, value: str) -> str:
    if not kind:
        return _("合计")
    return f"{BREAKDOWN_LABELS.get(kind, kind)}：{value}"


def target_text(target, unit: str) -> str:
    """“≥25个”, “为2022年的2倍”, “10–20个”: a target's requirement as people write it."""
    value = plain(target.value)
    if target.comparator == "x" or target.kind == "relative":
        return f"为{target.baseline_year or '基期'}年的{value}倍"
    if target.comparator == "between":
        return f"{value}–{plain(target.upper)}{unit}"
    if target.kind == "growth":
        return f"年均增长{COMPARATOR_TEXT.get(target.comparator, target.comparator)}{value}%"
    return f"{COMPARATOR_TEXT.get(target.comparator, target.comparator)}{value}{unit}"


# Apps that publish into indicators from their own feeds (consumption) explain a missing figure here, filling this
# slot in their AppConfig.ready(): ``notes(codes) -> {code: why}``.
feed_note_providers: list = []


def feed_notes(codes) -> dict[str, str]:
    """Why a feed-published indicator has no published figure yet; empty when no feed app is installed."""
    notes: dict[str, str] = {}
    for provider in feed_note_providers:
        notes.update(provider(codes))
    return notes
