"""Template tags of the evaluation app: ``{% quality_flags revision %}`` (report-quality hints for reviewers) and
``{% rank_change score %}`` (an arrow with the places moved since the previous period)."""
from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.inclusion_tag("evaluation/quality/_flags.html", takes_context=True)
def quality_flags(context, revision):
    """The revision's quality flags, for signed-in staff (one query, none when already prefetched)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if revision is None or not getattr(revision, "pk", None) or not getattr(user, "is_authenticated", False):
        return {"flags": []}
    cache = getattr(revision, "_prefetched_objects_cache", {})
    flags = cache["quality_flags"] if "quality_flags" in cache else revision.quality_flags.all()
    return {"flags": list(flags), "revision": revision}


@register.simple_tag
def rank_change(score):
    change = score.rank_change
    if change is None:
        return format_html('<span class="rank-new" title="{}">{}</span>', "上期未参评", "新")
    if change > 0:
        return format_html('<span class="rank-up" title="上升 {} 位">▲{}</span>', change, change)
    if change < 0:
        return format_html('<span class="rank-down" title="下降 {} 位">▼{}</span>', -change, -change)
    return format_html('<span class="rank-same" title="{}">—</span>', "名次不变")
