"""Every state change of a complaint / report case (one transaction each, audited, logged as ``CaseEvent``).

Transitions are conditional UPDATEs on (state, lock_version): of two handlers acting at once exactly one wins and the
other gets a ``ConflictError``. A served document becomes a ``CaseNotice`` numbered ``西青市监〔2026〕第N号`` under a
lock, so numbers never repeat. Deadlines come from the ``core.Rule`` versions in force on the receipt date; the rule
used is stored in ``Case.deadline_rules`` ({key: {rule_id, version, value, from, extension}}) so it can be re-checked.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets

from django.db import connection, transaction
from django.db.models import F

from iccity.core import clock, policy
from iccity.core.actions import ActionRefused, ConflictError, record_audit
from iccity.core.calendar import CalendarDataMissing, WorkdayCalendar, as_local_date
from iccity.core.deadlines import compute_deadline, rule_from_value
from iccity.orgs.models import Unit, UnitAlias
from iccity.orgs.permissions import Actor

from . import documents, states
from .models import Case, CaseEvent, CaseNotice, Category, RoutingRule
from .rules import (ACCEPT_DECISION, DOCUMENT_NUMBER, FIRST_CONTACT, LIMITATION, MEDIATION_LIMIT, ODR_NEGOTIATION,
                    REPORT_DECISION, REPORT_VERIFICATION)
from iccity.core.rules import RuleMissing, rule_in_force
from .submission import validate_submission

DISTRICT_BUREAU = "区市场监管局"
FOLLOW_UP_RESULTS = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意",
                     "unreachable": "未能联系"}
_NUMBER_LOCK = 0x1CC17_315  # advisory lock id for receipt and document numbers (PostgreSQL)
# Which stored field each deadline key fills.
_DUE_FIELD = {ACCEPT_DECISION: "accept_due", REPORT_VERIFICATION: "accept_due", MEDIATION_LIMIT: "handle_due",
              REPORT_DECISION: "handle_due"}


class SubmissionInvalid(ActionRefused):
    """The submission has errors; ``errors`` is {field: [Chinese messages]}."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("提交内容有误：" + "；".join(f"{m}" for msgs in errors.values() for m in msgs))


# -- helpers -------------------------------------------------------------------------------------------------------------


def as_actor(actor) -> Actor | None:
    """Actions accept an ``Actor``, a user, or None (the system: registration, jobs)."""
    if actor is None or isinstance(actor, Actor):
        return actor
    return Actor.for_user(actor)


def _user(actor):
    actor = as_actor(actor)
    return actor.user if actor is not None else None


def _require_handler(actor, case: Case) -> None:
    """Actions without an actor are the system's own (registration, jobs)."""
    if actor is not None:
        policy.check(as_actor(actor), "complaints.handle_case", case)


def _require_office(actor) -> None:
    if actor is not None:
        policy.check(as_actor(actor), "complaints.assign_case")


def _lock_numbering() -> None:
    # SQLite runs atomic blocks as BEGIN IMMEDIATE (settings), which already admits one writer at a time.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_NUMBER_LOCK])


def _next_receipt_numbers(day: dt.date, count: int) -> list[str]:
    prefix = f"XQ{day:%Y%m%d}"
    latest = (Case.objects.filter(receipt_number__startswith=prefix).order_by("-receipt_number")
              .values_list("receipt_number", flat=True).first())
    start = int(latest[len(prefix):]) + 1 if latest else 1
    return [f"{prefix}{n:05d}" for n in range(start, start + count)]


def issue_document_number(on: dt.date) -> str:
    """The next ``西青市监〔年〕第N号`` (one sequence per year for every document type). Call inside a transaction."""
    _lock_numbering()
    prefix = rule_in_force(DOCUMENT_NUMBER, on).value.get("prefix", "西青市监")
    head = f"{prefix}〔{on.year}〕第"
    numbers = CaseNotice.objects.filter(document_number__startswith=head).values_list("document_number", flat=True)
    seq = max((int(m[1]) for m in (re.search(r"第(\d+)号$", n) for n in numbers) if m), default=0) + 1
    return f"{head}{seq}号"


def _pauses(case: Case, now: dt.datetime | None = None) -> list[tuple[dt.datetime, dt.datetime]]:
    spans = [(dt.datetime.fromisoformat(s), dt.datetime.fromisoformat(e)) for s, e in case.pauses or []]
    if case.paused_since is not None:
        spans.append((case.paused_since, now or clock.now()))
    return spans


def _start_deadline(case: Case, key: str, start: dt.datetime, *, extension: int = 0) -> None:
    """Record the rule version in force on the receipt date and compute the due date from ``start``."""
    row = rule_in_force(key, as_local_date(case.received_at))
    case.deadline_rules = {**(case.deadline_rules or {}), key: {
        "rule_id": row.pk, "version": row.version, "value": row.value, "from": start.isoformat(),
        "extension": extension}}
    _recompute(case, keys=[key])


def case_due(case: Case, key: str, *, now: dt.datetime | None = None, calendar: WorkdayCalendar | None = None):
    """The due date of a recorded deadline with the case's pauses (an ongoing one ends ``now``).
    Raises ``CalendarDataMissing`` for a year without holiday data."""
    entry = case.deadline_rules[key]
    rule = rule_from_value(entry["value"])
    if entry.get("extension"):
        rule = rule_from_value({**entry["value"], "amount": rule.amount + entry["extension"]})
    pauses = [] if key in (FIRST_CONTACT, ODR_NEGOTIATION) else _pauses(case, now)  # these clocks never stop
    return compute_deadline(dt.datetime.fromisoformat(entry["from"]), rule, pauses=pauses, calendar=calendar)


def _recompute(case: Case, keys=None) -> None:
    calendar = WorkdayCalendar()
    for key in keys or [k for k in case.deadline_rules if k in _DUE_FIELD]:
        try:
            due = case_due(case, key, calendar=calendar)
        except CalendarDataMissing:
            due = None
            if "CALENDAR_MISSING" not in case.flags:
                case.flags = [*case.flags, "CALENDAR_MISSING"]
        if key in _DUE_FIELD:
            setattr(case, _DUE_FIELD[key], due)
        elif key == FIRST_CONTACT:
            case.first_contact_due = due
        elif key == ODR_NEGOTIATION:
            case.handle_due = due


def _event(case, action, from_state, to_state, actor, *, reason_code="", note="", public_note=""):
    return CaseEvent.objects.create(case=case, action=action, from_state=from_state, to_state=to_state,
                                    actor=_user(actor), reason_code=reason_code, note=note,
                                    public_note=public_note[:300], created_at=clock.now())


# -- registration --------------------------------------------------------------------------------------------------------


def do_register_case(data: dict, *, actor=None, channel: str = "web", extra_flags=()) -> list[Case]:
    """Validate and register a submission; a complaint-and-report ("both") becomes two linked cases. Each case is
    routed (or sent to ODR negotiation when ``odr`` is set). Raises ``SubmissionInvalid``. ``extra_flags``: flags
    the caller judged (the public page's anti-stuffing check)."""
    # Public: anybody may file (SAMR Order 121); no right to check, the submission rules are the limits.
    received_at, today = clock.now(), clock.today()
    try:
        years = int(rule_in_force(LIMITATION, today).value.get("years", 3))
    except RuleMissing:  # the validator's default (3 years) is the law's value
        years = 3
    cleaned, errors, flags = validate_submission(data, today=today, limitation_years=years)
    flags = list(flags) + [f for f in extra_flags if f not in flags]
    category = Category.objects.filter(code=cleaned["category"], active=True).first() if cleaned["category"] else None
    if cleaned["category"] and category is None:
        errors.setdefault("category", []).append("投诉举报类别不存在")
    if errors:
        raise SubmissionInvalid(errors)
    types = ["complaint", "report"] if cleaned["case_type"] == "both" else [cleaned["case_type"]]
    only_complaint, only_report = {"ART16_4_LIKELY", "IDENTITY_TO_VERIFY"}, {"ANONYMOUS_REPORT"}
    fields = {k: cleaned[k] for k in (
        "anonymous", "person_name", "person_phone", "person_id_type", "person_id_number", "person_address",
        "consent_publish", "respondent_name", "respondent_uscc", "respondent_address", "respondent_phone", "town",
        "business_district", "lat", "long", "occurred_on", "amount", "description", "requests", "media_url")}
    with transaction.atomic():
        _lock_numbering()
        cases = []
        for case_type, number in zip(types, _next_receipt_numbers(today, len(types))):
            skip = only_report if case_type == "complaint" else only_complaint
            case = Case(receipt_number=number, case_type=case_type, state="registered", category=category,
                        channel=channel, received_at=received_at, lookup_token=secrets.token_urlsafe(24),
                        consent_entrusted_mediation=cleaned["consent_entrusted_mediation"] and case_type == "complaint",
                        flags=[f for f in flags if f not in skip], created_at=received_at, **fields)
            if case_type == "report":
                case.requests = []
            _start_deadline(case, ACCEPT_DECISION if case_type == "complaint" else REPORT_VERIFICATION, received_at)
            if not case.anonymous and not (cleaned["odr"] and case_type == "complaint"):
                _start_deadline(case, FIRST_CONTACT, received_at)
            case.save()
            _event(case, "register", "", "registered", actor, note=f"来源渠道：{channel}",
                   public_note="已收到您的" + ("投诉" if case_type == "complaint" else "举报"))
            record_audit(_user(actor), "complaints.case.registered", case,
                         after={"receipt_number": number, "case_type": case_type, "category": category.code,
                                "flags": case.flags})
            cases.append(case)
        if len(cases) == 2:  # 分别处理: each half points at the other
            Case.objects.filter(pk=cases[0].pk).update(linked_case=cases[1])
            Case.objects.filter(pk=cases[1].pk).update(linked_case=cases[0])
            cases[0].linked_case, cases[1].linked_case = cases[1], cases[0]
        routed = []
        for case in cases:
            if cleaned["odr"] and case.case_type == "complaint":
                case = _move(case, "odr_negotiating", None, note="被投诉人为ODR企业，先行协商")
                _start_deadline(case, ODR_NEGOTIATION, clock.now())
                Case.objects.filter(pk=case.pk).update(handle_due=case.handle_due, deadline_rules=case.deadline_rules)
                routed.append(case)
            else:
                routed.append(do_route(case, actor=None))
        return routed


# -- routing -------------------------------------------------------------------------------------------------------------


def route_target(case: Case) -> tuple[Unit | None, str]:
    """First matching RoutingRule by priority; else the category's (or its parents') default unit; else the district
    market-regulation bureau. Returns the unit and the reason in Chinese."""
    lineage, category = [], case.category
    while category is not None and len(lineage) < 10:
        lineage.append(category)
        category = category.parent
    ids = [c.pk for c in lineage]
    for rule in RoutingRule.objects.select_related("unit", "category").order_by("priority", "id"):
        if rule.town and rule.town != case.town:
            continue
        if rule.business_district and rule.business_district != case.business_district:
            continue
        if rule.category_id and rule.category_id not in ids:
            continue
        return rule.unit, f"按分派规则（优先级{rule.priority}：{rule}）"
    for category in lineage:
        if category.default_unit_id:
            return category.default_unit, f"按类别“{category.name}”的默认承办单位"
    bureau = (Unit.objects.filter(name=DISTRICT_BUREAU).first()
              or Unit.objects.filter(pk__in=UnitAlias.objects.filter(alias__in=["区市场监督管理局", DISTRICT_BUREAU])
                                     .values("unit")).first())
    if bureau is not None:
        return bureau, "无匹配的分派规则和类别默认单位，由区市场监管局承办"
    return None, "未找到承办单位（单位名录中没有区市场监管局），待人工分派"


def do_route(case: Case, *, actor) -> Case:
    """Assign the responsible unit and hand the case over (complaint → 分送, report → 核查)."""
    _require_office(actor)
    target = {"complaint": "forwarded", "report": "verifying"}[case.case_type]
    if case.state not in ("registered", "odr_failed"):
        raise ActionRefused(f"案件当前状态为“{states.state_label(case.case_type, case.state)}”，不能再分派")
    unit, reason = route_target(case)
    if unit is None:
        with transaction.atomic():
            _event(case, "route_failed", case.state, case.state, actor, note=reason)
            record_audit(_user(actor), "complaints.case.route_failed", case, note=reason)
        return case
    return _move(case, target, actor, note=reason, updates={"unit": unit}, check_actor=False)


def do_reassign(case: Case, unit: Unit, *, actor, note: str = "") -> Case:
    """The office assigns another unit (after a return, or to correct a routing)."""
    _require_office(actor)
    if case.state in ("registered", "odr_failed"):
        target = {"complaint": "forwarded", "report": "verifying"}[case.case_type]
        return _move(case, target, actor, note=note or f"改派至{unit.name}", updates={"unit": unit}, action="reassign",
                     check_actor=False)
    if states.machine_for(case.case_type).state(case.state).open311 == "closed":
        raise ActionRefused("案件已办结，不能改派")
    return _update_in_place(case, actor, "reassign", {"unit": unit, "handler": None}, note=note or f"改派至{unit.name}")


def do_return_misrouted(case: Case, reason: str, *, actor) -> Case:
    """The unit sends a case outside its remit back to the office for re-routing (reason required)."""
    if not reason.strip():
        raise ActionRefused("退回须说明理由")
    return _move(case, "registered", actor, note=reason, updates={"unit": None, "handler": None})


# -- the generic transition -----------------------------------------------------------------------------------------------


def _approver_ok(approval_by, case: Case, actor) -> Actor:
    approver = as_actor(approval_by)
    if approver is None or approver.user is None:
        raise ActionRefused("该事项须经负责人批准，请选择批准人")
    if actor is not None and _user(actor) is not None and approver.user.pk == _user(actor).pk:
        raise ActionRefused("批准人不能是承办人本人")
    if not (approver.office_admin or case.unit_id in approver.head_of):
        raise ActionRefused("批准人须为承办单位负责人")
    return approver


def _move(case: Case, to_state: str, actor, *, reason_code: str = "", note: str = "", public_note: str = "",
          lock_version: int | None = None, approval_by=None, document_channel: str = "internet",
          updates: dict | None = None, action: str | None = None, check_actor: bool = True) -> Case:
    with transaction.atomic():
        fresh = Case.objects.select_for_update(of=("self",)).select_related("unit").get(pk=case.pk)
        if fresh.state != case.state or (lock_version is not None and lock_version != fresh.lock_version):
            label = states.state_label(fresh.case_type, fresh.state)
            raise ConflictError(f"该案件已被他人处理，当前状态为“{label}”，请刷新后再看")
        try:
            step = states.check_transition(fresh.case_type, fresh.state, to_state, reason_code)
        except ValueError as exc:
            raise ActionRefused(str(exc)) from None
        if check_actor:
            _require_handler(actor, fresh)
        approval_note = ""
        if step.approval:
            approver = _approver_ok(approval_by, fresh, actor)
            approval_note = f"经{approver.user.get_full_name() or approver.user.get_username()}批准"
        now, source, expected_lock = clock.now(), fresh.state, fresh.lock_version
        for name, value in (updates or {}).items():
            setattr(fresh, name, value)
        changed = {"state", "lock_version", *(updates or {})}
        machine = states.machine_for(fresh.case_type)
        target = machine.state(to_state)
        if fresh.paused_since is not None and target.clock != states.PAUSED:
            fresh.pauses = [*fresh.pauses, [fresh.paused_since.isoformat(), now.isoformat()]]
            fresh.paused_since = None
            _recompute(fresh)
            changed |= {"pauses", "paused_since", "accept_due", "handle_due", "flags"}
        elif target.clock == states.PAUSED and fresh.paused_since is None:
            fresh.paused_since, changed = now, changed | {"paused_since"}
        if source == "odr_negotiating":
            fresh.handle_due, changed = None, changed | {"handle_due"}  # the ODR limit no longer applies
        if to_state == "accepted":
            _start_deadline(fresh, MEDIATION_LIMIT, now)
        elif to_state == "case_opened":
            _start_deadline(fresh, REPORT_DECISION, now)
        if to_state in ("accepted", "case_opened"):
            changed |= {"deadline_rules", "handle_due", "flags"}
        if step.reasons:
            fresh.reason_code, changed = reason_code, changed | {"reason_code"}
        if target.open311 == "closed" and fresh.closed_at is None:
            fresh.closed_at, changed = now, changed | {"closed_at"}
        if fresh.handler_id is None and actor is not None and _user(actor) is not None and "handler" not in (updates or {}):
            if fresh.unit_id in as_actor(actor).units:
                fresh.handler, changed = _user(actor), changed | {"handler"}
        values = {name: getattr(fresh, name) for name in changed - {"lock_version", "handler", "unit"}}
        values.update({f"{n}_id": getattr(fresh, f"{n}_id") for n in ("handler", "unit") if n in changed})
        values["state"], values["lock_version"] = to_state, F("lock_version") + 1
        if not Case.objects.filter(pk=fresh.pk, state=source, lock_version=expected_lock).update(**values):
            raise ConflictError("该案件已被他人处理，请刷新后再看")
        fresh = Case.objects.select_related("unit", "category").get(pk=fresh.pk)
        full_note = "；".join(n for n in (approval_note, note) if n)
        _event(fresh, action or step.action, source, to_state, actor, reason_code=reason_code, note=full_note,
               public_note=public_note or step.label)
        if step.document:
            _serve(fresh, step.document, actor, reason_code=reason_code, note=note, channel=document_channel)
        record_audit(_user(actor), f"complaints.case.{action or step.action}", fresh,
                     before={"state": source}, after={"state": to_state, "reason_code": reason_code,
                                                      "unit": fresh.unit.name if fresh.unit_id else None},
                     note=full_note)
        return fresh


def _serve(case: Case, document_type: str, actor, *, reason_code: str, note: str, channel: str) -> CaseNotice | None:
    recipient = documents.notice_recipient(case, document_type)
    if not recipient:
        return None  # an anonymous reporter cannot be served; the event records the step
    number = issue_document_number(clock.today())
    content = documents.notice_body(case, document_type, reason_code, note, unit_name=case.unit.name if case.unit_id else "")
    return CaseNotice.objects.create(case=case, document_type=document_type, document_number=number, channel=channel,
                                     sent_at=clock.now(), recipient=recipient, content=content,
                                     created_by=_user(actor))


def _update_in_place(case: Case, actor, action: str, updates: dict, *, note: str = "", lock_version=None) -> Case:
    """A change without a state transition (first contact, report pause, reassignment), still lock-checked."""
    with transaction.atomic():
        fresh = Case.objects.get(pk=case.pk)
        if fresh.state != case.state or (lock_version is not None and lock_version != fresh.lock_version):
            raise ConflictError("该案件已被他人处理，请刷新后再看")
        values = {(f"{k}_id" if k in ("unit", "handler") else k): (v.pk if hasattr(v, "pk") else v)
                  for k, v in updates.items()}
        if not Case.objects.filter(pk=fresh.pk, lock_version=fresh.lock_version).update(
                lock_version=F("lock_version") + 1, **values):
            raise ConflictError("该案件已被他人处理，请刷新后再看")
        fresh = Case.objects.select_related("unit", "category").get(pk=fresh.pk)
        _event(fresh, action, fresh.state, fresh.state, actor, note=note)
        record_audit(_user(actor), f"complaints.case.{action}", fresh, after={k: str(v) for k, v in updates.items()},
                     note=note)
        return fresh


def do_transition(case: Case, to_state: str, *, actor, reason_code: str = "", note: str = "", public_note: str = "",
                  lock_version: int | None = None, approval_by=None, document_channel: str = "internet") -> Case:
    """Move a case along its state machine (``states.py``); refuses illegal steps, missing reasons or approvals."""
    return _move(case, to_state, actor, reason_code=reason_code, note=note, public_note=public_note,
                 lock_version=lock_version, approval_by=approval_by, document_channel=document_channel)


# -- specific steps ------------------------------------------------------------------------------------------------------


def do_accept(case: Case, *, actor, note: str = "", lock_version=None) -> Case:
    return do_transition(case, "accepted", actor=actor, note=note, lock_version=lock_version)


def do_reject(case: Case, reason_code: str, *, actor, note: str = "", lock_version=None) -> Case:
    return do_transition(case, "rejected", actor=actor, reason_code=reason_code, note=note, lock_version=lock_version)


def do_start_mediation(case: Case, *, actor, entrusted: bool = False, mediator: str = "", note: str = "") -> Case:
    """Mediation by the bureau, or entrusted (委托调解) to a consumer association — only with the complainant's consent."""
    updates = {}
    if entrusted:
        if not case.consent_entrusted_mediation:
            raise ActionRefused("投诉人未同意委托调解，不能委托其他组织调解")
        if not mediator.strip():
            raise ActionRefused("委托调解须写明受委托的组织")
        updates["flags"] = [*[f for f in case.flags if f != "ENTRUSTED_MEDIATION"], "ENTRUSTED_MEDIATION"]
        note = "；".join(n for n in (f"委托{mediator}调解", note) if n)
    return _move(case, "mediating", actor, note=note, updates=updates)


def do_terminate_mediation(case: Case, reason_code: str, *, actor, note: str = "") -> Case:
    return do_transition(case, "mediation_terminated", actor=actor, reason_code=reason_code, note=note)


def do_record_agreement(case: Case, *, actor, terms: str, on_spot: bool = False) -> Case:
    if not terms.strip():
        raise ActionRefused("请填写调解协议内容或履行情况")
    target = "performed_on_spot" if on_spot else "mediated_agreement"
    return _move(case, target, actor, note=terms, updates={"outcome_note": terms})


def do_close(case: Case, *, actor, outcome_note: str = "", public_note: str = "") -> Case:
    updates = {"outcome_note": outcome_note} if outcome_note else {}
    return _move(case, "closed", actor, note=outcome_note, public_note=public_note or "已办结", updates=updates)


def do_follow_up(case: Case, result: str, *, actor, note: str = "") -> Case:
    """回访 after closing (new in Order 121): satisfied / basically_satisfied / dissatisfied / unreachable."""
    if result not in FOLLOW_UP_RESULTS:
        raise ActionRefused(f"回访结果应为{'、'.join(FOLLOW_UP_RESULTS.values())}之一")
    text = "；".join(t for t in (f"回访结果：{FOLLOW_UP_RESULTS[result]}", note) if t)
    return _move(case, "follow_up_done", actor, note=text, public_note="已回访",
                 updates={"outcome_note": "\n".join(t for t in (case.outcome_note, text) if t)})


def do_record_first_contact(case: Case, *, actor) -> Case:
    """The local fast-response SLA: when the handler first reached the complainant."""
    _require_handler(actor, case)
    if case.first_contact_at is not None:
        raise ActionRefused("已记录首次联系时间")
    return _update_in_place(case, actor, "first_contact", {"first_contact_at": clock.now()}, note="首次联系投诉（举报）人")


def do_pause(case: Case, *, actor, reason: str) -> Case:
    """Stop the legal clock for appraisal / testing (检定、检验、检测、鉴定): the deadline moves by the paused days."""
    if not reason.strip():
        raise ActionRefused("中止计时须说明理由")
    if case.case_type == "complaint":
        return _move(case, "appraisal_pending", actor, note=reason)
    _require_handler(actor, case)
    if case.state not in ("verifying", "investigating", "case_opened") or case.paused_since is not None:
        raise ActionRefused("只有核查或调查中的举报可以中止计时")
    return _update_in_place(case, actor, "pause", {"paused_since": clock.now()}, note=reason)


def do_resume(case: Case, *, actor, note: str = "") -> Case:
    if case.case_type == "complaint":
        return _move(case, "mediating", actor, note=note or "恢复计时")
    _require_handler(actor, case)
    if case.paused_since is None:
        raise ActionRefused("该案件未中止计时")
    probe = Case.objects.get(pk=case.pk)
    probe.pauses = [*probe.pauses, [probe.paused_since.isoformat(), clock.now().isoformat()]]
    probe.paused_since = None
    _recompute(probe)
    return _update_in_place(case, actor, "resume", {"pauses": probe.pauses, "paused_since": None,
                                                    "accept_due": probe.accept_due, "handle_due": probe.handle_due,
                                                    "flags": probe.flags}, note=note or "恢复计时")


def do_extend_verification(case: Case, *, actor, approver, reason: str) -> Case:
    """举报 verification +N working days (行政处罚程序规定 Art. 18), approved by someone other than the handler,
    before the original limit runs out, once."""
    _require_handler(actor, case)
    if case.case_type != "report" or case.state != "verifying":
        raise ActionRefused("只有核查中的举报可以延长核查期限")
    if not reason.strip():
        raise ActionRefused("延长核查期限须说明理由")
    approved = _approver_ok(approver, case, actor)
    entry = dict(case.deadline_rules[REPORT_VERIFICATION])
    if entry.get("extension"):
        raise ActionRefused("核查期限已延长过一次，不能再延长")
    if case.accept_due is not None and case.accept_due < clock.today():
        raise ActionRefused("核查期限已届满，不能再批准延长")
    entry["extension"] = int(entry["value"].get("extension", 0))
    if not entry["extension"]:
        raise ActionRefused("现行规则不允许延长核查期限")
    probe = Case.objects.get(pk=case.pk)
    probe.deadline_rules = {**probe.deadline_rules, REPORT_VERIFICATION: entry}
    _recompute(probe, keys=[REPORT_VERIFICATION])
    who = approved.user.get_full_name() or approved.user.get_username()
    return _update_in_place(case, actor, "extend_verification",
                            {"deadline_rules": probe.deadline_rules, "accept_due": probe.accept_due},
                            note=f"经{who}批准延长{entry['extension']}个工作日：{reason}")


def do_merge(case: Case, into: Case, *, actor, note: str = "") -> Case:
    """A repeated report is merged into an earlier one (both stay; the merged one points at ``into``)."""
    if case.case_type != "report" or into.case_type != "report":
        raise ActionRefused("只有举报可以合并处理；重复投诉请按第16条第2项不予受理")
    if into.pk == case.pk or into.state == "merged":
        raise ActionRefused("不能合并到自身或已被合并的举报")
    return _move(case, "merged", actor, note=note or f"合并至{into.receipt_number}", updates={"linked_case": into})
