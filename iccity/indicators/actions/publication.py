"""Which indicators the public sees (公开发布). The office decides per indicator (``do_set_published``); real figures
loaded from their sources (``data/observations.toml``) are official statistics already published by their
publishers, so loading them publishes their indicators by default — unless the office has decided otherwise for that
indicator, which is never overridden."""
from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from iccity.core import policy
from iccity.core.actions import record_audit
from iccity.core.models import AuditEvent

from ..models import Indicator

DECISION = "indicators.indicator.publication"   # the office's explicit choice
DEFAULTED = "indicators.indicator.published_by_source"


def _decided(indicators) -> set[str]:
    """Ids (as audit object ids) of indicators whose publication the office has set by hand."""
    ct = ContentType.objects.get_for_model(Indicator)
    return set(AuditEvent.objects.filter(action=DECISION, content_type=ct,
                                         object_id__in=[str(i.pk) for i in indicators])
               .values_list("object_id", flat=True))


@transaction.atomic
def do_set_published(indicator: Indicator, published: bool, *, actor, reason: str = "") -> Indicator:
    """The office publishes an indicator or takes it off the public pages (audited, with the reason)."""
    policy.check_actor(actor, "indicators.publish", indicator)
    before = indicator.published
    Indicator.objects.filter(pk=indicator.pk).update(published=published)
    indicator.published = published
    record_audit(actor, DECISION, indicator, before={"published": before}, after={"published": published},
                 note=reason.strip() or ("公开发布" if published else "取消公开"))
    return indicator


def publish_sourced(indicators, *, actor=None, source: str) -> list[Indicator]:
    """Publish indicators that just received sourced official figures, except those the office decided on."""
    waiting = [i for i in indicators if not i.published and not i.is_demo]
    if not waiting:
        return []
    decided = _decided(waiting)
    published = [i for i in waiting if str(i.pk) not in decided]
    for indicator in published:
        Indicator.objects.filter(pk=indicator.pk).update(published=True)
        indicator.published = True
        record_audit(actor, DEFAULTED, indicator, before={"published": False}, after={"published": True},
                     note=f"载入有来源的正式数据（{source}），默认公开")
    return published
