"""Review before import (issue 14): the office sees the source text beside the parsed items, low-confidence first,
fixes titles, units, roles and deadlines, splits or merges items, then commits the version."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iccity.core.policy import requires

from .actions import do_commit_draft, do_correct_draft, do_discard_draft, low_confidence
from .models import ImportDraft


def _segments(text: str, names: list[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is_unit_name) so the template can mark unit names without building HTML."""
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(text):
        hit = min(((text.find(n, i), n) for n in names if n and text.find(n, i) >= 0), default=None)
        if hit is None:
            out.append((text[i:], False))
            break
        start, name = hit
        if start > i:
            out.append((text[i:start], False))
        out.append((name, True))
        i = start + len(name)
    return out


@requires("plans.import_plan")
def review(request, pk: int):
    draft = get_object_or_404(ImportDraft, pk=pk)
    tasks = draft.parsed.get("tasks") or []
    low = {row["index"]: row for row in low_confidence(draft.parsed, draft.threshold)}
    names = sorted({u["name"] for t in tasks for u in t.get("units") or []}, key=len, reverse=True)
    starts = sorted((t.get("line") or 0, n) for n, t in enumerate(tasks) if t.get("line"))
    owner: dict[int, int] = {}
    for k, (line, n) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else line + 8
        for number in range(line, end):
            owner[number] = n
    lines = [{"number": i, "segments": _segments(text, names), "item": owner.get(i),
              "low": owner.get(i) in low} for i, text in enumerate(draft.source_lines, start=1) if text.strip()]
    order = [*low, *(n for n in range(len(tasks)) if n not in low)]
    items = [{"index": n, "task": tasks[n], "low": low.get(n), "sentences": list(enumerate([tasks[n]["title"], *(tasks[n].get("measures") or [])]))}
             for n in order]
    return render(request, "plans/review.html", {
        "nav": "versions", "draft": draft, "lines": lines, "items": items, "low_count": len(low),
        "roles": [("lead", _("牵头")), ("co", _("配合"))],
    })


@requires("plans.import_plan")
@require_POST
def correct(request, pk: int):
    draft = get_object_or_404(ImportDraft, pk=pk)
    op = request.POST.get("op", "")
    try:
        index = int(request.POST.get("index", "-1"))
        units = [{"name": n, "role": r} for n, r in zip(request.POST.getlist("unit_name"),
                                                          request.POST.getlist("unit_role"))]
        do_correct_draft(draft, op, index, actor=request.user, title=request.POST.get("title", ""), units=units,
                         deadline=request.POST.get("deadline", ""), at=int(request.POST.get("at", "1") or 1))
    except ValueError as exc:
        messages.error(request, _("未能更正：%(msg)s") % {"msg": str(exc)})
    else:
        messages.success(request, _("已保存更正"))
    return redirect(reverse("plans:review", args=[draft.pk]) + f"#item-{request.POST.get('index', '')}")


@requires("plans.import_plan")
@require_POST
def commit(request, pk: int):
    from .views import _after_import

    draft = get_object_or_404(ImportDraft, pk=pk)
    if request.POST.get("discard"):
        try:
            do_discard_draft(draft, actor=request.user)
        except ValueError as exc:
            messages.error(request, str(exc))
        return redirect("plans:home")
    try:
        outcome = do_commit_draft(draft, actor=request.user)
    except ValueError as exc:
        messages.error(request, _("未能导入：%(msg)s") % {"msg": str(exc)})
        return redirect("plans:review", draft.pk)
    return _after_import(request, outcome)
