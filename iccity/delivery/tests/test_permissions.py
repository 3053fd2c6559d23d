"""Who may do what in the delivery loop: the full matrix, as a table that reads like the rules.

One world is built once per module (the real Xiqing plan, every role, reports of T1 in every state in their own
cycles, an acknowledgement, a work item and an extension request); each test runs in a savepoint inside it.

Reading the table: ``ALLOWED[(object, perm)]`` is the set of roles allowed; **anything not listed is denied to
everyone** (including the anonymous user, who is never allowed anything).
"""
from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import override_settings

from iccity.core import clock
from iccity.core.actions import ActionRefused
from iccity.core.models import AuditEvent
from iccity.delivery.actions import (
    do_acknowledge, do_add_comment, do_attach_evidence, do_create_work_item, do_decide_extension, do_dispatch_plan,
    do_open_cycle, do_request_extension, do_reroute, do_return_assignment, do_review, do_save_draft, do_set_driven_tasks,
    do_submit_report, do_unit_approve, do_unit_return,
)
from iccity.delivery.models import (
    Acknowledgement, AckState, Comment, DrivenTask, Evidence, ExtensionRequest, Notice, Report, ReportEvent,
    ReportRevision, ReportState, WorkItem,
)
from iccity.delivery.permissions import Perm, Scope, allowed, visible_reports
from iccity.orgs.models import Person, Role, RoleAssignment, TaskForce
from iccity.orgs.permissions import Actor

from .conftest import TODAY, Cast, make_person, scope_of

ROLES = ["office", "leader", "tf_lead", "tf_member", "other_tf", "reporter", "head", "co_reporter", "co_head",
         "other_reporter", "outsider", "anonymous"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# --------------------------------------------------------------------------------------------------------------------
# The rules
# --------------------------------------------------------------------------------------------------------------------
NOBODY: set[str] = set()
LEAD_UNIT = {"reporter", "head"}                       # 区商务局, lead unit of T1
CO_UNIT = {"co_reporter", "co_head"}                   # 区协同办, co-unit of T1
UPSTAIRS = {"office", "leader", "tf_lead", "tf_member"}  # read T1 reports once the unit head sent them up
REVIEWERS = {"office", "tf_lead", "tf_member"}         # review T1 (leaders comment, never review)
DRIVERS = {"office", "tf_lead"}                        # break T1 down and decide its extensions
COMMENTERS = UPSTAIRS                                  # 批示/评论 on T1 and on its reports they can see

ALLOWED: dict[tuple[str, Perm], set[str]] = {
    # The lead unit's report in each state. A draft, a submitted report and one the unit head sent back never leave
    # the unit; once sent up, the office, leaders and T1's task force read it.
    ("lead/draft", Perm.VIEW_REPORT): LEAD_UNIT,
    ("lead/draft", Perm.EDIT_REPORT): LEAD_UNIT,
    ("lead/submitted", Perm.VIEW_REPORT): LEAD_UNIT,
    ("lead/submitted", Perm.UNIT_APPROVE): {"head"},  # never the reporter (联络员)
    ("lead/submitted_by_head", Perm.VIEW_REPORT): LEAD_UNIT,
    ("lead/submitted_by_head", Perm.UNIT_APPROVE): NOBODY,  # the head wrote it: nobody approves their own revision
    ("lead/unit_approved", Perm.VIEW_REPORT): LEAD_UNIT | UPSTAIRS,
    ("lead/unit_approved", Perm.REVIEW): REVIEWERS,
    ("lead/unit_approved", Perm.COMMENT): COMMENTERS,
    ("lead/accepted", Perm.VIEW_REPORT): LEAD_UNIT | UPSTAIRS,
    ("lead/accepted", Perm.COMMENT): COMMENTERS,
    ("lead/returned", Perm.VIEW_REPORT): LEAD_UNIT | UPSTAIRS,
    ("lead/returned", Perm.EDIT_REPORT): LEAD_UNIT,
    ("lead/returned", Perm.COMMENT): COMMENTERS,
    ("lead/unit_returned", Perm.VIEW_REPORT): LEAD_UNIT,
    ("lead/unit_returned", Perm.EDIT_REPORT): LEAD_UNIT,
    # The co-unit's report: the same, and the lead unit (which consolidates) reads it once sent up.
    ("co/draft", Perm.VIEW_REPORT): CO_UNIT,
    ("co/draft", Perm.EDIT_REPORT): CO_UNIT,
    ("co/submitted", Perm.VIEW_REPORT): CO_UNIT,
    ("co/submitted", Perm.UNIT_APPROVE): {"co_head"},
    ("co/unit_approved", Perm.VIEW_REPORT): CO_UNIT | LEAD_UNIT | UPSTAIRS,
    ("co/unit_approved", Perm.REVIEW): REVIEWERS,
    ("co/unit_approved", Perm.COMMENT): COMMENTERS,
    ("co/accepted", Perm.VIEW_REPORT): CO_UNIT | LEAD_UNIT | UPSTAIRS,
    ("co/accepted", Perm.COMMENT): COMMENTERS,
    ("co/returned", Perm.VIEW_REPORT): CO_UNIT | LEAD_UNIT | UPSTAIRS,
    ("co/returned", Perm.EDIT_REPORT): CO_UNIT,
    ("co/returned", Perm.COMMENT): COMMENTERS,
    ("co/unit_returned", Perm.VIEW_REPORT): CO_UNIT,
    ("co/unit_returned", Perm.EDIT_REPORT): CO_UNIT,
    # T4 (led by 区文旅局, driven by the other task force): T1's task force neither sees nor reviews it.
    ("T4/unit_approved", Perm.VIEW_REPORT): {"other_reporter", "office", "leader", "other_tf"},
    ("T4/unit_approved", Perm.REVIEW): {"office", "other_tf"},
    ("T4/unit_approved", Perm.COMMENT): {"office", "leader", "other_tf"},
    # 签收: the unit acknowledges its own pending assignment; only the office re-routes, and only a returned one.
    ("ack/pending", Perm.ACKNOWLEDGE): LEAD_UNIT,
    ("ack/returned", Perm.REROUTE): {"office"},
    # Work items and extensions of T1.
    ("task", Perm.COMMENT): COMMENTERS,
    ("task", Perm.MANAGE_WORK_ITEMS): DRIVERS,
    ("work_item", Perm.MANAGE_WORK_ITEMS): DRIVERS,
    ("work_item", Perm.REQUEST_EXTENSION): LEAD_UNIT,
    ("extension", Perm.DECIDE_EXTENSION): DRIVERS,  # a task-force member reviews reports but does not decide
    # General rights (asked without an object).
    ("none", Perm.COMMENT): COMMENTERS | {"other_tf"},
    ("none", Perm.REROUTE): {"office"},
    ("none", Perm.MANAGE_WORK_ITEMS): {"office"},
}
OBJECTS = ["lead/draft", "lead/submitted", "lead/submitted_by_head", "lead/unit_approved", "lead/accepted",
           "lead/returned", "lead/unit_returned", "co/draft", "co/submitted", "co/unit_approved", "co/accepted",
           "co/returned", "co/unit_returned", "T4/unit_approved", "ack/pending", "ack/returned", "task", "work_item",
           "extension", "none"]
# Rights that do not depend on the object: the same answer whatever it is asked about.
GLOBAL = {Perm.MANAGE_TASK_FORCES: {"office"}, Perm.VIEW_OVERVIEW: {"office", "leader", "tf_lead", "tf_member", "other_tf"}}
for _obj in OBJECTS:
    for _perm, _roles in GLOBAL.items():
        ALLOWED[(_obj, _perm)] = _roles
assert {o for o, _ in ALLOWED} <= set(OBJECTS)


# --------------------------------------------------------------------------------------------------------------------
# The world
# --------------------------------------------------------------------------------------------------------------------
class World:
    def __init__(self):
        from iccity.orgs.actions import do_load_registry
        from iccity.plans.actions import XIQING_PLAN_FILE, XIQING_PLAN_SLUG, do_import_plan

        do_load_registry()
        version = do_import_plan(XIQING_PLAN_FILE.read_bytes(), XIQING_PLAN_FILE.name, plan_slug=XIQING_PLAN_SLUG).version
        self.cast = cast = Cast(get_user_model(), version)
        self.t4 = version.tasks.get(key="T4")
        DrivenTask.objects.create(task_force=TaskForce.objects.get(name="文旅融合专班"), task=self.t4)
        s = cast.scope
        do_dispatch_plan(version, scope=s("office"), on=TODAY)
        plan = version.plan
        self.objects: dict[str, object] = {"task": cast.task, "none": None}
        month = iter(range(3, 12))

        def report_in(state: str, unit, reporter: str, head: str, cycle) -> Report:
            report = Report.objects.get(cycle=cycle, task=cast.task, unit=unit)
            do_save_draft(report, {"narrative": f"{unit} {state}"}, scope=s(reporter))
            if state == "draft":
                return report
            do_submit_report(report, scope=s(reporter))
            if state == "unit_returned":
                do_unit_return(report, "请补充数据", scope=s(head))
            elif state != "submitted":
                do_unit_approve(report, scope=s(head))
                if state in ("accepted", "returned"):
                    do_review(report, state == "accepted", "" if state == "accepted" else "请补充佐证", scope=s("tf_member"))
            report.refresh_from_db()
            assert report.state == state.removeprefix("unit_") if state == "unit_returned" else report.state == state
            return report

        for state in ["draft", "submitted", "unit_approved", "accepted", "returned", "unit_returned"]:
            cycle, _ = do_open_cycle(plan, dt.date(2026, next(month), 1), scope=s("office"))
            self.objects[f"lead/{state}"] = report_in(state, cast.lead_unit, "reporter", "head", cycle)
            self.objects[f"co/{state}"] = report_in(state, cast.co_unit, "co_reporter", "co_head", cycle)
            if state == "unit_approved":
                t4 = Report.objects.get(cycle=cycle, task=self.t4, unit=cast.other_unit)
                do_save_draft(t4, {"narrative": "文旅推进"}, scope=s("other_reporter"))
                do_submit_report(t4, scope=s("other_reporter"))
                self.other_head = make_person(get_user_model(), "other_head", Role.UNIT_HEAD, unit=cast.other_unit)
                do_unit_approve(t4, scope=scope_of(self.other_head))
                self.objects["T4/unit_approved"] = Report.objects.get(pk=t4.pk)
        cycle, _ = do_open_cycle(plan, dt.date(2026, next(month), 1), scope=s("office"))
        by_head = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
        do_save_draft(by_head, {"narrative": "负责人亲自填报"}, scope=s("head"))
        do_submit_report(by_head, scope=s("head"))
        self.objects["lead/submitted_by_head"] = Report.objects.get(pk=by_head.pk)

        self.objects["ack/pending"] = Acknowledgement.objects.get(assignment__task=cast.task, assignment__unit=cast.lead_unit)
        co_ack = Acknowledgement.objects.get(assignment__task=cast.task, assignment__unit=cast.co_unit)
        self.objects["ack/returned"] = do_return_assignment(co_ack, "本单位不承担该项工作", scope=s("co_reporter"))
        item = do_create_work_item(cast.task, {"title": "编制南站商圈规划", "lead_unit": cast.lead_unit,
                                               "co_units": [cast.co_unit], "deadline": dt.date(2026, 6, 30)},
                                   scope=s("office"))
        self.objects["work_item"] = item
        self.objects["extension"] = do_request_extension(item, dt.date(2026, 9, 30), "规划评审推迟", scope=s("reporter"))
        self.scopes = {role: (Scope.of(Actor()) if role == "anonymous" else s(role)) for role in ROLES}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once per module in a transaction that is rolled back at the end; each test runs in a savepoint."""
    with django_db_blocker.unblock(), clock.travel(TODAY), \
            override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), transaction.atomic():
        yield World()
        transaction.set_rollback(True)


def fresh(world: World, name: str):
    obj = world.objects[name]
    return None if obj is None else type(obj).objects.get(pk=obj.pk)


# --------------------------------------------------------------------------------------------------------------------
# The matrix
# --------------------------------------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("perm", list(Perm), ids=str)
@pytest.mark.parametrize("obj_name", OBJECTS)
def test_permission_matrix(world, obj_name, perm):
    obj = world.objects[obj_name]
    got = {role for role in ROLES if allowed(world.scopes[role], perm, obj)}
    assert got == ALLOWED.get((obj_name, perm), NOBODY)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_visible_reports_agrees_with_view_permission(world, role):
    scope = world.scopes[role]
    reports = list(Report.objects.all())
    visible = set(visible_reports(scope).values_list("pk", flat=True))
    assert visible == {r.pk for r in reports if allowed(scope, Perm.VIEW_REPORT, r)}
    # and the list really holds what the matrix says about T1/T4 reports
    named = {name for name in OBJECTS if isinstance(world.objects[name], Report)}
    assert {n for n in named if world.objects[n].pk in visible} == {
        n for n in named if role in ALLOWED.get((n, Perm.VIEW_REPORT), NOBODY)}


@pytest.mark.django_db
def test_no_unit_sees_another_units_unsent_reports_in_lists(world):
    """Across all ~700 report slots of the plan, not only T1: drafts and unsent reports stay in their unit."""
    for role in ROLES:
        scope = world.scopes[role]
        leaked = visible_reports(scope).filter(reached_review_at__isnull=True).exclude(unit_id__in=scope.actor.units)
        assert not leaked.exists(), role


# --------------------------------------------------------------------------------------------------------------------
# Denied actions raise PermissionDenied and write nothing
# --------------------------------------------------------------------------------------------------------------------
def snapshot() -> dict:
    return {
        "audit": AuditEvent.objects.count(),
        "events": ReportEvent.objects.count(),
        "revisions": list(ReportRevision.objects.order_by("pk").values_list("pk", "narrative", "submitted_at")),
        "reports": list(Report.objects.order_by("pk").values_list("pk", "state", "lock_version")),
        "acks": list(Acknowledgement.objects.order_by("pk").values_list("pk", "state")),
        "items": list(WorkItem.objects.order_by("pk").values_list("pk", "deadline", "state")),
        "extensions": list(ExtensionRequest.objects.order_by("pk").values_list("pk", "state")),
        "comments": Comment.objects.count(), "notices": Notice.objects.count(), "evidence": Evidence.objects.count(),
        "driven": DrivenTask.objects.count(),
    }


DENIED_ACTIONS = {
    "reporter unit-approves": ("reporter", lambda w, s: do_unit_approve(fresh(w, "lead/submitted"), scope=s)),
    "co-unit head approves the lead's report": ("co_head", lambda w, s: do_unit_approve(fresh(w, "lead/submitted"), scope=s)),
    "task force approves for the unit": ("tf_lead", lambda w, s: do_unit_approve(fresh(w, "lead/submitted"), scope=s)),
    "reporter returns at unit level": ("reporter", lambda w, s: do_unit_return(fresh(w, "lead/submitted"), "改", scope=s)),
    "leader reviews": ("leader", lambda w, s: do_review(fresh(w, "lead/unit_approved"), True, "", scope=s)),
    "other task force reviews": ("other_tf", lambda w, s: do_review(fresh(w, "lead/unit_approved"), True, "", scope=s)),
    "unit head reviews": ("head", lambda w, s: do_review(fresh(w, "lead/unit_approved"), True, "", scope=s)),
    "reporter reviews": ("reporter", lambda w, s: do_review(fresh(w, "lead/accepted"), False, "改", scope=s)),
    "co-unit edits the lead's draft": ("co_reporter", lambda w, s: do_save_draft(fresh(w, "lead/draft"), {"narrative": "x"}, scope=s)),
    "other unit submits": ("other_reporter", lambda w, s: do_submit_report(fresh(w, "lead/draft"), scope=s)),
    "office edits a unit's draft": ("office", lambda w, s: do_save_draft(fresh(w, "lead/draft"), {"narrative": "x"}, scope=s)),
    "outsider edits": ("outsider", lambda w, s: do_save_draft(fresh(w, "lead/draft"), {"narrative": "x"}, scope=s)),
    "anonymous submits": ("anonymous", lambda w, s: do_submit_report(fresh(w, "lead/draft"), scope=s)),
    "other unit attaches evidence": ("other_reporter", lambda w, s: do_attach_evidence(fresh(w, "lead/draft"), "a.pdf", PDF, scope=s)),
    "co-unit acknowledges the lead's task": ("co_reporter", lambda w, s: do_acknowledge(fresh(w, "ack/pending"), scope=s)),
    "task force returns a unit's task": ("tf_lead", lambda w, s: do_return_assignment(fresh(w, "ack/pending"), "不是本单位职责", scope=s)),
    "task force re-routes": ("tf_lead", lambda w, s: do_reroute(fresh(w, "ack/returned"), w.cast.other_unit, scope=s)),
    "unit head creates work items": ("head", lambda w, s: do_create_work_item(w.cast.task, {"title": "x", "lead_unit": w.cast.lead_unit}, scope=s)),
    "task-force member creates work items": ("tf_member", lambda w, s: do_create_work_item(w.cast.task, {"title": "x", "lead_unit": w.cast.lead_unit}, scope=s)),
    "co-unit requests an extension": ("co_reporter", lambda w, s: do_request_extension(fresh(w, "work_item"), dt.date(2026, 12, 1), "忙", scope=s)),
    "task-force member decides an extension": ("tf_member", lambda w, s: do_decide_extension(fresh(w, "extension"), True, "", scope=s)),
    "requesting unit decides its own extension": ("head", lambda w, s: do_decide_extension(fresh(w, "extension"), True, "", scope=s)),
    "other task force comments on T1": ("other_tf", lambda w, s: do_add_comment(w.cast.task, "加快", scope=s)),
    "other task force comments on a T1 report": ("other_tf", lambda w, s: do_add_comment(w.cast.task, "加快", scope=s, report=fresh(w, "lead/accepted"))),
    "leader comments on a draft": ("leader", lambda w, s: do_add_comment(w.cast.task, "加快", scope=s, report=fresh(w, "lead/draft"))),
    "reporter comments": ("reporter", lambda w, s: do_add_comment(w.cast.task, "加快", scope=s)),
    "unit head dispatches": ("head", lambda w, s: do_dispatch_plan(w.cast.version, scope=s)),
    "task force opens a cycle": ("tf_lead", lambda w, s: do_open_cycle(w.cast.version.plan, dt.date(2026, 10, 1), scope=s)),
    "task force lead sets driven tasks": ("tf_lead", lambda w, s: do_set_driven_tasks(w.cast.task_force, [w.t4], scope=s)),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(DENIED_ACTIONS))
def test_denied_action_raises_permission_denied_and_writes_nothing(world, case):
    role, action = DENIED_ACTIONS[case]
    before = snapshot()
    with pytest.raises(PermissionDenied):
        action(world, world.scopes[role])
    assert snapshot() == before


# --------------------------------------------------------------------------------------------------------------------
# Principles that need a person with two hats, or a comment to be written
# --------------------------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_unit_head_cannot_approve_the_revision_they_wrote(world):
    report = fresh(world, "lead/submitted_by_head")
    before = snapshot()
    with pytest.raises(ActionRefused, match="不能审核自己填报的报告，请由本单位其他负责人审核"):
        do_unit_approve(report, scope=world.scopes["head"])
    assert snapshot() == before


@pytest.mark.django_db
def test_task_force_member_who_wrote_the_report_for_their_unit_cannot_review_it(world):
    """The task force is hosted by 区商务局: one of its liaisons may also sit in the task force."""
    cast = world.cast
    dual = make_person(get_user_model(), "dual", Role.LIAISON, unit=cast.lead_unit)
    RoleAssignment.objects.create(person=Person.objects.get(user=dual), role=Role.TASK_FORCE_MEMBER,
                                  task_force=cast.task_force)
    cycle, _ = do_open_cycle(cast.version.plan, dt.date(2026, 10, 1), scope=world.scopes["office"])
    report = Report.objects.get(cycle=cycle, task=cast.task, unit=cast.lead_unit)
    do_save_draft(report, {"narrative": "双重身份填报"}, scope=scope_of(dual))
    do_submit_report(report, scope=scope_of(dual))
    do_unit_approve(report, scope=world.scopes["head"])
    report.refresh_from_db()
    assert not allowed(scope_of(dual), Perm.REVIEW, report)
    assert allowed(world.scopes["tf_member"], Perm.REVIEW, report)
    with pytest.raises(ActionRefused, match="不能审核自己填报的报告"):
        do_review(report, True, "", scope=scope_of(dual))
    report.refresh_from_db()
    assert report.state == ReportState.UNIT_APPROVED


@pytest.mark.django_db
def test_leader_writes_an_instruction_on_a_sent_up_report_but_cannot_review_it(world):
    report = fresh(world, "lead/unit_approved")
    comment = do_add_comment(world.cast.task, "抓紧推进招商", scope=world.scopes["leader"], report=report)
    assert comment.is_instruction and comment.report_id == report.pk
    with pytest.raises(PermissionDenied, match="只有负责该任务的专班或领导小组办公室可以审核"):
        do_review(report, True, "", scope=world.scopes["leader"])


@pytest.mark.django_db
def test_reviewer_comment_is_not_an_instruction(world):
    comment = do_add_comment(world.cast.task, "请补充数据", scope=world.scopes["tf_member"], report=fresh(world, "co/accepted"))
    assert not comment.is_instruction


@pytest.mark.django_db
def test_comment_on_a_report_of_another_task_is_refused(world):
    with pytest.raises(ActionRefused, match="报告不属于该任务"):
        do_add_comment(world.t4, "x", scope=world.scopes["office"], report=fresh(world, "lead/accepted"))


@pytest.mark.django_db
def test_unit_role_row_with_a_task_force_filled_in_still_means_that_unit(world):
    """A data-entry slip (both unit and task force set on a 单位负责人 row) must not make someone head of another unit."""
    cast = world.cast
    user = get_user_model().objects.create_user("slip")
    person = Person.objects.create(user=user, name="slip")
    RoleAssignment.objects.create(person=person, role=Role.UNIT_HEAD, unit=cast.co_unit, task_force=cast.task_force)
    actor = Actor.for_user(user)
    assert actor.head_of == {cast.co_unit.pk}
    assert actor.task_forces == frozenset()


@pytest.mark.django_db
def test_inactive_user_is_treated_as_anonymous(world):
    head = world.cast.head
    head.is_active = False
    head.save()
    scope = scope_of(head)
    assert scope.actor.is_public
    assert not allowed(scope, Perm.VIEW_REPORT, fresh(world, "lead/draft"))
    assert not visible_reports(scope).exists()


@pytest.mark.django_db
def test_acknowledging_twice_is_a_conflict_not_a_permission_error(world):
    from iccity.core.actions import ConflictError

    do_acknowledge(fresh(world, "ack/pending"), scope=world.scopes["reporter"])
    with pytest.raises(ConflictError, match="该任务已签收，无需重复操作"):
        do_acknowledge(fresh(world, "ack/pending"), scope=world.scopes["head"])
    assert fresh(world, "ack/pending").state == AckState.ACKNOWLEDGED
