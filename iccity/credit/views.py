"""Pages of the credit app: the public disclosure list (only what ``disclosure`` allows) and the office's work
list (USCC codes to check by hand, repair requests to review). Changes are made in the admin, through actions."""
from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from iccity.core.policy import requires

from .disclosure import public_entries, public_row
from .models import ListKind, Merchant, RepairRequest


@requires("credit.view_disclosure")
def disclosure(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in ListKind.values else ""
    query = (request.GET.get("q") or "").strip()[:60]
    page = Paginator(public_entries(list_kind=kind, query=query), 50).get_page(request.GET.get("page"))
    return render(request, "credit/disclosure.html", {
        "nav": "credit", "rows": [public_row(e) for e in page], "page": page, "kind": kind, "query": query,
        "kinds": ListKind.choices})


@requires("credit.manage")
def office(request):
    flagged = Merchant.objects.filter(uscc_check__in=["bad_check", "suspicious"], uscc_reviewed_at__isnull=True)
    open_requests = RepairRequest.objects.filter(state__in=["submitted", "reviewing"]).select_related(
        "entry__merchant")
    return render(request, "credit/office.html", {"nav": "credit", "flagged": flagged,
                                                  "open_requests": open_requests})
