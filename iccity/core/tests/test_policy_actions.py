"""Actions ask the contract: in every app, a person without the right is refused by the action itself (the Chinese
refusal of the permission it asks) and nothing is written; the same call by the office goes through.

The permission × role rows of these rights are in ``test_policy.py``; here each app proves one of its actions asks.
"""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from iccity.core.actions import ActionRefused
from iccity.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider(django_user_model):
    """Signed in, active, no role anywhere (not staff either)."""
    return django_user_model.objects.create_user("outsider", password="outsider-pass-123")


@pytest.fixture
def liaison(django_user_model):
    from iccity.orgs.models import Person, Role, RoleAssignment, Unit

    user = django_user_model.objects.create_user("liaison-x", password="liaison-pass-123")
    unit = Unit.objects.create(name="权限测试单位")
    RoleAssignment.objects.create(person=Person.objects.create(user=user, name="联络员"), role=Role.LIAISON, unit=unit)
    return user


def _nothing_audited(since: int) -> bool:
    return not AuditEvent.objects.filter(pk__gt=since).exists()


def _last_audit() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_core_rules_and_holidays_refuse_a_person_who_is_neither_office_nor_administrator(outsider, office_admin):
    from iccity.core.actions import do_create_rule_version
    from iccity.core.actions_calendar import do_set_holiday_override
    from iccity.core.models import HolidayOverride, Rule

    mark = _last_audit()
    with pytest.raises(PermissionDenied, match="只有领导小组办公室或系统管理员可以修改规则"):
        do_create_rule_version(key="test.rule", title="测试规则", value={"n": 1}, effective_from=dt.date(2026, 1, 1),
                               source="测试", actor=outsider)
    with pytest.raises(PermissionDenied, match="只有领导小组办公室或系统管理员可以调整节假日数据"):
        do_set_holiday_override(date=dt.date(2026, 10, 9), kind="workday", source="测试", actor=outsider)
    assert not Rule.objects.filter(key="test.rule").exists()
    assert not HolidayOverride.objects.exists() and _nothing_audited(mark)

    do_create_rule_version(key="test.rule", title="测试规则", value={"n": 1}, effective_from=dt.date(2026, 1, 1),
                           source="测试", actor=office_admin)
    assert Rule.objects.filter(key="test.rule").count() == 1


def test_indicator_data_entry_refuses_a_unit_liaison(liaison, office_admin):
    from iccity.indicators.actions.catalogue import do_create_release
    from iccity.indicators.models import Release

    mark = _last_audit()
    with pytest.raises(PermissionDenied, match="只有领导小组办公室工作人员可以录入指标数据"):
        do_create_release("2025年统计月报", "区统计局", dt.date(2025, 2, 1), actor=liaison)
    assert not Release.objects.exists() and _nothing_audited(mark)
    do_create_release("2025年统计月报", "区统计局", dt.date(2025, 2, 1), actor=office_admin)
    assert Release.objects.count() == 1


def test_events_refuse_a_person_who_is_neither_office_nor_administrator(outsider, office_admin):
    from iccity.events.actions import do_save_event
    from iccity.events.models import Event

    mark = _last_audit()
    with pytest.raises(PermissionDenied, match="只有领导小组办公室或系统管理员可以维护节庆活动及其场次"):
        do_save_event(Event(name="权限测试灯会", kind="lantern"), actor=outsider, created=True)
    assert not Event.objects.filter(name="权限测试灯会").exists() and _nothing_audited(mark)
    do_save_event(Event(name="权限测试灯会", kind="lantern"), actor=office_admin, created=True)
    assert Event.objects.filter(name="权限测试灯会").exists()


def test_surveys_refuse_a_unit_liaison_but_anybody_may_answer(liaison, office_admin):
    from iccity.surveys.actions import do_ensure_area
    from iccity.surveys.models import SurveyArea

    mark = _last_audit()
    with pytest.raises(ActionRefused, match="只有领导小组办公室可以管理满意度调查"):
        do_ensure_area("test-area", "权限测试商圈", actor=liaison)
    assert not SurveyArea.objects.filter(code="test-area").exists() and _nothing_audited(mark)
    do_ensure_area("test-area", "权限测试商圈", actor=office_admin)
    assert SurveyArea.objects.filter(code="test-area").exists()


def test_places_refuse_a_unit_liaison(liaison, office_admin):
    from iccity.places.actions import do_create_community
    from iccity.places.models import Community

    mark = _last_audit()
    with pytest.raises(PermissionDenied, match="只有领导小组办公室可以维护场所、便民网点和社区"):
        do_create_community(name="权限测试社区", town="杨柳青镇", latitude="39.14", longitude="117.01", actor=liaison)
    assert not Community.objects.exists() and _nothing_audited(mark)
    do_create_community(name="权限测试社区", town="杨柳青镇", latitude="39.14", longitude="117.01", actor=office_admin)
    assert Community.objects.count() == 1


def test_consumption_data_changes_refuse_a_signed_in_person_without_the_right(liaison, tmp_path, settings):
    from iccity.consumption.actions.ingest import do_rebuild_rollups

    settings.ICCITY_CONSUMPTION_DIR = str(tmp_path / "lake")
    mark = _last_audit()
    with pytest.raises(PermissionDenied, match="只有领导小组办公室可以导入、重算、清除或发布消费数据"):
        do_rebuild_rollups(actor=liaison)
    assert not (tmp_path / "lake").exists() and _nothing_audited(mark)  # refused before the lake is touched


def test_ops_maintenance_refuses_a_unit_liaison(liaison, office_admin):
    from iccity.ops.actions import do_purge_runs
    from iccity.ops.models import JobRun

    old = JobRun.objects.create(job="test.job", label="测试", worker="w1", result=JobRun.Result.FAILED,
                                started_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    mark = _last_audit()
    with pytest.raises(PermissionDenied, match="只有领导小组办公室工作人员可以清理运行记录、备份或恢复数据"):
        do_purge_runs(actor=liaison)
    assert JobRun.objects.filter(pk=old.pk).exists() and _nothing_audited(mark)
    assert do_purge_runs(actor=office_admin) == 1


def test_the_ledger_refuses_another_units_export(liaison):
    from iccity.orgs.models import Unit
    from iccity.reports.actions.ledger import do_export_ledger
    from iccity.reports.models import LedgerExport

    other = Unit.objects.create(name="别的单位")
    mark = _last_audit()
    with pytest.raises(PermissionDenied, match="单位联络员、负责人只能导出本单位的台账"):
        do_export_ledger(liaison, other)
    assert not LedgerExport.objects.exists() and _nothing_audited(mark)
    do_export_ledger(liaison)  # its own unit's ledger
    assert LedgerExport.objects.get().unit.name == "权限测试单位"


def test_notices_refuse_people_without_a_unit_and_preferences_refuse_visitors(outsider):
    from iccity.delivery.actions import do_mark_notices_read, do_set_notice_preferences
    from iccity.delivery.models import NotificationPreference
    from iccity.delivery.permissions import Scope
    from iccity.orgs.permissions import Actor

    mark = _last_audit()
    with pytest.raises(PermissionDenied, match="只能标记本单位的通知"):
        do_mark_notices_read(scope=Scope.of(Actor.for_user(outsider)))
    with pytest.raises(PermissionDenied, match="请先登录"):
        do_set_notice_preferences({"email": "off"}, scope=Scope.of(Actor()))
    assert not NotificationPreference.objects.exists() and _nothing_audited(mark)
    do_set_notice_preferences({"email": "off"}, scope=Scope.of(Actor.for_user(outsider)))
    assert NotificationPreference.objects.filter(user=outsider).exists()


def test_scoring_and_lights_refuse_a_unit_liaison(liaison):
    from iccity.evaluation.actions.lights import do_refresh_lights
    from iccity.evaluation.actions.scoring import do_score_period
    from iccity.evaluation.models import ScoreRun, TaskLight

    mark = _last_audit()
    with pytest.raises(ActionRefused, match="只有领导小组办公室可以计算考评得分"):
        do_score_period("2025-01", actor=liaison)
    with pytest.raises(ActionRefused, match="只有领导小组办公室可以刷新任务亮灯"):
        do_refresh_lights(None, dt.date(2025, 1, 31), actor=liaison)
    assert not ScoreRun.objects.exists() and not TaskLight.objects.exists() and _nothing_audited(mark)


def test_plan_uploads_refuse_a_unit_liaison(liaison):
    from iccity.plans.actions import do_start_import
    from iccity.plans.models import ImportDraft, Plan

    mark = _last_audit()
    with pytest.raises(PermissionDenied, match="只有领导小组办公室工作人员可以执行此操作"):
        do_start_import("一、总体目标\n".encode(), "plan.txt", actor=liaison)
    assert not Plan.objects.exists() and not ImportDraft.objects.exists() and _nothing_audited(mark)
