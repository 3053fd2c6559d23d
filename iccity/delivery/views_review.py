"""The review queue page (filters with counts, paging, compact cards with inline decisions) and batch acceptance.

The queue's rules live in ``delivery.queue``; decisions go through ``delivery.actions`` (single decisions through
``views_reports.unit_decision`` / ``review_decision``, which come back here with the filters kept).
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iccity.core.policy import requires
from iccity.core.web import back

from . import actions
from .forms import DecisionForm
from .permissions import DENIED_MESSAGES, Perm
from .queue import ALL, ReviewQueue
from .views_common import delivery_view


@delivery_view
@requires("delivery.view_review_queue")
def review_queue(request):
    """Reports the viewer must act on (or, with 显示全部, all they may see), newest actionable first."""
    scope = request.scope
    queue = ReviewQueue(scope, request.GET)
    facets = queue.facets()
    page = queue.page(request.GET.get("page"))
    rows = queue.rows(page)
    return render(request, "delivery/review_queue.html", {
        "nav": "review", "facets": facets, "show_facet": facets[0], "filter_facets": facets[1:], "page": page,
        "rows": rows, "queue": queue, "show_all": queue.show == ALL, "here": request.get_full_path(),
        "decision": DecisionForm(), "batchable": any(r.can_review for r in rows),
    })


@require_POST
@delivery_view
def batch_accept(request):
    """Accept the ticked reports with one comment; back to the same filtered page with a Chinese summary."""
    scope = request.scope
    if not (scope.actor.office_admin or scope.review_task_ids):
        raise PermissionDenied(DENIED_MESSAGES[Perm.REVIEW])
    selection: dict[int, int | None] = {}
    for value in request.POST.getlist("reports"):
        pk, _sep, lock = value.partition(":")
        if pk.isdigit():
            selection[int(pk)] = int(lock) if lock.isdigit() else None
    if not selection:
        messages.error(request, _("请先勾选要接受的报告"))
        return back(request, reverse("delivery:review"))
    comment = (request.POST.get("comment") or "").strip()[:4000]
    outcome = actions.do_accept_reports(selection, comment, scope=scope)
    (messages.success if not outcome.refused else messages.warning)(request, outcome.summary)
    return back(request, reverse("delivery:review"))
