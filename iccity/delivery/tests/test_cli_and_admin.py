"""The command line and the admin enforce the same rules as the pages."""
import pytest
from django.core.management import call_command

from iccity.delivery.actions import do_save_draft, do_submit_report, do_unit_approve
from iccity.delivery.models import Acknowledgement, Report, ReportState


def test_cli_acts_with_the_users_permissions(cast, cycle, capsys):
    ack = Acknowledgement.objects.get(assignment__task=cast.task, assignment__unit=cast.co_unit)
    with pytest.raises(SystemExit) as exc:
        call_command("oversee", "--as", "other_reporter", "acknowledge", str(ack.pk))
    assert exc.value.code == 2 and "无权操作" in capsys.readouterr().err
    call_command("oversee", "--as", "co_reporter", "acknowledge", str(ack.pk))
    assert "已签收" in capsys.readouterr().out
    ack.refresh_from_db()
    assert ack.state == "acknowledged"


def test_cli_review_refuses_a_reporter_and_accepts_for_the_task_force(cast, cycle, capsys):
    report = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
    do_save_draft(report, {"narrative": "推进中"}, scope=cast.scope("reporter"))
    do_submit_report(report, scope=cast.scope("reporter"))
    do_unit_approve(report, scope=cast.scope("head"))
    with pytest.raises(SystemExit):
        call_command("oversee", "--as", "reporter", "review", str(report.pk), "accept")
    assert "无权操作" in capsys.readouterr().err
    call_command("oversee", "--as", "tf_member", "review", str(report.pk), "accept")
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED


def test_cli_unknown_user_is_a_clear_error(cast, capsys):
    with pytest.raises(SystemExit):
        call_command("oversee", "--as", "nobody", "dispatch", "xiqing-icc")
    assert "没有用户 nobody" in capsys.readouterr().err


def test_admin_report_list_hides_other_units_drafts_even_from_the_office(cast, cycle, client):
    draft = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
    do_save_draft(draft, {"narrative": "仅本单位可见的草稿内容"}, scope=cast.scope("reporter"))
    sent_up = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.co_unit)
    do_save_draft(sent_up, {"narrative": "已报送"}, scope=cast.scope("co_reporter"))
    do_submit_report(sent_up, scope=cast.scope("co_reporter"))
    do_unit_approve(sent_up, scope=cast.scope("co_head"))
    cast.office.is_staff = True
    cast.office.save()
    client.force_login(cast.office)
    page = client.get("/admin/delivery/report/?q=&task__id__exact=%d" % cast.task.pk)
    assert page.status_code == 200
    ids = {r.pk for r in page.context["cl"].result_list}
    assert sent_up.pk in ids and draft.pk not in ids
    revisions = client.get("/admin/delivery/reportrevision/")
    assert "仅本单位可见的草稿内容" not in revisions.content.decode()


def test_admin_delivery_configuration_is_office_only(cast, client):
    cast.reporter.is_staff = True
    cast.reporter.save()
    client.force_login(cast.reporter)
    assert client.get("/admin/delivery/channel/").status_code == 403
