"""我的任务 for unit staff (联络员, 单位负责人): what to acknowledge, what to write, what to approve, what came back,
notices and the unit's work items. (Everybody logs in on core's /accounts/login/.)

Every list is one query with its relations joined or prefetched, so the page costs the same for 1 or 100 tasks.
"""
from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iccity.core.policy import requires
from iccity.core import clock
from iccity.core.actions import ActionRefused
from iccity.core.web import back, flash_form_problems, flash_refusal

from . import actions
from .forms import ExtensionForm, ReturnAssignmentForm
from .inbox import notices_of, unread_by_kind, unread_of
from .models import (
    Acknowledgement, AckState, ExtensionRequest, ExtensionState, Notice, Report, ReportEvent, ReportState, WorkItem,
    WorkItemState,
)
from .views_common import Countdown, delivery_view

RECENT_UNREAD = 5  # the home page lists this many unread notices, one line each; the rest are in the centre


# ---------------------------------------------------------------- 我的任务

def _landing_for(actor) -> str | None:
    """People without a unit role have their own queue: task forces review, the office and leaders watch."""
    if actor.units:
        return None
    if actor.task_forces:
        return reverse("delivery:review")
    if actor.office_admin or actor.leader:
        return reverse("delivery:overview")
    return None


def _returned_events() -> Prefetch:
    return Prefetch("events", queryset=ReportEvent.objects.filter(to_state=ReportState.RETURNED)
                    .select_related("actor").order_by("-created_at", "-id"), to_attr="return_events")


@delivery_view
@requires("delivery.view_my_tasks")
def my_tasks(request):
    scope = request.scope
    actor = scope.actor
    landing = _landing_for(actor)
    if landing:
        return redirect(landing)
    today = clock.today()
    countdown = Countdown(today)
    units = actor.units

    acks = list(Acknowledgement.objects.filter(assignment__unit_id__in=units, state=AckState.PENDING)
                .select_related("assignment__task", "assignment__unit").order_by("due_on", "id"))
    for ack in acks:
        ack.countdown = countdown.days(ack.due_on)

    open_reports = (Report.objects.filter(unit_id__in=units, cycle__period_start__lte=today, cycle__closes_on__gte=today)
                    .select_related("cycle", "task", "unit"))
    to_write = list(open_reports.filter(state__in=[ReportState.DRAFT, ReportState.RETURNED])
                    .prefetch_related(_returned_events()).order_by("cycle__due_on", "task__kind", "task__number"))
    for report in to_write:
        report.countdown = countdown.days(report.cycle.due_on)
    returned = [r for r in to_write if r.state == ReportState.RETURNED]
    drafts = [r for r in to_write if r.state == ReportState.DRAFT]

    to_approve = []
    if actor.head_of:
        to_approve = list(Report.objects.filter(unit_id__in=actor.head_of, state=ReportState.SUBMITTED)
                          .select_related("cycle", "task", "unit").order_by("cycle__due_on", "task__number"))

    # notices: counts per kind over all of them and the few newest unread, two queries whatever their number
    unread_kinds = unread_by_kind(request.user, units)
    recent = list(unread_of(request.user, units).select_related("task").order_by("-created_at", "-id")[:RECENT_UNREAD])

    items = list(WorkItem.objects.filter(Q(lead_unit_id__in=units) | Q(co_units__in=units))
                 .exclude(state=WorkItemState.CANCELLED).distinct()
                 .select_related("task", "lead_unit")
                 .prefetch_related(Prefetch("extensions", queryset=ExtensionRequest.objects.order_by("-requested_at")))
                 .order_by("state", "deadline", "id"))
    for item in items:
        item.countdown = countdown.days(item.deadline) if item.state == WorkItemState.ACTIVE else None
        item.is_lead = item.lead_unit_id in units
        item.pending_extension = next((e for e in item.extensions.all() if e.state == ExtensionState.PENDING), None)
    extensions = [e for item in items if item.is_lead for e in item.extensions.all()]

    return render(request, "delivery/my_tasks.html", {
        "nav": "my", "today": today, "acks": acks, "drafts": drafts, "returned": returned, "to_approve": to_approve,
        "unread_kinds": unread_kinds, "unread": sum(k["n"] for k in unread_kinds), "recent_notices": recent, "items": items, "extensions": extensions,
        "return_form": ReturnAssignmentForm(), "extension_form": ExtensionForm(),
    })


# ---------------------------------------------------------------- 签收 / 退回

def _ack_result(request, ack, *, error: str = "", form=None):
    """htmx gets the row back (status 200 even for a refusal: htmx swaps only 2xx, and the row carries the message)."""
    if request.htmx:
        ack = Acknowledgement.objects.select_related("assignment__task", "assignment__unit").get(pk=ack.pk)
        ack.countdown = Countdown().days(ack.due_on)
        return render(request, "delivery/_ack_row.html",
                      {"ack": ack, "error": error, "return_form": form or ReturnAssignmentForm()})
    if error:
        messages.error(request, error)
    return back(request, reverse("delivery:home"))


@require_POST
@delivery_view
def acknowledge(request, pk):
    ack = get_object_or_404(Acknowledgement.objects.select_related("assignment__task", "assignment__unit"), pk=pk)
    decision = request.POST.get("decision", "acknowledge")
    form = ReturnAssignmentForm(request.POST) if decision == "return" else None
    try:
        if decision == "return":
            if not form.is_valid():
                return _ack_result(request, ack, error="；".join(form.errors.get("reason", [])), form=form)
            actions.do_return_assignment(ack, form.cleaned_data["reason"], scope=request.scope)
            messages.success(request, _("已退回 %(key)s，等待办公室改派") % {"key": ack.assignment.task.key})
        else:
            actions.do_acknowledge(ack, scope=request.scope)
            messages.success(request, _("已签收 %(key)s") % {"key": ack.assignment.task.key})
    except ActionRefused as exc:
        if not request.htmx:
            flash_refusal(request, exc)
            return back(request, reverse("delivery:home"))
        return _ack_result(request, ack, error=exc.message, form=form)
    if request.htmx:
        list(messages.get_messages(request))  # the row itself says what happened
    return _ack_result(request, ack)


# ---------------------------------------------------------------- notices

@require_POST
@delivery_view
def mark_notice_read(request, pk):
    units = request.scope.actor.units
    notice = get_object_or_404(Notice.objects.filter(unit_id__in=units) if not request.scope.actor.reads_everything
                               else Notice.objects.all(), pk=pk)
    actions.do_mark_notice_read(notice, scope=request.scope)
    if request.htmx:  # the row, and the bell out of band
        notice = notices_of(request.user, [notice.unit_id]).select_related("unit", "task").get(pk=notice.pk)
        return render(request, "delivery/_notice.html", {"n": notice, "bell_oob": True, "nav": "notices"})
    return back(request, reverse("delivery:notices"))


# ---------------------------------------------------------------- 延期申请 (by the unit leading the item)

@require_POST
@delivery_view
def request_extension(request, pk):
    item = get_object_or_404(WorkItem.objects.select_related("task"), pk=pk)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        flash_form_problems(request, form)
    else:
        try:
            actions.do_request_extension(item, form.cleaned_data["new_deadline"], form.cleaned_data["reason"],
                                         scope=request.scope)
            messages.success(request, _("延期申请已提交，等待审批"))
        except ActionRefused as exc:
            flash_refusal(request, exc)
    return back(request, reverse("delivery:task", args=[item.task_id]))
