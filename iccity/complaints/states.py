"""The two legal workflows as data: complaints (投诉, mediated) and reports (举报, investigated), under SAMR Order 121.

Pages, the API, actions and tests read these tables; nothing else decides whether a step is allowed.

- ``State.clock``: ``running`` (a legal time limit counts), ``paused`` (entering starts a pause, leaving ends it and
  extends the deadline: identity material, ODR negotiation, appraisal), ``stopped`` (finished; nothing counts).
- ``State.open311``: ``open`` / ``closed`` for Open311 GeoReport v2 ``status``.
- ``Transition``: reason codes required (``reasons``), approval by another person required (``approval``), the
  document served (``document``, a ``CaseNotice``). A 举报 is never mediated: the report machine has no such state.
"""
from __future__ import annotations

from dataclasses import dataclass

RUNNING, PAUSED, STOPPED = "running", "paused", "stopped"

# -- legal reason codes ------------------------------------------------------------------------------------------------

# Order 121 Art. 16 (不予受理), primary.
ART16 = {
    "ART16_1": "不属于市场监督管理部门职责，或者本行政机关不具有处理权限",
    "ART16_2": "法院、仲裁机构、其他行政机关或者消费者协会等已经受理或者处理过同一消费者权益争议",
    "ART16_3": "不是为生活消费需要购买、使用商品或者接受服务，或者不能证明与被投诉人之间存在消费者权益争议",
    "ART16_4": "投诉人知道或者应当知道自己的权益受到被投诉人侵害之日起超过三年",
    "ART16_5": "未提供本办法第十条第一款和第十一条规定的材料，或者提供的材料不真实",
    "ART16_6": "冒用他人名义投诉，或者拒绝进行实名核验",
    "ART16_7": "法律、法规、规章规定不予受理的其他情形",
}
# Order 121 Art. 23 ¶1 (终止调解), primary.
ART23 = {
    "ART23_1": "投诉人撤回投诉或者双方自行和解",
    "ART23_2": "投诉人或者被投诉人无正当理由不参加调解，或者被投诉人明确拒绝调解",
    "ART23_3": "经组织调解，投诉人或者被投诉人明确表示无法达成调解协议",
    "ART23_4": "投诉人和被投诉人对委托承担检定、检验、检测、鉴定工作的技术机构或者费用承担无法协商一致",
    "ART23_5": "自投诉受理之日起六十日内投诉人和被投诉人未能达成调解协议",
    "ART23_6": "发现本办法第十六条或者第四十二条规定情形",
    "ART23_7": "投诉人或者被投诉人死亡或者终止",
    "ART23_8": "法律、法规、规章规定的应当终止调解的其他情形",
}
# 不予立案 grounds for a report: our synthesis of 行政处罚法 Art. 33/36 and 行政处罚程序规定 Art. 20 (secondary; legal sign-off).
NOT_OPENED = {
    "NOT_OPENED_1": "违法事实不成立或者没有证据证明存在违法行为",
    "NOT_OPENED_2": "违法行为轻微并及时改正，没有造成危害后果",
    "NOT_OPENED_3": "超过法定追责期限",
    "NOT_OPENED_4": "不属于本部门管辖（已移送有关部门）",
    "NOT_OPENED_5": "依法不予立案的其他情形",
}
REASONS = {**ART16, **ART23, **NOT_OPENED}

# -- documents (文书式样) ---------------------------------------------------------------------------------------------

DOC_FORWARD = "分送通知书"
DOC_IDENTITY = "限期提供身份证明材料通知书"
DOC_ACCEPT = "受理决定书"
DOC_REJECT = "不予受理决定书"
DOC_MEDIATION = "调解通知书"
DOC_TERMINATE = "终止调解决定书"
DOC_AGREEMENT = "调解书"
DOC_ON_SPOT = "当场履行记录"
DOC_REPORT_RESULT = "举报处理结果告知书"
DOCUMENTS = (DOC_FORWARD, DOC_IDENTITY, DOC_ACCEPT, DOC_REJECT, DOC_MEDIATION, DOC_TERMINATE, DOC_AGREEMENT, DOC_ON_SPOT,
             DOC_REPORT_RESULT)


@dataclass(frozen=True)
class State:
    code: str
    label: str
    open311: str  # "open" | "closed"
    clock: str  # RUNNING | PAUSED | STOPPED


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    action: str
    label: str
    reasons: tuple[str, ...] = ()  # non-empty: one of these codes is required
    approval: bool = False  # needs an approver other than the handler (负责人批准)
    document: str = ""


@dataclass(frozen=True)
class Machine:
    case_type: str
    initial: str
    states: dict[str, State]
    transitions: tuple[Transition, ...]

    def state(self, code: str) -> State:
        return self.states[code]

    def transition(self, source: str, target: str) -> Transition | None:
        return next((t for t in self.transitions if t.source == source and t.target == target), None)

    def targets(self, source: str) -> list[str]:
        return [t.target for t in self.transitions if t.source == source]

    def label(self, code: str) -> str:
        state = self.states.get(code)
        return state.label if state else code


def _states(*rows) -> dict[str, State]:
    return {row[0]: State(*row) for row in rows}


_A16, _A23, _NO = tuple(ART16), tuple(ART23), tuple(NOT_OPENED)

COMPLAINT = Machine(
    case_type="complaint",
    initial="registered",
    states=_states(
        ("registered", "已登记", "open", RUNNING),
        ("odr_negotiating", "ODR企业协商中", "open", PAUSED),  # ODR time is not counted against the bureau's limits
        ("odr_settled", "ODR协商和解", "closed", STOPPED),
        ("odr_failed", "ODR协商未和解", "open", RUNNING),
        ("forwarded", "已分送承办单位", "open", RUNNING),
        ("awaiting_identity", "待补充身份证明材料", "open", PAUSED),
        ("accepted", "已受理", "open", RUNNING),
        ("rejected", "不予受理", "closed", STOPPED),
        ("mediating", "调解中", "open", RUNNING),
        ("appraisal_pending", "检定检测鉴定中（中止计时）", "open", PAUSED),
        ("mediated_agreement", "调解达成协议", "closed", STOPPED),
        ("performed_on_spot", "当场履行完毕", "closed", STOPPED),
        ("mediation_terminated", "终止调解", "closed", STOPPED),
        ("closed", "已办结", "closed", STOPPED),
        ("follow_up_done", "已回访", "closed", STOPPED),
    ),
    transitions=(
        Transition("registered", "odr_negotiating", "odr_start", "转ODR企业先行协商"),
        Transition("odr_negotiating", "odr_settled", "odr_settle", "ODR协商和解"),
        Transition("odr_negotiating", "odr_failed", "odr_fail", "ODR协商未和解"),
        Transition("registered", "forwarded", "forward", "分送承办单位", document=DOC_FORWARD),
        Transition("odr_failed", "forwarded", "forward", "分送承办单位", document=DOC_FORWARD),
        Transition("forwarded", "registered", "return_misrouted", "退回重新分派"),
        Transition("forwarded", "awaiting_identity", "request_identity", "通知限期提供身份证明材料", document=DOC_IDENTITY),
        Transition("forwarded", "accepted", "accept", "受理", document=DOC_ACCEPT),
        Transition("forwarded", "rejected", "reject", "不予受理", reasons=_A16, document=DOC_REJECT),
        Transition("awaiting_identity", "accepted", "accept", "受理", document=DOC_ACCEPT),
        Transition("awaiting_identity", "rejected", "reject", "不予受理", reasons=_A16, document=DOC_REJECT),
        Transition("accepted", "mediating", "mediate", "组织调解", document=DOC_MEDIATION),
        Transition("accepted", "mediation_terminated", "terminate", "终止调解", reasons=_A23, document=DOC_TERMINATE),
        Transition("mediating", "appraisal_pending", "pause", "委托检定检测鉴定（中止计时）"),
        Transition("appraisal_pending", "mediating", "resume", "检定检测鉴定完毕，恢复调解"),
        Transition("mediating", "mediated_agreement", "agree", "调解达成协议", document=DOC_AGREEMENT),
        Transition("mediating", "performed_on_spot", "perform_on_spot", "当场履行", document=DOC_ON_SPOT),
        Transition("mediating", "mediation_terminated", "terminate", "终止调解", reasons=_A23, document=DOC_TERMINATE),
        Transition("appraisal_pending", "mediation_terminated", "terminate", "终止调解", reasons=_A23,
                   document=DOC_TERMINATE),
        *(Transition(s, "closed", "close", "办结") for s in
          ("odr_settled", "rejected", "mediated_agreement", "performed_on_spot", "mediation_terminated")),
        Transition("closed", "follow_up_done", "follow_up", "回访"),
    ),
)

REPORT = Machine(
    case_type="report",
    initial="registered",
    states=_states(
        ("registered", "已登记", "open", RUNNING),
        ("verifying", "核查中", "open", RUNNING),
        ("case_opened", "已立案", "open", RUNNING),
        ("not_opened", "不予立案", "closed", STOPPED),
        ("not_handled_duplicate", "重复举报不再处理", "closed", STOPPED),
        ("merged", "已合并处理", "closed", STOPPED),
        ("investigating", "调查中", "open", RUNNING),
        ("decided", "已作出处理决定", "open", RUNNING),
        ("result_notified", "已告知处理结果", "closed", STOPPED),
    ),
    transitions=(
        Transition("registered", "verifying", "verify", "开始核查"),
        Transition("verifying", "registered", "return_misrouted", "退回重新分派"),
        # 行政处罚程序规定 Art. 18: 立案 / 不予立案 is decided by the bureau head (负责人批准).
        Transition("verifying", "case_opened", "open_case", "立案", approval=True),
        Transition("verifying", "not_opened", "not_open", "不予立案", reasons=_NO, approval=True),
        Transition("verifying", "not_handled_duplicate", "duplicate", "重复举报，不再处理"),
        Transition("registered", "merged", "merge", "合并处理"),
        Transition("verifying", "merged", "merge", "合并处理"),
        Transition("case_opened", "investigating", "investigate", "开始调查"),
        Transition("investigating", "decided", "decide", "作出处理决定", approval=True),
        Transition("decided", "result_notified", "notify_result", "告知举报人处理结果", document=DOC_REPORT_RESULT),
        Transition("not_opened", "result_notified", "notify_result", "告知举报人处理结果", document=DOC_REPORT_RESULT),
    ),
)

MACHINES = {"complaint": COMPLAINT, "report": REPORT}

# Which stored deadline is the live legal one in each state (``Case.accept_due`` or ``Case.handle_due``).
ACCEPT_STAGE = {"complaint": {"registered", "odr_failed", "forwarded", "awaiting_identity"},
                "report": {"registered", "verifying"}}
HANDLE_STAGE = {"complaint": {"accepted", "mediating", "appraisal_pending"},
                "report": {"case_opened", "investigating"}}


def machine_for(case_type: str) -> Machine:
    try:
        return MACHINES[case_type]
    except KeyError:
        raise ValueError(f"未知的案件类型“{case_type}”") from None


def state_label(case_type: str, code: str) -> str:
    return machine_for(case_type).label(code)


def open_states(case_type: str | None = None) -> set[str]:
    machines = [machine_for(case_type)] if case_type else MACHINES.values()
    return {s.code for m in machines for s in m.states.values() if s.open311 == "open"}


def closed_states(case_type: str | None = None) -> set[str]:
    machines = [machine_for(case_type)] if case_type else MACHINES.values()
    return {s.code for m in machines for s in m.states.values() if s.open311 == "closed"}


def check_transition(case_type: str, source: str, target: str, reason_code: str = "") -> Transition:
    """The transition, or ValueError with a Chinese message (illegal jump, missing or wrong reason code)."""
    machine = machine_for(case_type)
    if target not in machine.states:
        what = "举报不适用调解程序" if case_type == "report" and target in COMPLAINT.states else "未知状态"
        raise ValueError(f"{what}：“{target}”")
    step = machine.transition(source, target)
    if step is None:
        raise ValueError(f"不能从“{machine.label(source)}”转为“{machine.label(target)}”")
    if step.reasons and reason_code not in step.reasons:
        if not reason_code:
            raise ValueError(f"“{step.label}”须选择法定理由")
        raise ValueError(f"理由“{reason_code}”不适用于“{step.label}”")
    if not step.reasons and reason_code:
        raise ValueError(f"“{step.label}”不需要法定理由")
    return step
