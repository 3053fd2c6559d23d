"""Review before import: below the threshold an upload waits as a draft; the office's corrections are stored with
the version, audited, and shown in the diff."""
import datetime as dt
from pathlib import Path

import pytest

from iccity.core.models import AuditEvent, Rule
from iccity.orgs.actions import do_load_registry
from iccity.plans.actions import (
    XIQING_PLAN_FILE, do_commit_draft, do_correct_draft, do_discard_draft, do_start_import, low_confidence,
)
from iccity.plans.models import ImportDraft, PlanVersion
from iccity.core.rules import declared_row
from iccity.plans.rules import REVIEW_THRESHOLD, review_threshold

pytestmark = pytest.mark.django_db
TABLE = (Path(__file__).parent / "fixtures" / "genre" / "flattened_table.txt").read_bytes()


@pytest.fixture
def registry(db):
    do_load_registry()


def test_threshold_is_a_rule_with_a_source():
    assert review_threshold() == 0.8
    declared = declared_row(REVIEW_THRESHOLD)
    assert declared["source"] and "审核" in declared["title"]
    Rule.objects.create(key=REVIEW_THRESHOLD, version=2, title="方案导入审核阈值", value={"min_confidence": 0.9},
                        effective_from=dt.date(2024, 1, 1), source="办公室确认")
    assert review_threshold() == 0.9


def test_confident_parse_imports_directly(registry):
    outcome = do_start_import(XIQING_PLAN_FILE.read_bytes(), XIQING_PLAN_FILE.name, plan_slug="xq")
    assert not isinstance(outcome, ImportDraft) and outcome.version.tasks.filter(kind="task").count() == 21
    assert ImportDraft.objects.count() == 0


def test_low_confidence_parse_waits_as_a_draft_lowest_first(registry):
    draft = do_start_import(TABLE, "table.txt")
    assert isinstance(draft, ImportDraft) and draft.status == "pending"
    assert PlanVersion.objects.count() == 0
    low = low_confidence(draft.parsed, draft.threshold)
    assert [row["index"] for row in low] == [2]              # row 3: units from a merged cell
    assert any("合并单元格" in r for r in low[0]["reasons"])
    assert draft.source_lines[0] == "某区促进消费重点任务清单"
    assert AuditEvent.objects.filter(action="plans.import_draft.created").count() == 1


def test_corrections_are_audited_stored_with_the_version_and_shown_in_the_diff(registry, office_admin):
    draft = do_start_import(TABLE, "table.txt", actor=office_admin)
    do_correct_draft(draft, "units", 2, actor=office_admin,
                     units=[{"name": "区商务局", "role": "lead"}, {"name": "区发展改革委", "role": "co"}])
    do_correct_draft(draft, "title", 0, actor=office_admin, title="推进核心商圈改造")
    do_correct_draft(draft, "deadline", 1, actor=office_admin, deadline="2025-03-31")
    draft.refresh_from_db()
    assert low_confidence(draft.parsed, draft.threshold) == []
    outcome = do_commit_draft(draft, actor=office_admin)
    version = outcome.version
    t3 = version.tasks.get(key="T3")
    assert [(a.unit.name, a.role) for a in t3.listed_assignments()] == [("区商务局", "lead"), ("区发展改革委", "co")]
    assert version.tasks.get(key="T1").title == "推进核心商圈改造"
    assert str(version.tasks.get(key="T2").deadline) == "2025-03-31"
    assert str(version.tasks.get(key="T1").deadline) == "2024-12-31"     # the 完成时限 column, proposed
    assert [c["key"] for c in version.parsed["corrections"]] == ["T3", "T1", "T2"]
    assert AuditEvent.objects.filter(action="plans.import_draft.corrected").count() == 3
    trail = AuditEvent.objects.get(action="plans.task.corrected_in_review", object_id=str(t3.pk))
    assert "区发展改革委" in trail.note
    draft.refresh_from_db()
    assert draft.status == "committed" and draft.version == version
    with pytest.raises(ValueError):
        do_correct_draft(draft, "title", 0, actor=office_admin, title="再改")


def test_split_and_merge(registry, office_admin):
    draft = do_start_import(TABLE, "table.txt", actor=office_admin)
    do_correct_draft(draft, "merge", 0, actor=office_admin)
    draft.refresh_from_db()
    assert len(draft.parsed["tasks"]) == 4 and "打造夜间消费集聚区" in draft.parsed["tasks"][0]["measures"]
    assert draft.parsed["tasks"][1]["number"] == 2 and draft.parsed["tasks"][1]["title"] == "开展老字号品牌推广活动"
    do_correct_draft(draft, "split", 0, actor=office_admin, at=1)
    draft.refresh_from_db()
    assert [t["number"] for t in draft.parsed["tasks"]] == [1, 2, 3, 4, 5]
    assert draft.parsed["tasks"][1]["title"] == "打造夜间消费集聚区"
    with pytest.raises(ValueError, match="至少要有一个牵头单位"):
        do_correct_draft(draft, "units", 0, actor=office_admin, units=[{"name": "区商务局", "role": "co"}])


def test_accept_imports_without_review_and_says_so(registry):
    outcome = do_start_import(TABLE, "table.txt", accept=True)
    assert outcome.version.note.endswith("未经审核按解析结果导入）")


def test_discarded_draft_cannot_be_committed(registry):
    draft = do_start_import(TABLE, "table.txt")
    do_discard_draft(draft, actor=None)
    with pytest.raises(ValueError):
        do_commit_draft(draft, actor=None)
    assert PlanVersion.objects.count() == 0


def test_cli_import_stops_at_review_and_review_commit_imports(registry, capsys):
    from django.core.management import call_command

    path = Path(__file__).parent / "fixtures" / "genre" / "flattened_table.txt"
    call_command("plan", "import", str(path))
    out = capsys.readouterr().out
    draft = ImportDraft.objects.get()
    assert f"待审核导入 #{draft.pk}" in out and "合并单元格" in out and f"/plans/import/drafts/{draft.pk}/" in out
    assert PlanVersion.objects.count() == 0
    call_command("plan", "review", str(draft.pk), "--commit")
    assert "已导入" in capsys.readouterr().out and PlanVersion.objects.count() == 1


def test_review_page_shows_source_with_unit_spans_and_low_items_first(registry, office_admin, client):
    draft = do_start_import(TABLE, "table.txt", actor=office_admin)
    client.force_login(office_admin)
    page = client.get(f"/plans/import/drafts/{draft.pk}/").content.decode()
    assert page.index('data-number="3"') < page.index('data-number="1"')
    assert '<mark class="unit-span">区商务局</mark>' in page
    response = client.post(f"/plans/import/drafts/{draft.pk}/correct/", {
        "op": "units", "index": "2", "unit_name": ["区商务局", "<script>x</script>局", ""],
        "unit_role": ["lead", "co", "co"]})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert [u["name"] for u in draft.parsed["tasks"][2]["units"]] == ["区商务局", "<script>x</script>局"]
    page = client.get(f"/plans/import/drafts/{draft.pk}/").content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page
    response = client.post(f"/plans/import/drafts/{draft.pk}/commit/", {"commit": "1"})
    assert response.status_code == 302 and PlanVersion.objects.count() == 1


def test_task_page_shows_the_proposed_deadline(registry, office_admin, client):
    outcome = do_start_import(TABLE, "table.txt", accept=True)
    client.force_login(office_admin)
    page = client.get(f"/plans/{outcome.plan.slug}/tasks/T1/").content.decode()
    assert "完成时限（方案原文）：2024年12月底" in page and "2024-12-31" in page


def test_phases_become_milestones_of_the_version(registry, office_admin, client):
    data = (Path(__file__).parent / "fixtures" / "genre" / "furniture.txt").read_bytes()
    outcome = do_start_import(data, "furniture.txt", accept=True)
    assert [(m.title, str(m.starts_on), str(m.due_on)) for m in outcome.version.milestones.all()] == [
        ("全面推进阶段", "2023-01-01", "2024-12-31"), ("巩固提升阶段", "2025-01-01", "2025-12-31")]
    client.force_login(office_admin)
    page = client.get(f"/plans/{outcome.plan.slug}/").content.decode()
    assert "阶段安排" in page and "全面推进阶段" in page
