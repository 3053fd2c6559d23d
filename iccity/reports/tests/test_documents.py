"""What each Word output says, from which data, and that generating it reads a bounded number of queries."""
from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document

from iccity.core.actions import ActionRefused
from iccity.core.models import AuditEvent
from iccity.reports.actions.documents import do_generate_document
from iccity.reports.documents import context
from iccity.reports.models import GeneratedDocument

from .conftest import DEMO_DAY, FakeLight
from .factories import build_activity


def text_of(document: GeneratedDocument) -> str:
    with document.file.open("rb") as fh:
        doc = Document(io.BytesIO(fh.read()))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_monthly_report_summarises_lights_items_reports_and_marks_demo_data(activity, fixed_evaluation, office_admin):
    document = do_generate_document("monthly", {"period": "2026-05"}, actor=office_admin)
    text = text_of(document)
    assert document.title.endswith("2026年5月推进情况报告") and document.is_demo
    assert "本文件含示例数据" in text
    n = activity["version"].tasks.count()
    assert f"共{n}项，灯色情况：红灯1项，绿灯{n - 1}项" in text
    assert f"已分解具体事项{2 * n}项，已办结{n}项，完成率50.0%；逾期事项{n}项" in text  # May 20 items, judged May 31
    assert f"2026年5月应报进展报告{n}份，已报送{n}份" in text
    # highlights come from accepted reports only (even task numbers in the factory)
    assert "T2 " in text and "T2本月召开推进会2次" in text and "T1本月召开推进会" not in text
    assert "用地手续尚待审批（" in text and "项任务的报告提及" in text  # identical problems grouped once
    # T1's report is still in review: its progress is not quoted; T2's accepted one is
    assert "T1 | 做强区域核心商圈 | 区商务局 | 1/2 | 红 | —" in text and "| 42%" in text
    assert "2026年5月20日 | 11" in text  # overdue days at the end of the period
    assert "本期尚未计算单位考核得分" in text
    assert "2026年6月15日" in text  # dated the day it is generated, Arabic numerals
    event = AuditEvent.objects.get(action="reports.document.generate")
    assert event.actor == office_admin and event.after["parameters"]["period"] == "2026-05"


def test_monthly_report_without_demo_rows_has_no_demo_note(xiqing_plan, media, fixed_evaluation):
    from iccity.core import clock

    with clock.travel(DEMO_DAY):
        build_activity(xiqing_plan, marked=False)
        document = do_generate_document("monthly", {"period": "2026-05"})
    assert not document.is_demo and "示例数据" not in text_of(document)


def test_monthly_report_shows_league_table_head_and_tail(activity, fixed_evaluation):
    from iccity.orgs.models import Unit

    class Score:
        def __init__(self, unit, rank, previous):
            self.unit_id, self.rank, self.previous_rank, self.total = unit.pk, rank, previous, 100 - rank

        @property
        def rank_change(self):
            return None if self.previous_rank is None else self.previous_rank - self.rank

    class Run:
        period, is_demo = "2026-05", False

    units = list(Unit.objects.order_by("id")[:12])
    fixed_evaluation["league"] = (Run(), [Score(u, i + 1, i + 3 if i == 0 else None) for i, u in enumerate(units)])
    text = text_of(do_generate_document("monthly", {"period": "2026-05"}))
    assert "共12个单位，摘录前5名和后5名" in text
    assert f"1 | {units[0].name} | 99.00 | ↑2" in text and f"12 | {units[11].name} | 88.00 | —" in text
    assert f"6 | {units[5].name} |" not in text and f"7 | {units[6].name} |" not in text


def test_monthly_report_queries_do_not_grow_with_data(xiqing_plan, media, fixed_evaluation):
    """Same number of queries for one report per task as for four reports and four times the items."""
    from iccity.core import clock

    def count():
        with CaptureQueriesContext(connection) as queries:
            context.monthly_context(xiqing_plan, "2026-05")
        return len(queries)

    with clock.travel(DEMO_DAY):
        build_activity(xiqing_plan, per_task=1)
        small = count()
        from iccity.delivery.models import ReportingCycle

        ReportingCycle.objects.all().delete()
        build_activity(xiqing_plan, per_task=4)
        large = count()
    assert small == large and large <= 15


def test_special_report_on_one_task_and_on_a_task_force(activity, fixed_evaluation):
    task_text = text_of(do_generate_document("special", {"task": "t1", "period": "2026-05"}))
    assert "关于T1“做强区域核心商圈”推进情况的专报" in task_text
    # T1's report waits for review: stated, not quoted
    assert "（一）T1 做强区域核心商圈" in task_text and "T1本月召开推进会2次。" not in task_text
    assert "牵头单位本期报告已提交，待单位负责人审核，内容待审核通过后纳入。" in task_text
    assert "T2 |" not in task_text
    force_text = text_of(do_generate_document("special", {"task_force": activity["task_force"].pk}))
    assert "关于商圈建设专班负责任务推进情况的专报" in force_text and "T2 |" in force_text
    assert "T2本月召开推进会2次。" in force_text  # T2's report was accepted


def test_special_report_needs_a_known_task(activity, fixed_evaluation):
    with pytest.raises(ActionRefused, match="方案中没有任务“T99”"):
        do_generate_document("special", {"task": "T99"})
    with pytest.raises(ActionRefused, match="专报须指定一项任务或一个专班"):
        do_generate_document("special", {})
    with pytest.raises(ActionRefused, match="格式应为 YYYY-MM"):
        do_generate_document("monthly", {"period": "五月"})
    assert not GeneratedDocument.objects.exists()


def test_stocktake_pack_puts_ratings_beside_lights_and_lists_decisions(activity, fixed_evaluation):
    class Rating:
        quarter, is_demo = "2026Q2", True

        def get_level_display(self):
            return "红黄（问题较多）"

    version = activity["version"]
    fixed_evaluation["ratings"] = {version.tasks.get(key="T1").pk: Rating()}
    text = text_of(do_generate_document("stocktake", {"task_force": "商圈建设专班"}))
    assert "商圈建设专班工作调度会材料" in text
    assert "T1 | 做强区域核心商圈 | 红：2 项事项逾期超过10个工作日 | 红黄（问题较多）（2026Q2）" in text
    assert "T2 | 建强西青特色活力商圈 | 绿：按期推进 | 本季度未评定" in text
    decisions = text.split("五、需会议研究决定的事项")[1]
    assert "（一）红灯任务" in decisions and "（二）待审批延期申请" in decisions and "（三）退回的交办任务" in decisions
    assert "申请由2026年5月20日延至2026年8月31日，理由：用地审批延后" in decisions
    assert "不属于本单位职责" in decisions
    assert "用地手续尚待审批" in text.split("三、报告反映的问题")[1]


def test_urge_notice_has_number_unit_items_and_office_signature(activity, fixed_evaluation):
    notice = activity["notice"]
    document = do_generate_document("urge", {"notice": notice.pk})
    text = text_of(document)
    assert "西青消费督〔2026〕第7号" in text and "催办通知" in text
    assert f"{notice.unit.name}：" in text
    assert f"{notice.work_item.task.key} | {notice.work_item.title} | 2026年5月20日 | 逾期未办结" in text
    assert text.split("任务 | 事项")[0].rstrip().endswith(f"{context.issuer_name()}\n2026年6月15日")
    assert "已逾期 5 个工作日" in text and "西青消费督〔2026〕第7号\n" not in text.split("催办通知")[1]
    assert document.parameters == {"notice": notice.pk, "document_number": "西青消费督〔2026〕第7号"}


def test_notice_printed_with_the_wrong_kind_is_refused(activity, fixed_evaluation):
    with pytest.raises(ActionRefused, match="不能按督办通知打印"):
        do_generate_document("supervise", {"notice": activity["notice"].pk})


def test_lights_come_from_the_evaluation_contract(activity, monkeypatch):
    """Without stubs, the context asks evaluation.lights.task_lights for the version and the report date."""
    calls = []

    def task_lights(version, on=None):
        calls.append((version, on))
        return {t.pk: FakeLight("yellow", "黄", "黄：滞后") for t in version.tasks.all()}

    import iccity.evaluation.lights as lights
    import iccity.evaluation.scoring as scoring

    monkeypatch.setattr(lights, "task_lights", task_lights)
    monkeypatch.setattr(scoring, "league_table", lambda period=None: (None, []))
    ctx = context.monthly_context(activity["version"], "2026-05")
    assert calls == [(activity["version"], DEMO_DAY.replace(month=5, day=31))]
    assert "黄灯" in ctx["overview"][0]
