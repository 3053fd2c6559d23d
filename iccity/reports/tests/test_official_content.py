"""Official documents come from approved content: the monthly report, 专报 and stocktake quote accepted revisions only
(what is pending is counted, never quoted), and a printed 催办单 is the notice as it was issued, whenever it is
reprinted."""
from __future__ import annotations

import datetime as dt

from iccity.core import clock
from iccity.core.calendar import WorkdayCalendar
from iccity.delivery.escalation import run_reminders
from iccity.delivery.models import Notice, Report, ReportEvent, ReportingCycle, ReportRevision
from iccity.plans.models import Assignment
from iccity.reports.actions.documents import do_generate_document

from .test_documents import text_of

UTC = dt.UTC


def _cycle(version, start=dt.date(2026, 11, 1)):
    return ReportingCycle.objects.create(plan=version.plan, cadence="monthly", label="2026年11月", period_start=start,
                                         period_end=dt.date(2026, 11, 30), due_on=dt.date(2026, 12, 7),
                                         closes_on=dt.date(2026, 12, 14))


def _lead(version, key):
    a = Assignment.objects.filter(task__version=version, task__key=key, role="lead", parent=None).order_by("position").first()
    return a.task, a.unit


def test_a_returned_and_resubmitted_report_waiting_for_the_head_is_counted_not_quoted(xiqing_plan, media,
                                                                                   fixed_evaluation, office_admin):
    with clock.travel(dt.date(2026, 12, 9)):
        cycle = _cycle(xiqing_plan)
        task, unit = _lead(xiqing_plan, "T3")
        pending = Report.objects.create(cycle=cycle, task=task, unit=unit, is_lead=True, state="submitted",
                                        first_submitted_at=dt.datetime(2026, 12, 1, tzinfo=UTC),
                                        reached_review_at=dt.datetime(2026, 12, 2, tzinfo=UTC))
        ReportRevision.objects.create(report=pending, number=1, narrative="第一稿进展", problems="第一稿问题：资金未到位",
                                      submitted_at=dt.datetime(2026, 12, 1, tzinfo=UTC))
        ReportEvent.objects.create(report=pending, action="returned", from_state="unit_approved", to_state="returned",
                                   comment="请补充数据")
        ReportRevision.objects.create(report=pending, number=2, narrative="修改稿进展", problems="修改稿问题：招商未落地",
                                      next_steps="修改稿打算：12月签约", progress=60,
                                      submitted_at=dt.datetime(2026, 12, 3, tzinfo=UTC))
        task2, unit2 = _lead(xiqing_plan, "T4")
        accepted = Report.objects.create(cycle=cycle, task=task2, unit=unit2, is_lead=True, state="accepted",
                                         first_submitted_at=dt.datetime(2026, 12, 1, tzinfo=UTC),
                                         reached_review_at=dt.datetime(2026, 12, 2, tzinfo=UTC),
                                         accepted_at=dt.datetime(2026, 12, 4, tzinfo=UTC))
        ReportRevision.objects.create(report=accepted, number=1, narrative="民俗文化节吸引游客3万人次",
                                      problems="已通过的问题：停车位不足", next_steps="已通过的打算：增设临时停车场",
                                      progress=70, submitted_at=dt.datetime(2026, 12, 1, tzinfo=UTC))
        monthly = text_of(do_generate_document("monthly", {"period": "2026-11"}, actor=office_admin))
        special = text_of(do_generate_document("special", {"task": "T3", "period": "2026-11"}, actor=office_admin))
    for text in (monthly, special):
        assert "第一稿" not in text and "修改稿" not in text  # neither the returned nor the waiting revision
    assert "已通过的问题：停车位不足" in monthly and "已通过的打算：增设临时停车场" in monthly
    assert "民俗文化节吸引游客3万人次" in monthly
    assert "另有1份报告在审核中、0份退回修改，其内容尚未审核通过，本文不予引用。" in monthly
    assert "牵头单位本期报告已提交，待单位负责人审核，内容待审核通过后纳入。" in special
    assert "| 60%" not in special and "| 70%" in monthly  # progress quoted from the accepted revision only


def test_a_reprinted_urge_notice_is_the_document_issued_whatever_happened_since(xiqing_plan, media, fixed_evaluation):
    cycle = _cycle(xiqing_plan)
    t3, unit = _lead(xiqing_plan, "T3")
    keys = []
    for a in Assignment.objects.filter(task__version=xiqing_plan, unit=unit).select_related("task").order_by("task__number")[:2]:
        Report.objects.get_or_create(cycle=cycle, task=a.task, unit=unit, defaults={"is_lead": a.role == "lead"})
        keys.append(a.task.key)
    issue_day = WorkdayCalendar().add_workdays(cycle.due_on, 1)
    with clock.travel(issue_day):
        run_reminders(issue_day)
    notice = Notice.objects.get(kind="urge", unit=unit)
    assert [i["task"] for i in notice.snapshot["items"]] == keys
    with clock.travel(issue_day):
        first = text_of(do_generate_document("urge", {"notice": notice.pk}))
    for key in keys:
        assert f"{key} | " in first and "| 2026年12月7日 | 未提交" in first
    # later: both reports sent up and accepted, the unit renamed; the reprint is still the notice as issued
    Report.objects.filter(cycle=cycle, unit=unit).update(state="accepted",
                                                        reached_review_at=dt.datetime(2026, 12, 20, tzinfo=UTC))
    unit.name = f"{unit.name}（更名后）"
    unit.save()
    from iccity.orgs.models import LeadingGroup

    LeadingGroup.objects.update(office_name="另一个办公室")
    with clock.travel(dt.date(2029, 3, 1)):
        reprint = text_of(do_generate_document("urge", {"notice": notice.pk}))
    assert reprint == first
    assert "（更名后）" not in reprint and "另一个办公室" not in reprint and f"{issue_day.year}年{issue_day.month}月{issue_day.day}日" in reprint


def test_a_notice_issued_before_snapshots_were_kept_prints_the_items_its_text_listed(xiqing_plan, media,
                                                                                    fixed_evaluation):
    _task, unit = _lead(xiqing_plan, "T3")
    notice = Notice.objects.create(
        kind="urge", unit=unit, title="催办单：2026年11月进展报告逾期未报送（2项）", document_number="西青消费督〔2026〕第9号",
        body="西青消费督〔2026〕第9号\n区商务局：\n本单位以下任务尚未报送：\n- T3 打造便民社区商圈（未提交）\n"
             "- T15 促进绿色消费（已退回待修改）\n请抓紧办理。", dedupe_key="legacy-urge")
    text = text_of(do_generate_document("urge", {"notice": notice.pk}))
    assert "T3 | 打造便民社区商圈 | — | 未提交" in text and "T15 | 促进绿色消费 | — | 已退回待修改" in text
