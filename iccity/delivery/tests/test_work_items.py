"""Work items (具体事项): proposed from the task's measures, accepted with a baseline, broken down with inherited
deadlines, and moved only through extensions (延期) whose approval keeps the baseline."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from iccity.core.actions import ActionRefused, ConflictError
from iccity.core.models import AuditEvent
from iccity.delivery.actions import (
    do_accept_work_item, do_complete_work_item, do_create_work_item, do_decide_extension, do_propose_work_items,
    do_request_extension, do_update_work_item,
)
from iccity.delivery.actions.work import guess_kind
from iccity.delivery.models import ExtensionState, Notice, WorkItem, WorkItemKind, WorkItemState
from iccity.orgs.models import Unit
from iccity.plans.models import Task

PLAN_END = dt.date(2027, 12, 31)
JUNE = dt.date(2026, 6, 30)


@pytest.fixture
def item(cast) -> WorkItem:
    """An active T1 item led by 区商务局 with 区协同办, due at the end of June."""
    return do_create_work_item(cast.task, {"title": "编制南站商圈规划", "lead_unit": cast.lead_unit, "co_units": [cast.co_unit],
                                           "deadline": JUNE}, scope=cast.scope("office"))


def state_of(item: WorkItem) -> tuple:
    item = WorkItem.objects.get(pk=item.pk)
    return item.state, item.deadline, item.baseline_deadline, item.extensions.count(), AuditEvent.objects.count()


# --------------------------------------------------------------------------------------------------------------------
# Proposing from measures
# --------------------------------------------------------------------------------------------------------------------
def test_propose_makes_one_item_per_measure_sentence(cast):
    items = do_propose_work_items(cast.task, scope=cast.scope("tf_lead"))
    measures = list(cast.task.measures.all())
    assert len(items) == len(measures) == 4
    assert [i.source_measure_id for i in items] == [m.pk for m in measures]
    assert [i.description for i in items] == [m.text for m in measures]
    assert all(len(i.title) <= 40 and m.text.startswith(i.title.rstrip("…")) for i, m in zip(items, measures))
    assert {i.state for i in items} == {WorkItemState.PROPOSED}
    assert {(i.deadline, i.baseline_deadline) for i in items} == {(PLAN_END, PLAN_END)}
    assert {i.lead_unit for i in items} == {cast.lead_unit}
    assert set(items[0].co_units.values_list("name", flat=True)) == {
        "区协同办", "中北镇政府", "杨柳青镇政府", "张家窝镇政府", "南站公司", "区城投公司"}
    assert [i.kind for i in items] == [guess_kind(m.text) for m in measures]


def test_proposing_twice_creates_nothing_new(cast):
    first = do_propose_work_items(cast.task, scope=cast.scope("office"))
    assert do_propose_work_items(cast.task, scope=cast.scope("office")) == []
    assert WorkItem.objects.filter(task=cast.task).count() == len(first)


def test_proposing_skips_measures_already_broken_down_only(cast):
    first = do_propose_work_items(cast.task, scope=cast.scope("office"))
    first[1].delete()
    again = do_propose_work_items(cast.task, scope=cast.scope("office"))
    assert [i.source_measure_id for i in again] == [first[1].source_measure_id]


def test_proposed_co_units_are_real_units_not_collectives(cast):
    """T3 lists “各镇人民政府和街道办事处”: its member towns become co-units (the collective itself cannot act)."""
    task = Task.objects.get(version=cast.version, key="T3")
    item = do_propose_work_items(task, scope=cast.scope("office"))[0]
    co = list(item.co_units.all())
    assert not any(u.is_collective for u in co)
    collective = Unit.objects.get(name="各镇人民政府和街道办事处")
    assert set(collective.resolve_members()) <= set(co)
    assert {"区体育局", "区民政局"} <= {u.name for u in co}


@pytest.mark.parametrize("sentence, kind", [
    ("每年举办西青消费季活动", WorkItemKind.RECURRING),
    ("定期开展商圈运行监测", WorkItemKind.RECURRING),
    ("加强新建社区商业网点配套设施建设", WorkItemKind.ONGOING),
    ("持续优化营商环境", WorkItemKind.ONGOING),
    ("建成南站科技商务区商业综合体", WorkItemKind.MILESTONE),
])
def test_kind_is_guessed_from_the_wording(sentence, kind):
    assert guess_kind(sentence) == kind


def test_task_force_member_cannot_propose(cast):
    with pytest.raises(PermissionDenied):
        do_propose_work_items(cast.task, scope=cast.scope("tf_member"))
    assert not WorkItem.objects.exists()


# --------------------------------------------------------------------------------------------------------------------
# Accepting and breaking down
# --------------------------------------------------------------------------------------------------------------------
def test_accepting_sets_the_baseline_to_the_agreed_deadline_and_notifies_units(cast):
    proposed = do_propose_work_items(cast.task, scope=cast.scope("office"))[0]
    changes = {"deadline": JUNE, "co_units": [cast.co_unit]}
    item = do_accept_work_item(proposed, scope=cast.scope("tf_lead"), changes=changes)
    assert (item.state, item.deadline, item.baseline_deadline) == (WorkItemState.ACTIVE, JUNE, JUNE)
    assert list(item.co_units.all()) == [cast.co_unit]
    assert "co_units" in changes  # the caller's dict is left alone
    assert set(Notice.objects.filter(work_item=item).values_list("unit__name", flat=True)) == {"区商务局", "区协同办"}


def test_accepting_twice_is_a_conflict(cast):
    proposed = do_propose_work_items(cast.task, scope=cast.scope("office"))[0]
    do_accept_work_item(proposed, scope=cast.scope("office"))
    with pytest.raises(ConflictError, match="该事项当前状态为“推进中”，不能重复确认"):
        do_accept_work_item(proposed, scope=cast.scope("tf_lead"))


def test_accepting_with_a_deadline_after_the_plan_end_is_refused(cast):
    proposed = do_propose_work_items(cast.task, scope=cast.scope("office"))[0]
    before = state_of(proposed)
    with pytest.raises(ActionRefused, match="完成时限 2028-03-31 晚于方案实施期的时限 2027-12-31：下级事项只能提前，不能推后"):
        do_accept_work_item(proposed, scope=cast.scope("office"), changes={"deadline": dt.date(2028, 3, 31)})
    assert state_of(proposed) == before


def test_child_inherits_the_parent_deadline(cast, item):
    child = do_create_work_item(cast.task, {"title": "规划初稿", "lead_unit": cast.lead_unit}, scope=cast.scope("office"),
                                parent=item)
    assert (child.parent, child.deadline, child.baseline_deadline) == (item, JUNE, JUNE)


def test_child_may_tighten_but_not_extend_the_parent_deadline(cast, item):
    data = {"title": "规划初稿", "lead_unit": cast.lead_unit, "deadline": dt.date(2026, 5, 15)}
    child = do_create_work_item(cast.task, data, scope=cast.scope("office"), parent=item)
    assert child.deadline == dt.date(2026, 5, 15) and "deadline" in data  # the caller's dict is left alone
    count = WorkItem.objects.count()
    with pytest.raises(ActionRefused, match="完成时限 2026-07-01 晚于上级事项“编制南站商圈规划”的时限 2026-06-30"):
        do_create_work_item(cast.task, {"title": "规划评审", "lead_unit": cast.lead_unit, "deadline": dt.date(2026, 7, 1)},
                            scope=cast.scope("office"), parent=item)
    assert WorkItem.objects.count() == count


def test_child_of_another_task_is_refused(cast, item):
    other = Task.objects.get(version=cast.version, key="T4")
    with pytest.raises(ActionRefused, match="上级事项不属于该任务"):
        do_create_work_item(other, {"title": "x", "lead_unit": cast.other_unit}, scope=cast.scope("office"), parent=item)


def test_tightening_a_proposed_parent_below_its_child_is_refused(cast):
    parent = do_propose_work_items(cast.task, scope=cast.scope("office"))[0]
    do_create_work_item(cast.task, {"title": "子项", "lead_unit": cast.lead_unit, "deadline": JUNE}, scope=cast.scope("office"),
                        parent=parent)
    before = state_of(parent)
    with pytest.raises(ActionRefused, match="下级事项“子项”的时限 2026-06-30 晚于新时限，请先调整下级事项"):
        do_update_work_item(parent, {"deadline": dt.date(2026, 5, 31)}, scope=cast.scope("office"))
    assert state_of(parent) == before


def test_editing_an_active_items_deadline_is_refused(cast, item):
    before = state_of(item)
    with pytest.raises(ActionRefused, match="已交办事项的时限只能通过延期申请调整（原定时限将保留为基准）"):
        do_update_work_item(item, {"deadline": dt.date(2026, 9, 30)}, scope=cast.scope("office"))
    assert state_of(item) == before


def test_editing_other_fields_of_an_active_item_is_allowed(cast, item):
    updated = do_update_work_item(item, {"title": "编制并印发南站商圈规划", "deadline": JUNE}, scope=cast.scope("tf_lead"))
    assert (updated.title, updated.deadline) == ("编制并印发南站商圈规划", JUNE)


def test_editing_an_unknown_field_is_refused(cast, item):
    with pytest.raises(ActionRefused, match="不能修改字段 baseline_deadline"):
        do_update_work_item(item, {"baseline_deadline": dt.date(2026, 9, 30)}, scope=cast.scope("office"))
    assert WorkItem.objects.get(pk=item.pk).baseline_deadline == JUNE


def test_completing_twice_is_a_conflict_and_done_items_cannot_be_edited(cast, item):
    done = do_complete_work_item(item, scope=cast.scope("tf_lead"))
    assert (done.state, done.completed_on) == (WorkItemState.DONE, dt.date(2026, 3, 2))
    with pytest.raises(ConflictError, match="该事项当前状态为“已办结”，不能办结"):
        do_complete_work_item(item, scope=cast.scope("office"))
    with pytest.raises(ActionRefused, match="已办结或已撤销的事项不能修改"):
        do_update_work_item(item, {"title": "改"}, scope=cast.scope("office"))


# --------------------------------------------------------------------------------------------------------------------
# Extensions
# --------------------------------------------------------------------------------------------------------------------
def test_approved_extension_moves_the_deadline_and_keeps_the_baseline(cast, item):
    request = do_request_extension(item, dt.date(2026, 9, 30), "规划评审推迟", scope=cast.scope("reporter"))
    assert (request.state, request.current_deadline, request.new_deadline) == (ExtensionState.PENDING, JUNE, dt.date(2026, 9, 30))
    do_decide_extension(request, True, "同意", scope=cast.scope("tf_lead"))
    item.refresh_from_db()
    request.refresh_from_db()
    assert (item.deadline, item.baseline_deadline, item.extended) == (dt.date(2026, 9, 30), JUNE, True)
    assert (request.state, request.decided_by, request.decision_note) == (ExtensionState.APPROVED, cast.tf_lead, "同意")
    audit = AuditEvent.objects.get(action="delivery.work_item.extended")
    assert audit.before == {"deadline": "2026-06-30"} and audit.after["baseline_deadline"] == "2026-06-30"
    assert Notice.objects.filter(work_item=item, unit=cast.lead_unit, title__startswith="延期申请已批准").exists()


def test_rejected_extension_leaves_the_deadline(cast, item):
    request = do_request_extension(item, dt.date(2026, 9, 30), "规划评审推迟", scope=cast.scope("head"))
    do_decide_extension(request, False, "时限不变", scope=cast.scope("office"))
    item.refresh_from_db()
    request.refresh_from_db()
    assert (item.deadline, item.baseline_deadline, item.extended) == (JUNE, JUNE, False)
    assert request.state == ExtensionState.REJECTED


def test_second_decider_gets_a_conflict_and_the_first_decision_stands(cast, item):
    request = do_request_extension(item, dt.date(2026, 9, 30), "规划评审推迟", scope=cast.scope("reporter"))
    seen_by_office = type(request).objects.get(pk=request.pk)  # both have the page open
    do_decide_extension(request, True, "同意", scope=cast.scope("tf_lead"))
    before = state_of(item)
    with pytest.raises(ConflictError, match="该延期申请已被他人审批，请刷新后查看结果"):
        do_decide_extension(seen_by_office, False, "不同意", scope=cast.scope("office"))
    assert state_of(item) == before
    seen_by_office.refresh_from_db()
    assert (seen_by_office.state, seen_by_office.decided_by) == (ExtensionState.APPROVED, cast.tf_lead)


@pytest.mark.parametrize("new_deadline", [JUNE, dt.date(2026, 6, 1)])
def test_extension_to_a_date_not_after_the_current_deadline_is_refused(cast, item, new_deadline):
    before = state_of(item)
    with pytest.raises(ActionRefused, match="申请延至的日期应晚于当前时限 2026-06-30"):
        do_request_extension(item, new_deadline, "理由", scope=cast.scope("reporter"))
    assert state_of(item) == before


def test_second_pending_extension_is_refused(cast, item):
    do_request_extension(item, dt.date(2026, 9, 30), "规划评审推迟", scope=cast.scope("reporter"))
    before = state_of(item)
    with pytest.raises(ActionRefused, match="该事项已有待审批的延期申请"):
        do_request_extension(item, dt.date(2026, 10, 31), "再推迟", scope=cast.scope("head"))
    assert state_of(item) == before


def test_a_new_request_is_allowed_once_the_previous_one_is_decided(cast, item):
    first = do_request_extension(item, dt.date(2026, 9, 30), "规划评审推迟", scope=cast.scope("reporter"))
    do_decide_extension(first, False, "不同意", scope=cast.scope("office"))
    second = do_request_extension(item, dt.date(2026, 8, 31), "缩短延期", scope=cast.scope("reporter"))
    assert second.state == ExtensionState.PENDING and second.current_deadline == JUNE


def test_extension_without_reason_is_refused(cast, item):
    with pytest.raises(ActionRefused, match="请说明延期理由"):
        do_request_extension(item, dt.date(2026, 9, 30), "  ", scope=cast.scope("reporter"))


def test_child_extension_beyond_the_parent_deadline_is_refused(cast, item):
    child = do_create_work_item(cast.task, {"title": "规划初稿", "lead_unit": cast.lead_unit, "deadline": dt.date(2026, 5, 15)},
                                scope=cast.scope("office"), parent=item)
    with pytest.raises(ActionRefused, match="晚于上级事项“编制南站商圈规划”的时限 2026-06-30"):
        do_request_extension(child, dt.date(2026, 7, 15), "来不及", scope=cast.scope("reporter"))
    assert do_request_extension(child, JUNE, "来不及", scope=cast.scope("reporter")).new_deadline == JUNE


def test_extension_of_a_proposed_item_is_refused(cast):
    proposed = do_propose_work_items(cast.task, scope=cast.scope("office"))[0]
    with pytest.raises(ActionRefused, match="只有推进中的事项可以申请延期"):
        do_request_extension(proposed, dt.date(2028, 1, 31), "理由", scope=cast.scope("reporter"))


def test_approving_an_extension_of_an_item_done_meanwhile_is_refused(cast, item):
    request = do_request_extension(item, dt.date(2026, 9, 30), "规划评审推迟", scope=cast.scope("reporter"))
    do_complete_work_item(item, scope=cast.scope("office"))
    with pytest.raises(ActionRefused, match="该事项当前状态为“已办结”，不能延期"):
        do_decide_extension(request, True, "同意", scope=cast.scope("tf_lead"))
    request.refresh_from_db()
    assert request.state == ExtensionState.PENDING
    assert WorkItem.objects.get(pk=item.pk).deadline == JUNE


def test_nobody_decides_their_own_extension_request(cast, item):
    """区商务局 hosts the task force: its head may also lead the task force, but not approve his own request."""
    from iccity.orgs.models import Person, Role, RoleAssignment

    RoleAssignment.objects.create(person=Person.objects.get(user=cast.head), role=Role.TASK_FORCE_LEAD,
                                  task_force=cast.task_force)
    request = do_request_extension(item, dt.date(2026, 9, 30), "规划评审推迟", scope=cast.scope("head"))
    with pytest.raises(PermissionDenied, match="只有领导小组办公室或负责该任务的专班负责人可以审批延期"):
        do_decide_extension(request, True, "同意", scope=cast.scope("head"))
    do_decide_extension(request, True, "同意", scope=cast.scope("tf_lead"))
    assert WorkItem.objects.get(pk=item.pk).deadline == dt.date(2026, 9, 30)
