"""Import stores versions; nothing is overwritten silently and a failed import writes nothing."""
import pytest

from iccity.core.models import AuditEvent
from iccity.orgs.actions import do_load_registry
from iccity.orgs.models import Unit
from iccity.plans.actions import XIQING_PLAN_FILE, XIQING_PLAN_SLUG, do_import_plan, do_refresh_collectives, do_set_assignment_role
from iccity.plans.models import Assignment, PlanVersion, RoleSource, Target, Task
from iccity.plans.parsing import PlanParseError

SEED = XIQING_PLAN_FILE.read_text(encoding="utf-8")


def edited_seed() -> str:
    """The seed with the edits an office typically makes between drafts."""
    text = SEED.replace("南站公司、区城投公司）", "南站公司）", 1)                       # task 1 loses a unit
    text = text.replace("（责任单位：\n\n区运管局、区住建委）", "（责任单位：\n\n区运管局、区住建委、区交通局）")  # task 18 gains one
    text = text.replace("9. 推动老字号品牌创新。", "9. 推动老字号品牌传承创新。")          # a title edit
    new_task = "22. 发展首店经济。支持品牌首店落户西青。（责任单位：区商务局、区招商专班）\n\n"
    return text.replace("三、保障措施", new_task + "三、保障措施", 1)


def test_first_import_is_the_baseline_with_all_tasks_units_and_collectives(xiqing_plan):
    version = xiqing_plan
    assert version.number == 1 and version.is_baseline
    assert version.tasks.filter(kind="task").count() == 21
    assert version.tasks.filter(kind="guarantee").count() == 6
    listed = Assignment.objects.filter(task__version=version, parent__isnull=True)
    assert listed.filter(task__kind="task").count() == 141
    assert listed.filter(task__kind="guarantee").count() == 22
    assert listed.values("unit").distinct().count() == 49
    # a collective keeps its listed row plus one row per registry member (7 towns + 4 sub-districts)
    task3 = version.tasks.get(key="T3")
    collective = task3.assignments.get(unit__name="各镇人民政府和街道办事处")
    assert collective.expanded.count() == 11
    assert set(collective.expanded.values_list("role_source", flat=True)) == {RoleSource.EXPANDED}
    assert task3.assignments.get(parent__isnull=True, position=1).unit.name == "区商务局"
    assert Unit.objects.filter(verified=False).count() == 3  # only the three divisions not named in the plan


def test_task_8_target_is_stored(xiqing_plan):
    target = Target.objects.get(version=xiqing_plan, task__key="T8")
    assert (target.year, target.comparator, int(target.value), target.unit) == (2027, ">=", 25, "个")
    assert "津农精品" in target.subject


def test_reimporting_the_same_file_changes_nothing(xiqing_plan):
    before = (PlanVersion.objects.count(), Task.objects.count(), Assignment.objects.count(), AuditEvent.objects.count())
    outcome = do_import_plan(XIQING_PLAN_FILE.read_bytes(), XIQING_PLAN_FILE.name, plan_slug=XIQING_PLAN_SLUG)
    assert not outcome.created and outcome.version == xiqing_plan
    after = (PlanVersion.objects.count(), Task.objects.count(), Assignment.objects.count(), AuditEvent.objects.count())
    assert before == after


def test_an_edited_document_becomes_version_2_with_a_diff_and_version_1_is_kept(xiqing_plan):
    outcome = do_import_plan(edited_seed().encode(), "方案修改稿.txt", plan_slug=XIQING_PLAN_SLUG, note="第二稿")
    assert outcome.created and outcome.version.number == 2
    diff = outcome.diff
    assert [t["title"] for t in diff.tasks_added] == ["发展首店经济"]
    assert diff.tasks_removed == []
    changes = {c.new_key: c for c in diff.tasks_changed}
    assert changes["T1"].units_removed == ["区城投公司"]
    assert changes["T18"].units_added == ["区交通局"]
    assert changes["T9"].old_title == "推动老字号品牌创新" and changes["T9"].title == "推动老字号品牌传承创新"
    assert set(changes) == {"T1", "T9", "T18"}
    assert outcome.created_units == ["区交通局"]
    # version 1 is untouched
    assert xiqing_plan.tasks.get(key="T1").assignments.filter(parent__isnull=True).count() == 7
    assert not xiqing_plan.tasks.filter(key="T22").exists()
    assert AuditEvent.objects.filter(action="plans.version.imported", object_id=str(outcome.version.pk)).exists()


def test_inserting_a_task_in_the_middle_is_reported_as_renumbering_not_as_changes(xiqing_plan):
    text = SEED
    for n in range(21, 3, -1):  # renumber 4..21 → 5..22 (from the end, so no number is replaced twice)
        text = text.replace(f"\n{n}. ", f"\n{n + 1}. ", 1).replace(f"\n {n}. ", f"\n {n + 1}. ", 1)
    inserted = "4. 新增一项任务。支持夜间集市。（责任单位：区商务局）\n\n"
    text = text.replace("5. 激活民俗文化资源。", inserted + "5. 激活民俗文化资源。", 1)
    diff = do_import_plan(text.encode(), "插入任务.txt", plan_slug=XIQING_PLAN_SLUG).diff
    assert [t["title"] for t in diff.tasks_added] == ["新增一项任务"]
    assert all(c.renumbered and not c.text_changed and not c.units_added for c in diff.tasks_changed)
    assert len(diff.tasks_changed) == 18


@pytest.mark.parametrize("payload, filename, message", [
    (b"", "empty.txt", "文件为空"),
    (bytes(range(256)) * 40, "junk.bin", "不是可识别"),
    ("这是一份没有任何任务条目的通知。\n请各单位知悉。\n".encode(), "notice.txt", "未识别到任何任务"),
])
def test_a_failed_import_writes_nothing(xiqing_plan, payload, filename, message):
    counts = (PlanVersion.objects.count(), Task.objects.count(), Unit.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PlanParseError, match=message):
        do_import_plan(payload, filename, plan_slug=XIQING_PLAN_SLUG)
    assert counts == (PlanVersion.objects.count(), Task.objects.count(), Unit.objects.count(), AuditEvent.objects.count())


def test_oversized_upload_is_refused_before_parsing(db, settings):
    settings.ICCITY_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(PlanParseError, match="文件过大"):
        do_import_plan(SEED.encode(), "big.txt")
    assert not PlanVersion.objects.exists()


def test_role_override_needs_a_reason_and_is_audited(xiqing_plan):
    assignment = xiqing_plan.tasks.get(key="T3").assignments.get(unit__name="各镇人民政府和街道办事处")
    with pytest.raises(ValueError):
        do_set_assignment_role(assignment, "lead", actor=None, reason=" ")
    do_set_assignment_role(assignment, "lead", actor=None, reason="专班会议决定由各镇街牵头")
    assignment.refresh_from_db()
    assert (assignment.role, assignment.role_source) == ("lead", RoleSource.OVERRIDE)
    assert set(assignment.expanded.values_list("role", flat=True)) == {"lead"}
    event = AuditEvent.objects.get(action="plans.assignment.role_changed")
    assert event.before["role"] == "co" and event.note == "专班会议决定由各镇街牵头"


def test_collectives_follow_registry_changes(xiqing_plan):
    Unit.objects.filter(name="赤龙南街道办事处").update(active=False)
    assert do_refresh_collectives(xiqing_plan) > 0
    collective = xiqing_plan.tasks.get(key="T3").assignments.get(unit__name="各镇人民政府和街道办事处")
    assert collective.expanded.count() == 10
    assert do_refresh_collectives(xiqing_plan) == 0  # safe to run twice


def test_import_without_registry_creates_unverified_units(db):
    do_import_plan(SEED.encode(), "seed.txt")
    assert Unit.objects.count() == 49 and not Unit.objects.filter(verified=True).exists()
    do_load_registry()  # loading the registry afterwards matches the same names instead of duplicating them
    assert Unit.objects.count() == 52
