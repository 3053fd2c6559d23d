"""Handler pages (login required): my unit's cases, a case with its actions, notices and timeline, workload, and the
CSV export. People of the case's unit (单位负责人, 联络员) and the office see a case; personal data only when
``privacy.can_see_personal_data`` says so. Every change goes through ``actions``; refusals are shown as messages.
"""
from __future__ import annotations

import csv
import datetime as dt
from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from iccity.core import policy
from iccity.core import clock
from iccity.core.actions import ActionRefused
from iccity.core.web import forbidden
from iccity.orgs.models import Role, Unit
from iccity.orgs.permissions import actor_for

from . import states
from .forms import TransitionForm
from .models import Case, CaseNotice
from .views import _csv_safe
from .views_common import live_deadline, open311_status, reason_label, state_label

DUE_SOON_DAYS = 3
# steps whose note is required, and what it holds
NOTE_REQUIRED = {"mediated_agreement": "调解协议内容", "performed_on_spot": "当场履行情况", "registered": "退回理由"}
LIST_LIMIT = 300


def handler_view(view):
    """Anonymous → the unit-staff login; people with neither a unit role nor the office role → Chinese 403."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=reverse("accounts:login"))
        actor = actor_for(request)
        if not policy.may(actor, "complaints.use_workbench"):
            return _forbidden(request, policy.permission("complaints.use_workbench").message)
        request.actor = actor
        return view(request, *args, **kwargs)
    wrapper.required_permission = "complaints.use_workbench"
    return wrapper


def _forbidden(request, message: str):
    return forbidden(request, message, nav="complaints")


def _visible_cases(actor):
    return policy.restrict(Case.objects.select_related("category", "unit", "handler"), actor, "complaints.use_workbench")


def _case_for(request, pk) -> Case:
    case = get_object_or_404(Case.objects.select_related("category", "unit", "handler"), pk=pk)
    if not (request.actor.office_admin or case.unit_id in request.actor.units):
        raise Http404  # don't confirm that another unit's case exists
    return case


def _annotate(case: Case, today: dt.date) -> Case:
    """Attach what the list and detail show: labels, the live legal deadline and the local SLA, kept apart."""
    case.state_text = state_label(case)
    case.is_open = open311_status(case) == "open"
    case.legal_due = live_deadline(case) if case.is_open else None
    case.legal_overdue = bool(case.legal_due and case.legal_due < today)
    case.legal_due_soon = bool(case.legal_due and today <= case.legal_due <= today + dt.timedelta(days=DUE_SOON_DAYS))
    now = clock.now()
    case.sla_overdue = bool(case.is_open and case.first_contact_due and not case.first_contact_at
                            and case.first_contact_due < now)
    case.is_new = case.is_open and case.first_contact_at is None
    return case


@handler_view
def case_list(request):
    actor = request.actor
    today = clock.today()
    show = request.GET.get("show", "open")
    cases = _visible_cases(actor)
    if actor.office_admin and request.GET.get("unit", "").isdigit():
        cases = cases.filter(unit_id=int(request.GET["unit"]))
    query = (request.GET.get("q") or "").strip()[:60]
    if query:
        match = Q(receipt_number__icontains=query) | Q(respondent_name__icontains=query)
        if sum(ch.isdigit() for ch in query) >= 7:
            # exact phone search through the keyed hash; only among cases whose personal data the actor may see,
            # so the search cannot tell anyone else whether a number filed a complaint
            own = Q() if actor.office_admin else (Q(unit_id__in=actor.units) | Q(handler_id=request.user.pk))
            match |= Q(pk__in=Case.objects.with_phone(query).filter(own).values("pk"))
        cases = cases.filter(match)
    # the list shows no personal data: leave the encrypted columns undecrypted (up to 900 rows × 5 fields)
    listed = cases.defer("person_name", "person_phone", "person_id_number", "person_address", "description")
    rows = [_annotate(c, today) for c in listed.order_by("-received_at", "-id")[:LIST_LIMIT * 3]]
    counts = {"open": sum(c.is_open for c in rows), "new": sum(c.is_new for c in rows),
              "due_soon": sum(c.legal_due_soon for c in rows),
              "overdue": sum(c.legal_overdue or c.sla_overdue for c in rows),
              "closed": sum(not c.is_open for c in rows)}
    pick = {"open": lambda c: c.is_open, "new": lambda c: c.is_new, "due_soon": lambda c: c.legal_due_soon,
            "overdue": lambda c: c.legal_overdue or c.sla_overdue, "closed": lambda c: not c.is_open,
            "all": lambda c: True}.get(show, lambda c: c.is_open)
    rows = [c for c in rows if pick(c)][:LIST_LIMIT]
    rows.sort(key=lambda c: (not c.legal_overdue, c.legal_due or dt.date.max, -c.received_at.timestamp()))
    units = Unit.objects.filter(pk__in=Case.objects.values("unit_id")).order_by("name") if actor.office_admin else []
    return render(request, "complaints/case_list.html", {
        "nav": "complaints", "cases": rows, "show": show, "counts": counts, "today": today, "query": query,
        "units": units, "unit_filter": request.GET.get("unit", ""), "is_office": actor.office_admin,
        "tabs": [(key, label, counts.get(key)) for key, label in (
            ("open", "办理中"), ("new", "新案件（未首次联系）"), ("due_soon", f"{DUE_SOON_DAYS}日内到期"),
            ("overdue", "已超期"), ("closed", "已办结"), ("all", "全部"))]})


def _approvers(case: Case):
    """Who may approve (负责人批准): the unit's heads and the office, never the handler themself."""
    users = get_user_model().objects.filter(
        Q(person__roles__role=Role.UNIT_HEAD, person__roles__unit_id=case.unit_id)
        | Q(person__roles__role=Role.OFFICE_ADMIN) | Q(is_superuser=True), is_active=True).distinct()
    return users.order_by("username")


def _action_forms(case: Case) -> list[dict]:
    machine = states.machine_for(case.case_type)
    forms = []
    for step in machine.transitions:
        if step.source != case.state:
            continue
        forms.append({"step": step, "target_label": machine.label(step.target),
                      "reasons": [(code, reason_label(code)) for code in step.reasons],
                      "note_label": NOTE_REQUIRED.get(step.target, "")})
    return forms


@handler_view
def case_detail(request, pk):
    from .privacy import can_see_personal_data, case_for_display

    case = _annotate(_case_for(request, pk), clock.today())
    display = case_for_display(case, request.user)
    events = list(case.events.select_related("actor").order_by("created_at", "id"))
    machine = states.machine_for(case.case_type)
    for event in events:
        event.from_label = machine.label(event.from_state) if event.from_state else ""
        event.to_label = machine.label(event.to_state)
        event.reason_text = reason_label(event.reason_code) if event.reason_code else ""
    action_forms = _action_forms(case)
    return render(request, "complaints/case_detail.html", {
        "nav": "complaints", "case": case, "display": display, "events": events,
        "notices": case.notices.order_by("sent_at", "id"), "action_forms": action_forms,
        "approvers": _approvers(case) if any(f["step"].approval for f in action_forms) else [],
        "sees_personal": can_see_personal_data(request.user, case),
        "linked": Case.objects.filter(pk=case.linked_case_id).first() if case.linked_case_id else None,
        "channels": TransitionForm.base_fields["document_channel"].choices})


@require_POST
@handler_view
def transition(request, pk):
    from . import actions

    case = _case_for(request, pk)
    form = TransitionForm(request.POST)
    target = reverse("complaints:case", args=[case.pk])
    if not form.is_valid():
        messages.error(request, "提交内容不完整，请重试")
        return redirect(target)
    data = form.cleaned_data
    approval_by = None
    if request.POST.get("approval_by", "").isdigit():
        approval_by = _approvers(case).filter(pk=int(request.POST["approval_by"])).first()
    to_state, note, public_note = data["to_state"], data["note"] or "", data["public_note"] or ""
    try:
        # steps with their own action (they store the agreement terms, or clear the unit) use it
        if to_state in ("mediated_agreement", "performed_on_spot"):
            actions.do_record_agreement(case, actor=request.user, terms=note, on_spot=to_state == "performed_on_spot")
        elif to_state == "registered":
            actions.do_return_misrouted(case, note, actor=request.user)
        elif to_state == "closed":
            actions.do_close(case, actor=request.user, outcome_note=note, public_note=public_note)
        else:
            actions.do_transition(case, to_state, actor=request.user, reason_code=data["reason_code"] or "",
                                  note=note, public_note=public_note, lock_version=data["lock_version"],
                                  approval_by=approval_by, document_channel=data["document_channel"] or "internet")
    except ActionRefused as exc:  # ConflictError is an ActionRefused: someone else acted first
        messages.error(request, exc.message)
        return redirect(target)
    except ValueError as exc:  # an illegal jump, as states.check_transition words it
        messages.error(request, str(exc))
        return redirect(target)
    case.refresh_from_db()
    messages.success(request, f"已办理：{state_label(case)}")
    from iccity.core.privacy import contains_personal_data

    from .privacy import complainant

    if public_note and contains_personal_data(public_note, people=[complainant(case)]):
        # the public sees it masked anyway (core.privacy); tell the handler so the habit changes
        messages.warning(request, "对外说明含电话、证件号、银行卡、邮箱或投诉人姓名/地址，公开查询时已自动遮蔽；请避免在对外说明中填写个人信息")
    return redirect(target)


@require_POST
@handler_view
def first_contact(request, pk):
    from .actions import do_record_first_contact

    case = _case_for(request, pk)
    try:
        do_record_first_contact(case, actor=request.user)
        messages.success(request, "已记录首次联系时间")
    except ActionRefused as exc:
        messages.error(request, exc.message)
    return redirect("complaints:case", pk=case.pk)


@handler_view
def notice_docx(request, pk, notice_pk):
    from . import documents

    case = _case_for(request, pk)
    notice = get_object_or_404(CaseNotice, pk=notice_pk, case=case)
    body = documents.render_notice(notice)
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    # RFC 6266: an ASCII fallback plus the UTF-8 Chinese name
    response["Content-Disposition"] = (f'attachment; filename="notice-{notice.pk}.docx"; '
                                       f"filename*=UTF-8''{quote(documents.notice_filename(notice))}")
    return response


@handler_view
def workload(request):
    from .sla import unit_dashboard

    actor = request.actor
    today = clock.today()
    unit_ids = (Case.objects.exclude(unit=None).values("unit_id").distinct() if actor.office_admin else actor.units)
    units = list(Unit.objects.filter(pk__in=unit_ids).order_by("name"))
    dashboard = unit_dashboard(units, today)
    open_q = Q()
    for case_type in states.MACHINES:
        open_q |= Q(case_type=case_type, state__in=states.open_states(case_type))
    per_handler = (_visible_cases(actor).filter(open_q)
                   .values("unit__name", "handler_id", "handler__username")
                   .annotate(open_cases=Count("id"),
                             accept_overdue=Count("id", filter=Q(accept_due__lt=today)),
                             no_contact=Count("id", filter=Q(first_contact_at=None)))
                   .order_by("unit__name", "handler__username"))
    per_handler = _with_handler_names(per_handler)
    return render(request, "complaints/workload.html", {
        "nav": "complaints", "dashboard": dashboard, "per_handler": per_handler, "today": today})


def _with_handler_names(rows) -> list[dict]:
    """Handlers by name and unit (core.words.person_display), never by login name."""
    from django.contrib.auth import get_user_model

    from iccity.core.words import person_display

    rows = list(rows)
    users = get_user_model().objects.in_bulk({r["handler_id"] for r in rows if r["handler_id"]})
    for r in rows:
        r["handler_name"] = person_display(users[r["handler_id"]]) if r["handler_id"] in users else ""
    return rows


EXPORT_COLUMNS = [("receipt_number", "受理编号"), ("case_type", "类型"), ("state", "状态"), ("category", "类别"),
                  ("unit", "承办单位"), ("received_at", "收到时间"), ("accept_due", "受理决定时限"),
                  ("handle_due", "办理时限"), ("first_contact_due", "首次联系时限（本地）"),
                  ("respondent_name", "经营者"), ("respondent_uscc", "统一社会信用代码"),
                  ("person_name", "投诉/举报人"), ("person_phone", "电话")]
PERSONAL_COLUMNS = [("person_id_type", "证件类型"), ("person_id_number", "证件号码"), ("person_address", "地址")]


@handler_view
def export_csv(request):
    """Masked by default; the office may ask for personal data (``personal=1``), and that export is audited."""
    from iccity.core.actions import record_audit

    from iccity.core.privacy import mask_name, mask_phone

    actor = request.actor
    personal = request.GET.get("personal") == "1"
    if personal and not actor.office_admin:
        return _forbidden(request, "仅领导小组办公室可导出含个人信息的数据")
    columns = EXPORT_COLUMNS + (PERSONAL_COLUMNS if personal else [])
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="complaints-{clock.today()}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([label for _, label in columns])
    cases = _visible_cases(actor).order_by("-received_at", "-id")
    count = 0
    for case in cases.iterator(chunk_size=500):
        values = {
            "receipt_number": case.receipt_number, "case_type": case.get_case_type_display(),
            "state": state_label(case), "category": case.category.name, "unit": case.unit.name if case.unit_id else "",
            "received_at": clock_local(case.received_at), "accept_due": case.accept_due or "",
            "handle_due": case.handle_due or "", "first_contact_due": clock_local(case.first_contact_due),
            "respondent_name": case.respondent_name, "respondent_uscc": case.respondent_uscc,
            "person_name": case.person_name if personal else mask_name(case.person_name),
            "person_phone": case.person_phone if personal else mask_phone(case.person_phone),
            "person_id_type": case.person_id_type, "person_id_number": case.person_id_number,
            "person_address": case.person_address,
        }
        writer.writerow([_csv_safe(values[key]) for key, _ in columns])
        count += 1
    if personal:
        record_audit(request.user, "complaints.export.personal", None, after={"rows": count},
                     note="导出含个人信息的投诉举报数据")
    return response


def clock_local(moment) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""
