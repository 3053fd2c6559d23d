"""HTTP API of the credit app (mounted under /api/credit/): the public disclosure list, read-only. The rows are
built by ``disclosure.public_row`` (the same as the page), so the API can never show more than the page."""
from __future__ import annotations

from ninja import Router

from .disclosure import public_entries, public_row
from .models import ListKind

router = Router(tags=["信用公示"])


@router.get("/disclosures", summary="正在公示的信用信息（仅法人数据，个人信息已遮蔽）")
def disclosures(request, kind: str = "", q: str = "", offset: int = 0, limit: int = 100):
    kind = kind if kind in ListKind.values else ""
    limit = max(1, min(limit, 500))
    entries = public_entries(list_kind=kind, query=q.strip()[:60])
    return {"count": entries.count(), "items": [public_row(e) for e in entries[max(offset, 0):max(offset, 0) + limit]]}
