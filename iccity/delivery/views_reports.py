"""A report: the fill-in form (draft, evidence, submit), read-only revisions with the event timeline, the unit head's
and the reviewers' decisions (also inline from the review queue, ``views_review``), evidence download.

Optimistic locking: the form carries ``lock_version``; a stale form gets the action's ConflictError message and the
page shows the user's typed text again, so nothing is lost.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iccity.core import clock
from iccity.core.actions import ActionRefused, ConflictError
from iccity.core.web import back, flash_refusal

from . import actions
from .actions.evidence import can_download, evidence_path
from .forms import DecisionForm, ReportForm, parse_figures
from .models import Evidence, Report, ReportRevision, WorkItem, WorkItemState
from .permissions import Perm, allowed, check, visible_reports
from .queue import decorate, page_queryset
from .registry import badges_for
from .views_common import Countdown, delivery_view

SAFE_FALLBACK_TYPE = "application/octet-stream"
INLINE_DANGEROUS = ("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml")


def _report_qs():
    return Report.objects.select_related("cycle", "task", "unit")


def frozen_revisions() -> Prefetch:
    """Submitted revisions, newest first, with evidence: what people outside the unit may read."""
    return Prefetch("revisions", to_attr="frozen",
                    queryset=ReportRevision.objects.filter(submitted_at__isnull=False).select_related("author")
                    .prefetch_related("completed_items",
                                      Prefetch("evidence", queryset=Evidence.objects.select_related("file")))
                    .order_by("-number"))


def _revisions(report: Report, own_unit: bool) -> list[ReportRevision]:
    qs = (report.revisions.select_related("author")
          .prefetch_related("completed_items", Prefetch("evidence", queryset=Evidence.objects.select_related("file", "uploaded_by")))
          .order_by("number"))
    if not own_unit:
        qs = qs.filter(submitted_at__isnull=False)  # another unit's draft is never shown
    return list(qs)


def _task_items(report: Report) -> list[WorkItem]:
    return list(WorkItem.objects.filter(task_id=report.task_id, state__in=[WorkItemState.ACTIVE, WorkItemState.DONE])
                .order_by("deadline", "id"))


def _initial(revision: ReportRevision | None, report: Report) -> dict:
    data = {"lock_version": report.lock_version}
    if revision is not None:
        data.update(narrative=revision.narrative, progress=revision.progress, problems=revision.problems,
                    next_steps=revision.next_steps, completed_items=[i.pk for i in revision.completed_items.all()])
    return data


def _figure_rows(figures: list[dict], blanks: int = 1) -> list[dict]:
    return list(figures) + [{"name": "", "value": "", "unit": ""}] * blanks


@delivery_view
def report_detail(request, pk):
    scope = request.scope
    report = get_object_or_404(_report_qs(), pk=pk)
    check(scope, Perm.VIEW_REPORT, report)
    if request.method == "POST":
        return _save(request, report)
    return _render_report(request, report)


def _render_report(request, report: Report, *, form: ReportForm | None = None, figures=None, errors=(), status=200):
    scope = request.scope
    today = clock.today()
    own_unit = report.unit_id in scope.actor.units
    revisions = _revisions(report, own_unit)
    can_edit = allowed(scope, Perm.EDIT_REPORT, report) and today <= report.cycle.closes_on
    shown = None
    wanted = request.GET.get("rev", "")
    if wanted.isdigit():
        shown = next((r for r in revisions if r.number == int(wanted)), None)
        if shown is None:
            raise Http404(_("没有这个版本"))
    editing = (can_edit or form is not None) and (shown is None or not shown.is_frozen)
    if not editing and shown is None and revisions:
        shown = revisions[-1]
    latest = revisions[-1] if revisions else None
    draft = latest if latest is not None and not latest.is_frozen else None
    items = _task_items(report)
    if editing and form is None:
        form = ReportForm(initial=_initial(latest, report), items=items)
        figures = _figure_rows(latest.figures if latest else [])
    others = []
    if report.is_lead:  # the lead unit consolidates: it sees the co-units' reports that have been sent up
        others = list(visible_reports(scope, _report_qs().filter(cycle_id=report.cycle_id, task_id=report.task_id))
                      .exclude(pk=report.pk).prefetch_related(frozen_revisions()).order_by("unit__sort_order"))
    events = list(report.events.select_related("actor", "revision"))
    # badges from apps above delivery (e.g. 质量提示) describe the latest submitted revision
    current = next((r for r in reversed(revisions) if r.is_frozen), None)
    badge_groups = badges_for([report]).get(report.pk, [])  # asked always, so the page's query count stays flat
    if current is None or shown != current:
        badge_groups = []
    decision = DecisionForm(initial={"lock_version": report.lock_version})
    return render(request, "delivery/report.html", {
        "nav": "my", "report": report, "revisions": revisions, "shown": shown, "editing": editing, "form": form,
        "can_edit": can_edit, "figures": figures, "errors": errors, "draft": draft, "latest": latest, "others": others,
        "events": events, "countdown": Countdown(today).days(report.cycle.due_on), "items": items,
        "can_unit_approve": allowed(scope, Perm.UNIT_APPROVE, report),
        "can_review": allowed(scope, Perm.REVIEW, report), "decision": decision, "badge_groups": badge_groups,
    }, status=status)


def _save(request, report: Report):
    """Save the draft (and attach files); with ``action=submit`` also submit it. Refusals re-show the typed text."""
    scope = request.scope
    items = _task_items(report)
    form = ReportForm(request.POST, items=items)
    figures, figure_errors = parse_figures(request.POST)
    action = request.POST.get("action", "save")
    if action == "add_row":  # without JavaScript: show the typed text again with two more blank rows
        return _render_report(request, report, form=form, figures=_figure_rows(figures, 2))
    if not form.is_valid() or figure_errors:
        errors = [e for errs in form.errors.values() for e in errs] + figure_errors
        return _render_report(request, report, form=form, figures=_figure_rows(figures), errors=errors, status=400)
    data = form.action_data()
    data["figures"] = figures
    try:
        actions.do_save_draft(report, data, scope=scope, lock_version=form.cleaned_data["lock_version"])
    except (ActionRefused, PermissionDenied) as exc:
        message = getattr(exc, "message", None) or str(exc)
        fresh = _report_qs().get(pk=report.pk)
        # Let a deliberate second click save over the newer version: the page now carries the current lock.
        form.data = form.data.copy()
        form.data["lock_version"] = fresh.lock_version
        return _render_report(request, fresh, form=form, figures=_figure_rows(figures), errors=[message],
                              status=409 if isinstance(exc, ConflictError) else 400 if isinstance(exc, ActionRefused) else 403)
    file_errors = []
    for upload in request.FILES.getlist("files"):
        try:
            actions.do_attach_evidence(report, upload.name, upload.read(), scope=scope)
        except ActionRefused as exc:
            file_errors.append(f"{upload.name}：{exc.message}")
    for error in file_errors:
        messages.error(request, error)
    if action == "submit" and not file_errors:
        fresh = Report.objects.get(pk=report.pk)
        try:
            actions.do_submit_report(report, scope=scope, lock_version=fresh.lock_version)
        except ActionRefused as exc:
            flash_refusal(request, exc)
        else:
            messages.success(request, _("报告已提交，等待单位负责人审核"))
            return redirect(reverse("delivery:report", args=[report.pk]))
    elif not file_errors:
        messages.success(request, _("草稿已保存"))
    return redirect(reverse("delivery:report", args=[report.pk]) + "#report-form")


@require_POST
@delivery_view
def remove_evidence(request, pk):
    evidence = get_object_or_404(Evidence.objects.select_related("revision__report"), pk=pk)
    report = evidence.revision.report
    try:
        actions.do_remove_evidence(evidence, scope=request.scope)
        messages.success(request, _("已删除佐证材料 %(name)s") % {"name": evidence.original_name})
    except ActionRefused as exc:
        flash_refusal(request, exc)
    return redirect(reverse("delivery:report", args=[report.pk]) + "#evidence")


@delivery_view
def download_evidence(request, pk):
    """404 when the caller may not read the report: whether the file exists is itself not disclosed."""
    evidence = get_object_or_404(Evidence.objects.select_related("file", "revision__report"), pk=pk)
    if not can_download(request.scope, evidence):
        raise Http404(_("没有找到该文件"))
    report = evidence.revision.report
    if evidence.revision.submitted_at is None and report.unit_id not in request.scope.actor.units:
        raise Http404(_("没有找到该文件"))
    path = evidence_path(evidence.file)
    if not path.exists():
        raise Http404(_("文件已丢失，请联系管理员"))
    media_type = evidence.file.media_type or SAFE_FALLBACK_TYPE
    if media_type.split(";")[0].strip().lower() in INLINE_DANGEROUS:
        media_type = SAFE_FALLBACK_TYPE
    if media_type.startswith("text/"):
        media_type += "; charset=utf-8"
    response = FileResponse(path.open("rb"), as_attachment=True, filename=evidence.original_name, content_type=media_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- decisions

def _decide(request, pk, *, reviewer: bool):
    scope = request.scope
    report = get_object_or_404(_report_qs(), pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "") or ""
    lock = form.cleaned_data.get("lock_version")
    decision = request.POST.get("decision", "")
    error = ""
    try:
        if reviewer:
            if decision not in ("accept", "return"):
                raise ActionRefused(_("请选择通过或退回"))
            report = actions.do_review(report, decision == "accept", comment, scope=scope, lock_version=lock)
            done = _("已通过") if decision == "accept" else _("已退回，单位将收到修改意见")
        else:
            if decision == "approve":
                report = actions.do_unit_approve(report, scope=scope, lock_version=lock, comment=comment)
                done = _("已审核通过，报送专班/办公室")
            elif decision == "return":
                report = actions.do_unit_return(report, comment, scope=scope, lock_version=lock)
                done = _("已退回填报人修改")
            else:
                raise ActionRefused(_("请选择审核通过或退回"))
    except ActionRefused as exc:
        error, done = exc.message, ""
    if request.htmx:  # the review queue swaps just this report's card
        report = decorate(scope, [page_queryset(Report.objects.filter(pk=report.pk)).get()])[0]
        return render(request, "delivery/_review_card.html", {
            "r": report, "error": error, "done": done, "comment": comment if error else "",
            "here": request.POST.get("next") or reverse("delivery:review"),
        })
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return back(request, reverse("delivery:report", args=[report.pk]))


@require_POST
@delivery_view
def unit_decision(request, pk):
    return _decide(request, pk, reviewer=False)


@require_POST
@delivery_view
def review_decision(request, pk):
    return _decide(request, pk, reviewer=True)
