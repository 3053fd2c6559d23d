"""State changes of the credit app: each a do_* function, one transaction, with an audit record."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from iccity.core import policy
from iccity.core.validation import parse_amount, uscc_status
from iccity.core import clock
from iccity.core.actions import ActionRefused, ConflictError, record_audit
from iccity.core.timefmt import doc_date

from .models import CreditCommitment, EntityKind, ListEntry, ListKind, Merchant, RepairRequest
from .rules import periods_for

USCC_CHECK_LABELS = {"valid": "校验通过", "bad_check": "校验位不符，待人工核对",
                     "suspicious": "结构异常（登记管理部门或机构类别），待人工核对", "": "未填写"}


def normalise_uscc(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


@transaction.atomic
def do_register_merchant(name: str, *, uscc: str = "", kind: str = EntityKind.LEGAL, operator_name: str = "",
                         actor=None) -> Merchant:
    """A USCC that is not 18 code characters is refused; a wrong check digit or odd structure is stored and
    flagged for manual review (registers have typos, and some early pilot codes are legal yet fail the checksum)."""
    name = (name or "").strip()
    if not name:
        raise ActionRefused("请填写市场主体名称")
    if kind not in EntityKind.values:
        raise ActionRefused("主体类型不正确")
    if kind == EntityKind.INDIVIDUAL_BUSINESS and not (operator_name or "").strip():
        # needed so the public pages can mask the operator's name wherever it appears
        raise ActionRefused("个体工商户须填写经营者姓名（不公开，用于公示时遮蔽个人信息）")
    code = normalise_uscc(uscc)
    check = ""
    if code:
        check = uscc_status(code)
        if check == "bad_format":
            raise ActionRefused("统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）")
        if Merchant.objects.filter(uscc=code).exists():
            raise ActionRefused(f"统一社会信用代码{code}已登记")
    merchant = Merchant.objects.create(name=name, kind=kind, uscc=code, uscc_check=check,
                                       operator_name=(operator_name or "").strip())
    record_audit(actor, "credit.merchant.registered", merchant,
                 after={"name": name, "kind": kind, "uscc": code, "uscc_check": check},
                 note=USCC_CHECK_LABELS[check] if check != "valid" else "")
    return merchant


@transaction.atomic
def do_review_uscc(merchant: Merchant, *, confirmed: bool, note: str, actor) -> Merchant:
    """The office's manual check of a flagged code: confirmed as issued (e.g. an early pilot code) or corrected
    elsewhere; either way the flag is cleared with the reviewer's note."""
    policy.check_actor(actor, "credit.manage")
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    if merchant.uscc_check not in ("bad_check", "suspicious"):
        raise ActionRefused("该代码无需人工核对")
    if not (note or "").strip():
        raise ActionRefused("请填写核对意见（如：经登记机关核实，为早期试点代码）")
    merchant.uscc_reviewed_at = clock.now()
    merchant.uscc_review_note = ("确认有效：" if confirmed else "确认有误：") + note.strip()
    merchant.save(update_fields=["uscc_reviewed_at", "uscc_review_note"])
    record_audit(actor, "credit.merchant.uscc_reviewed", merchant, after={"note": merchant.uscc_review_note})
    return merchant


@transaction.atomic
def do_record_commitment(merchant: Merchant, *, kind: str, text: str, signed_on: dt.date, is_public: bool = True,
                         actor=None) -> CreditCommitment:
    if kind not in CreditCommitment.Kind.values:
        raise ActionRefused("承诺类型不正确")
    if not (text or "").strip():
        raise ActionRefused("请填写承诺内容")
    if signed_on > clock.today():
        raise ActionRefused("承诺日期不能晚于今天")
    commitment = CreditCommitment.objects.create(merchant=merchant, kind=kind, text=text.strip(), signed_on=signed_on,
                                                 is_public=is_public)
    record_audit(actor, "credit.commitment.recorded", commitment, after={"kind": kind, "signed_on": str(signed_on)})
    return commitment


def _wan(value, label: str) -> Decimal | None:
    """An amount typed in 元 → stored in 万元 exactly (the 双公示 format publishes 万元; never mix the two)."""
    amount, error = parse_amount(value)
    if error:
        raise ActionRefused(f"{label}：{error}")
    return None if amount is None else amount / Decimal(10000)


@transaction.atomic
def do_register_entry(merchant: Merchant, *, list_kind: str, decision_number: str, decision_date: dt.date,
                      authority: str, legal_basis: str, violation_type: str, severity: str = "", facts: str = "",
                      penalty: str = "", fine_yuan=None, confiscation_yuan=None, authority_uscc: str = "",
                      data_source_unit: str = "", valid_until: dt.date | None = None, actor=None) -> ListEntry:
    """Register a decision. Publication dates come from the rule version in force on the decision date and are
    stored with that version. Future decision dates are refused; so is a list entry without its legal basis."""
    if list_kind not in ListKind.values:
        raise ActionRefused("信用信息类别不正确")
    for value, label in ((decision_number, "决定文书号"), (authority, "决定机关"), (legal_basis, "依据"),
                         (violation_type, "违法行为类型/认定事由")):
        if not (value or "").strip():
            raise ActionRefused(f"请填写{label}")
    if decision_date > clock.today():
        raise ActionRefused("决定日期不能晚于今天")
    if list_kind != ListKind.PENALTY:
        severity = ""
    if ListEntry.objects.filter(list_kind=list_kind, decision_number=decision_number.strip()).exists():
        raise ActionRefused(f"决定文书号{decision_number}已登记")
    periods = periods_for(list_kind, severity, decision_date, valid_until=valid_until)
    entry = ListEntry.objects.create(
        merchant=merchant, list_kind=list_kind, severity=severity, decision_number=decision_number.strip(),
        decision_date=decision_date, authority=authority.strip(), authority_uscc=normalise_uscc(authority_uscc),
        legal_basis=legal_basis.strip(), violation_type=violation_type.strip(), facts=(facts or "").strip(),
        penalty=(penalty or "").strip(), fine_wan=_wan(fine_yuan, "罚款金额"),
        confiscation_wan=_wan(confiscation_yuan, "没收金额"), data_source_unit=(data_source_unit or "").strip(),
        valid_until=valid_until if list_kind == ListKind.INCENTIVE else None,
        rule_version=periods.rule_version, published=periods.published, publish_from=periods.publish_from,
        repair_from=periods.repair_from, publish_until=periods.publish_until,
        created_by=actor if getattr(actor, "is_authenticated", False) else None)
    record_audit(actor, "credit.entry.registered", entry, after={
        "merchant": merchant.pk, "list_kind": list_kind, "severity": severity, "decision_date": str(decision_date),
        "rule_version": periods.rule_version, "published": periods.published,
        "publish_until": str(periods.publish_until), "repair_from": str(periods.repair_from)})
    return entry


@transaction.atomic
def do_revoke_entry(entry: ListEntry, *, reason: str, actor) -> ListEntry:
    """The decision was revoked (复议、诉讼或自行纠正): publication stops at once."""
    policy.check_actor(actor, "credit.manage")
    entry = ListEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.revoked_on:
        raise ActionRefused("该决定已撤销")
    if not (reason or "").strip():
        raise ActionRefused("请填写撤销依据")
    entry.revoked_on = clock.today()
    entry.removal_reason = f"决定撤销：{reason.strip()}"
    entry.save(update_fields=["revoked_on", "removal_reason"])
    record_audit(actor, "credit.entry.revoked", entry, after={"revoked_on": str(entry.revoked_on)}, note=reason)
    return entry


@transaction.atomic
def do_submit_repair(entry: ListEntry, *, commitment: CreditCommitment, obligations_met: bool, statement: str = "",
                     actor=None) -> RepairRequest:
    """信用修复 / 提前移出: only for entries that can be repaired, from ``repair_from`` on, with obligations met
    and a public credit commitment by the same party; one open request at a time."""
    entry = ListEntry.objects.select_for_update().get(pk=entry.pk)
    today = clock.today()
    status = entry.status(today)
    if status in ("revoked", "removed", "expired"):
        raise ActionRefused(f"该信息{entry.status_label()}，无需修复")
    if entry.repair_from is None:
        raise ActionRefused(f"{entry.get_list_kind_display()}不适用信用修复")
    if today < entry.repair_from:
        raise ActionRefused(f"最短公示期未满：{doc_date(entry.repair_from)}起方可申请")
    if not obligations_met:
        raise ActionRefused("须已履行法定义务、纠正失信行为后方可申请信用修复")
    if commitment.merchant_id != entry.merchant_id:
        raise ActionRefused("信用承诺须由被公示主体本身作出")
    if not commitment.is_public:
        raise ActionRefused("信用修复须作出公开的信用承诺")
    if entry.repair_requests.filter(state__in=[RepairRequest.State.SUBMITTED, RepairRequest.State.REVIEWING]).exists():
        raise ActionRefused("已有未办结的修复申请")
    request = RepairRequest.objects.create(entry=entry, commitment=commitment, submitted_on=today,
                                           obligations_met=True, statement=(statement or "").strip())
    record_audit(actor, "credit.repair.submitted", request, after={"entry": entry.pk, "submitted_on": str(today)})
    return request


def _move(request: RepairRequest, frm: tuple, to: str, **fields) -> RepairRequest:
    """Conditional update on the state: of two reviewers acting at once, exactly one wins."""
    updated = RepairRequest.objects.filter(pk=request.pk, state__in=frm).update(state=to, **fields)
    if not updated:
        raise ConflictError("该申请的状态已被他人更新，请刷新后再试")
    return RepairRequest.objects.get(pk=request.pk)


@transaction.atomic
def do_start_repair_review(request: RepairRequest, *, actor) -> RepairRequest:
    policy.check_actor(actor, "credit.manage")
    if request.state != RepairRequest.State.SUBMITTED:
        raise ActionRefused("只有已提交的申请可以开始审核")
    request = _move(request, (RepairRequest.State.SUBMITTED,), RepairRequest.State.REVIEWING,
                    review_started_at=clock.now())
    record_audit(actor, "credit.repair.review_started", request)
    return request


@transaction.atomic
def do_decide_repair(request: RepairRequest, *, approve: bool, reason: str, actor) -> RepairRequest:
    """Approval removes the entry from publication today (publication, sharing and measures stop); a rejection
    needs its reason. Either way the reason is kept."""
    policy.check_actor(actor, "credit.manage")
    if request.state != RepairRequest.State.REVIEWING:
        raise ActionRefused("请先开始审核，再作出决定")
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused("请填写决定理由")
    to = RepairRequest.State.APPROVED if approve else RepairRequest.State.REJECTED
    request = _move(request, (RepairRequest.State.REVIEWING,), to, decided_at=clock.now(), decision_reason=reason,
                    decided_by=actor if getattr(actor, "is_authenticated", False) else None)
    if approve:
        entry = ListEntry.objects.select_for_update().get(pk=request.entry_id)
        entry.removed_on = clock.today()
        entry.removal_reason = f"信用修复（申请{request.pk}）：{reason}"
        entry.save(update_fields=["removed_on", "removal_reason"])
        record_audit(actor, "credit.entry.removed", entry, after={"removed_on": str(entry.removed_on)}, note=reason)
    record_audit(actor, f"credit.repair.{to}", request, note=reason)
    return request
