"""Public complaint pages: the intake form (phone first), the receipt, case lookup, and the disclosure metrics.

Nothing here saves a case directly: the form goes through ``submission.validate_submission`` and
``actions.do_register_case``. Spam controls need no outside service: honeypot, minimum fill time, per-IP limits,
a body-size cap. Handler pages are in ``views_handler``.
"""
from __future__ import annotations

import csv
import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from iccity.core import clock, ratelimit
from iccity.core.policy import requires
from iccity.core.actions import ActionRefused
from iccity.core.privacy import mask_public_text
from iccity.core.publicforms import body_too_large, consume_started, release_started

from .forms import IntakeForm, TrackForm
from .models import Case, CaseEvent, CaseType

RECEIPTS_SESSION_KEY = "complaints_receipts"
MEDIATION_SUCCESS = ("mediated_agreement", "performed_on_spot")
MEDIATION_FAILED = ("mediation_terminated",)


def _refuse(request, template: str, context: dict, message: str, status: int):
    context = {**context, "refusal": message}
    return render(request, template, context, status=status)


@sensitive_post_parameters("person_name", "person_phone", "person_id_number", "person_address", "description")
@require_http_methods(["GET", "POST"])
@requires("complaints.file")
def intake(request):
    context = {"nav": "complaints"}
    if request.method == "GET":
        return render(request, "complaints/intake.html", {**context, "form": IntakeForm()})
    if body_too_large(request):
        return _refuse(request, "complaints/intake.html", {**context, "form": IntakeForm()},
                       "提交内容过大，请精简后再提交", 413)
    if not ratelimit.hit(ratelimit.PUBLIC_SUBMIT, ratelimit.client_ip(request)):
        return _refuse(request, "complaints/intake.html", {**context, "form": IntakeForm()},
                       "提交过于频繁，请10分钟后再试；紧急情况请拨打12315", 429)

    form = IntakeForm(request.POST)
    fresh = {"started": IntakeForm().initial["started"]}  # a re-shown form gets a new start time
    spam = form.spam_error()
    if spam:
        return _refuse(request, "complaints/intake.html", {**context, "form": _redisplay(request, fresh)}, spam, 400)

    from .actions import SubmissionInvalid, do_register_case
    from .submission import validate_submission

    submission = form.submission()
    errors: dict = {}
    if not form.is_valid():  # Django's own checks (lengths, choices); show the core's messages alongside
        errors = validate_submission(submission, today=clock.today())[1]
    else:

        replay = consume_started(request.POST.get("started", ""))  # single use: a replayed form is refused
        if replay:
            return _refuse(request, "complaints/intake.html", {**context, "form": _redisplay(request, fresh)},
                           replay, 400)
        try:
            cases = do_register_case(submission, channel="web", extra_flags=_bulk_flags(request))
        except SubmissionInvalid as exc:
            release_started(request.POST.get("started", ""))  # nothing written: the corrected form may use it
            errors = exc.errors
        except ActionRefused as exc:
            release_started(request.POST.get("started", ""))
            return _refuse(request, "complaints/intake.html", {**context, "form": _redisplay(request, fresh)},
                           exc.message, 400)
    if errors or form.errors:
        form = _redisplay(request, fresh)
        form.is_valid()
        for field, messages in errors.items():
            target = field if field in form.fields else None
            if target:  # the core's message speaks for the field; Django's generic "required" would repeat it
                form.errors.pop(field, None)
            for message in messages:
                if message not in form.errors.get(field, []):
                    form.add_error(target, message)
        return render(request, "complaints/intake.html", {**context, "form": form}, status=400)
    request.session[RECEIPTS_SESSION_KEY] = [
        {"receipt_number": c.receipt_number, "lookup_token": c.lookup_token, "case_type": c.get_case_type_display(),
         "accept_due": c.accept_due.isoformat() if c.accept_due else ""} for c in cases]
    return redirect("complaints:receipt")


def _bulk_flags(request) -> list[str]:
    """Flag the submission when its address already sent the rule's number of complaints today (counted in the
    shared cache): it is registered as usual, but stays out of the disclosure until a handler accepts it."""
    from iccity.core.rules import rule_in_force

    from .rules import ANTI_STUFFING

    today = clock.today()
    threshold = int(rule_in_force(ANTI_STUFFING, today).value["flag_from_per_address_per_day"])
    key = f"iccity:intake:day:{ratelimit.hashed(ratelimit.client_ip(request))}:{today.isoformat()}"
    return ["BULK_SUBMISSION"] if ratelimit.incr(key, 2 * 86400) >= threshold else []


def _redisplay(request, fresh: dict) -> IntakeForm:
    data = request.POST.copy()
    data.update(fresh)
    data["website"] = ""
    return IntakeForm(data)


def receipt(request):
    receipts = request.session.get(RECEIPTS_SESSION_KEY)
    if not receipts:
        return redirect("complaints:new")
    for item in receipts:
        item["accept_due_date"] = dt.date.fromisoformat(item["accept_due"]) if item.get("accept_due") else None
    return render(request, "complaints/receipt.html", {"nav": "complaints", "receipts": receipts})


@sensitive_post_parameters("phone_last4", "token")
@require_http_methods(["GET", "POST"])
@requires("complaints.track")
def track(request):
    """Lookup by receipt number + the phone's last 4 digits, or by the lookup token. POST keeps the token out of logs."""
    context = {"nav": "complaints"}
    if request.method == "GET":
        return render(request, "complaints/track.html", {**context, "form": TrackForm()})
    if body_too_large(request, 4096):
        return _refuse(request, "complaints/track.html", {**context, "form": TrackForm()}, "提交内容过大", 413)
    if not ratelimit.hit(ratelimit.PUBLIC_TRACK, ratelimit.client_ip(request)):
        # guessing 4 digits is cheap; the limit makes it slow
        return _refuse(request, "complaints/track.html", {**context, "form": TrackForm()},
                       "查询过于频繁，请稍后再试", 429)
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "complaints/track.html", {**context, "form": form}, status=400)
    case = _find_case(form.cleaned_data)
    if case is None:
        # the same answer whichever part was wrong
        return _refuse(request, "complaints/track.html", {**context, "form": form},
                       "未找到对应的案件，请核对受理编号和电话后4位（或查询凭证）", 404)
    from .privacy import public_case_view

    view = public_case_view(case)
    linked = Case.objects.filter(pk=case.linked_case_id).first() if case.linked_case_id else None
    return render(request, "complaints/track.html", {**context, "form": TrackForm(), "case_view": view,
                                                     "case": case, "linked": linked})


def _find_case(data: dict) -> Case | None:
    if data.get("token"):
        return Case.objects.filter(lookup_token=data["token"].strip()).exclude(lookup_token="").first()
    case = Case.objects.filter(receipt_number=data["receipt_number"].strip()).first()
    digits = "".join(ch for ch in (case.person_phone if case else "") if ch.isdigit())
    if case and len(digits) >= 4 and digits[-4:] == data["phone_last4"]:
        return case
    return None


# ---------------------------------------------------------------- disclosure (公示)

def _period(request) -> tuple[dt.date, dt.date, str]:
    today = clock.today()
    error = ""
    try:
        end = dt.date.fromisoformat(request.GET.get("end") or today.isoformat())
        start = dt.date.fromisoformat(request.GET.get("start") or (end - dt.timedelta(days=89)).isoformat())
    except ValueError:
        end, start, error = today, today - dt.timedelta(days=89), "日期格式应为 YYYY-MM-DD，已显示最近90天"
    if start > end or (end - start).days > 366 * 3:
        end, start, error = today, today - dt.timedelta(days=89), "期间无效（须起止有序且不超过3年），已显示最近90天"
    return start, end, error


def _bounds(start: dt.date, end: dt.date):
    from django.utils import timezone

    low = timezone.make_aware(dt.datetime.combine(start, dt.time()))
    high = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
    return low, high


def disclosure_rows(start: dt.date, end: dt.date) -> list[dict]:
    """Per business: complaints in the period, growth vs the previous period of the same length, and the mediation
    success rate (达成协议 + 当场履行 over all finished mediations). Only cases whose complainant consented."""
    length = end - start + dt.timedelta(days=1)
    prev_low, _ = _bounds(start - length, start)
    low, high = _bounds(start, end)
    events = CaseEvent.objects.filter(case=OuterRef("pk"))
    # a complaint flagged as bulk (anti-stuffing) counts only once a handler has accepted it
    unverified = Q(flags__icontains="BULK_SUBMISSION") & ~Exists(events.filter(to_state="accepted"))
    cases = (Case.objects.filter(case_type=CaseType.COMPLAINT, consent_publish=True,
                                 received_at__gte=prev_low, received_at__lt=high).exclude(unverified)
             .annotate(succeeded=Exists(events.filter(to_state__in=MEDIATION_SUCCESS)),
                       failed=Exists(events.filter(to_state__in=MEDIATION_FAILED)))
             .values("respondent_name", "respondent_uscc", "received_at", "succeeded", "failed")
             .order_by("received_at"))
    by_business: dict[str, dict] = {}
    for row in cases:
        key = row["respondent_uscc"] or row["respondent_name"].strip()
        entry = by_business.setdefault(key, {"name": row["respondent_name"], "uscc": row["respondent_uscc"],
                                             "count": 0, "previous": 0, "succeeded": 0, "finished": 0})
        if row["received_at"] < low:
            entry["previous"] += 1
            continue
        entry["name"] = row["respondent_name"]  # the latest spelling
        entry["count"] += 1
        if row["succeeded"]:
            entry["succeeded"] += 1
        if row["succeeded"] or row["failed"]:
            entry["finished"] += 1
    rows = []
    for entry in by_business.values():
        if not entry["count"]:
            continue
        entry["growth"] = (entry["count"] - entry["previous"]) / entry["previous"] if entry["previous"] else None
        entry["success_rate"] = entry["succeeded"] / entry["finished"] if entry["finished"] else None
        rows.append(entry)
    rows.sort(key=lambda e: (-e["count"], e["name"]))
    return rows


def disclosure(request):
    start, end, error = _period(request)
    rows = disclosure_rows(start, end)
    return render(request, "complaints/disclosure.html", {
        "nav": "complaints", "rows": rows, "start": start, "end": end, "period_error": error,
        "csv_url": reverse("complaints:disclosure_csv") + f"?start={start}&end={end}"})


def _percent(value) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def disclosure_csv(request):
    start, end, _ = _period(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="disclosure-{start}-{end}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer = csv.writer(response)
    writer.writerow(["经营者名称", "统一社会信用代码", "期间起", "期间止", "投诉量", "上期投诉量", "增长率", "调解成功率",
                     "调解办结数"])
    for row in disclosure_rows(start, end):
        writer.writerow([_csv_safe(v) for v in (mask_public_text(row["name"]), row["uscc"], start, end, row["count"],
                                                 row["previous"], _percent(row["growth"]), _percent(row["success_rate"]), row["finished"])])
    return response


def _csv_safe(text: str) -> str:
    """A cell starting with = + - @ runs as a formula in Excel (CSV injection): one escaping function (core.exports)."""
    from iccity.core.exports import safe_cell

    return safe_cell(str(text or ""))
