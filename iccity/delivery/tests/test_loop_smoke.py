"""The whole loop once, through actions only: the backbone the pages and jobs build on."""
from iccity.core.models import AuditEvent
from iccity.delivery.actions import (
    do_attach_evidence, do_review, do_save_draft, do_submit_report, do_unit_approve,
)
from iccity.delivery.models import Report, ReportState


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_report_goes_from_draft_to_accepted_after_one_return(cast, cycle):
    report = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
    assert report.is_lead
    do_save_draft(report, {"narrative": "完成南站商圈规划初稿", "progress": 30}, scope=cast.scope("reporter"))
    do_attach_evidence(report, "规划初稿.pdf", PDF, scope=cast.scope("reporter"))
    do_submit_report(report, scope=cast.scope("reporter"))
    do_unit_approve(report, scope=cast.scope("head"))
    do_review(report, False, "请补充招商进展数据", scope=cast.scope("tf_member"))
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    do_save_draft(report, {"narrative": "完成南站商圈规划初稿，签约3个项目"}, scope=cast.scope("reporter"))
    do_submit_report(report, scope=cast.scope("reporter"))
    do_unit_approve(report, scope=cast.scope("head"))
    do_review(report, True, "", scope=cast.scope("tf_lead"))
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    revisions = list(report.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].narrative == "完成南站商圈规划初稿" and revisions[0].is_frozen
    assert revisions[1].evidence.count() == 1  # evidence carried into the new revision
    actions = list(report.events.values_list("action", flat=True))
    assert actions == ["submitted", "unit_approved", "returned", "submitted", "unit_approved", "accepted"]
    assert AuditEvent.objects.filter(object_id=str(report.pk), action__startswith="delivery.report.").count() == 8
