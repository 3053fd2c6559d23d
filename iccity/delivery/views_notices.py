"""The notification centre (通知中心) and notice preferences (通知偏好): a person's notices grouped by kind or by
task, unread first, paged, filtered; mark one, a group or all read; choose per channel how notices reach them.

Everything works as plain GET pages and POST forms that redirect back; htmx only swaps the changed part in place.
A person sees only the notices of their own units and only their own preferences.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from iccity.core import clock
from iccity.core.actions import ActionRefused
from iccity.core.web import back, flash_refusal

from . import actions
from .inbox import KIND_LABELS, KIND_ORDER, notices_of
from .models import NoticeChannel, NoticeKind, NoticeMode
from .preferences import ALWAYS_INAPP, RULES, preferences_of
from .rules import digest_time
from .views_common import delivery_view

PAGE_SIZE = 20
GROUPS = {"kind": gettext_lazy("按类型"), "task": gettext_lazy("按任务")}
STATES = {"all": gettext_lazy("全部"), "unread": gettext_lazy("未读"), "read": gettext_lazy("已读")}
NO_TASK = "none"


def _filters(request) -> dict:
    get = request.GET
    task = get.get("task", "")
    return {
        "group": get.get("group") if get.get("group") in GROUPS else "kind",
        "state": get.get("state") if get.get("state") in STATES else "all",
        "kind": get.get("kind") if get.get("kind") in NoticeKind.values else "",
        "task": task if task.isdigit() or task == NO_TASK else "",
    }


def _groups(base, group: str) -> list[dict]:
    """Every group of the person's notices with its total and unread count (one query over all of them)."""
    counts = dict(total=Count("id"), unread=Count("id", filter=Q(is_read=False)))
    if group == "kind":
        rows = {r["kind"]: r for r in base.order_by().values("kind").annotate(**counts)}
        return [{"key": k.value, "label": k.label, "param": "kind", **rows[k.value]} for k in KIND_ORDER if k.value in rows]
    rows = (base.order_by().values("task_id", "task__key", "task__title", "task__kind", "task__number").annotate(**counts)
            .order_by(F("task__kind").asc(nulls_last=True), F("task__number").asc(nulls_last=True)))
    return [{"key": str(r["task_id"]) if r["task_id"] else NO_TASK, "param": "task", "total": r["total"],
             "unread": r["unread"],
             "label": f"{r['task__key']} {r['task__title']}" if r["task_id"] else _("未关联任务")} for r in rows]


def _section(n, group: str) -> str:
    """The heading a notice falls under on the page: unread or read, then its kind or task."""
    head = _("未读") if not n.is_read else _("已读")
    if group == "kind":
        return f"{head} · {KIND_LABELS.get(n.kind, n.kind)}"
    return f"{head} · {n.task.key} {n.task.title}" if n.task_id else f"{head} · {_('未关联任务')}"


@delivery_view
def notice_centre(request):
    actor = request.scope.actor
    f = _filters(request)
    base = notices_of(request.user, actor.units)
    groups = _groups(base, f["group"])
    listed = base.select_related("unit", "task")
    if f["state"] != "all":
        listed = listed.filter(is_read=f["state"] == "read")
    if f["kind"]:
        listed = listed.filter(kind=f["kind"])
    if f["task"] == NO_TASK:
        listed = listed.filter(task__isnull=True)
    elif f["task"]:
        listed = listed.filter(task_id=int(f["task"]))
    if f["group"] == "kind":
        listed = listed.order_by("is_read", "kind_rank", "-created_at", "-id")
    else:
        listed = listed.order_by("is_read", F("task__kind").asc(nulls_last=True), F("task__number").asc(nulls_last=True),
                                 "-created_at", "-id")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    for n in page:
        n.section = _section(n, f["group"])
    query = {k: v for k, v in f.items() if v and k != "group" and not (k == "state" and v == "all")}
    return render(request, "delivery/notices.html", {
        "nav": "notices", "page": page, "groups": groups, "filters": f, "query": query,
        "unread_total": sum(g["unread"] for g in groups), "total": sum(g["total"] for g in groups),
        "group_choices": GROUPS, "state_choices": STATES, "kind_choices": [(k.value, k.label) for k in KIND_ORDER],
        "has_units": bool(actor.units),
    })


@require_POST
@delivery_view
def mark_all_read(request):
    kind = request.POST.get("kind", "")
    task = request.POST.get("task", "")
    try:
        n = actions.do_mark_notices_read(scope=request.scope, kind=kind or None,
                                         task_id=int(task) if task.isdigit() else None, no_task=task == NO_TASK)
        messages.success(request, _("已将 %(n)s 条通知标为已读") % {"n": n})
    except ActionRefused as exc:
        flash_refusal(request, exc)
    return back(request, reverse("delivery:notices"))


@delivery_view
def notice_preferences(request):
    user = request.user
    if request.method == "POST":
        choices = {c.value: request.POST.get(c.value, "") for c in NoticeChannel if request.POST.get(c.value)}
        try:
            actions.do_set_notice_preferences(choices, scope=request.scope)
            messages.success(request, _("通知偏好已保存"))
            return redirect("delivery:notice_preferences")
        except ActionRefused as exc:
            flash_refusal(request, exc)
    current = preferences_of(user)
    person = getattr(user, "person", None)  # RelatedObjectDoesNotExist is an AttributeError
    personal = list(person.notice_channels.filter(active=True).order_by("kind", "id")) if person else []
    rows = [{"channel": c.value, "label": c.label, "mode": current[c.value],
             "modes": [(m.value, m.label) for m in NoticeMode],
             "channels": [p for p in personal if p.kind == c.value]} for c in NoticeChannel]
    return render(request, "delivery/notice_preferences.html", {
        "nav": "notices", "rows": rows, "rules": RULES, "always_inapp": [NoticeKind(k).label for k in ALWAYS_INAPP],
        "inapp": NoticeChannel.INAPP.value, "digest_time": digest_time(clock.today()),
    })
