"""The authorization contract (core.policy): may / check / restrict per role and object state, failing closed on an
unknown permission or an object of the wrong kind; and the matrix of every registered permission × every role.

The matrix table must name every registered permission: a new permission joins it with its rows, or this test fails.
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from iccity.complaints.models import Case
from iccity.core import policy
from iccity.core.actions import ActionRefused
from iccity.delivery.models import Report
from iccity.orgs.models import Unit
from iccity.orgs.permissions import Actor

UNIT, OTHER_UNIT, FORCE = 10, 20, 1


def _user(pk: int, staff: bool = False):
    return SimpleNamespace(pk=pk, is_staff=staff, is_authenticated=True, is_active=True)


PEOPLE = {
    "office": Actor(user=_user(1), office_admin=True),
    "leader": Actor(user=_user(2), leader=True),
    "tf_lead": Actor(user=_user(3), leads_task_forces=frozenset({FORCE})),
    "tf_member": Actor(user=_user(4), member_of_task_forces=frozenset({FORCE})),
    "unit_head": Actor(user=_user(5), head_of=frozenset({UNIT})),
    "liaison": Actor(user=_user(6), liaison_of=frozenset({UNIT})),
    "staff": Actor(user=_user(7, staff=True)),
    "outsider": Actor(user=_user(8)),
    "anonymous": Actor(),
}
EVERYBODY = set(PEOPLE)
SIGNED_IN = EVERYBODY - {"anonymous"}
OFFICE = {"office"}
READERS = {"office", "leader"}
TASK_FORCES = {"tf_lead", "tf_member"}
UNIT_STAFF = {"unit_head", "liaison"}
NOBODY: set[str] = set()
OFFICE_OR_STAFF = {"office", "staff"}  # reference data: the office, or a system administrator in the admin
LEDGER_USERS = READERS | TASK_FORCES | UNIT_STAFF

# Asked without an object. Object permissions asked without their object are denied to everybody (fail closed).
GENERAL = {
    "core.admin_site": {"staff"},
    "core.view_api_docs": {"staff", "office"},
    "core.unlock_logins": OFFICE,
    "core.export_audit": OFFICE,
    "core.manage_reference_data": OFFICE_OR_STAFF,
    "core.edit_rules": OFFICE_OR_STAFF,
    "core.edit_calendar": OFFICE_OR_STAFF,
    "orgs.view_units": EVERYBODY,
    "orgs.manage_task_forces": OFFICE,
    "plans.view_plan": EVERYBODY,
    "plans.import_plan": OFFICE,
    "delivery.view_report": NOBODY,
    "delivery.edit_report": NOBODY,
    "delivery.unit_approve": NOBODY,
    "delivery.review_report": NOBODY,
    "delivery.acknowledge": NOBODY,
    "delivery.request_extension": NOBODY,
    "delivery.decide_extension": NOBODY,
    "delivery.comment": READERS,  # and task forces once they drive a task (delivery's own matrix)
    "delivery.reroute": OFFICE,
    "delivery.manage_work_items": OFFICE,
    "delivery.manage_task_forces": OFFICE,
    "delivery.view_overview": READERS | TASK_FORCES,
    "delivery.view_my_tasks": SIGNED_IN,
    "delivery.view_review_queue": OFFICE | TASK_FORCES | {"unit_head"},
    "delivery.read_notice": UNIT_STAFF,  # all one's notices at once: a person with a unit (one notice: below)
    "delivery.set_notice_preferences": SIGNED_IN,
    "complaints.file": EVERYBODY,
    "workspaces.view_office_desk": OFFICE,
    "workspaces.view_taskforce_desk": TASK_FORCES,
    "workspaces.use_desk": NOBODY,  # always about one desk (below)
    "portal.view_portal": EVERYBODY,
    "places.set_coordinates": OFFICE,
    "complaints.track": EVERYBODY,
    "complaints.use_workbench": OFFICE | UNIT_STAFF,
    "complaints.handle_case": NOBODY,
    "complaints.assign_case": OFFICE,
    "evaluation.view_public_progress": EVERYBODY,
    "evaluation.view_leader_summary": READERS | TASK_FORCES,
    "evaluation.view_command_screen": READERS,
    "evaluation.view_ratings": READERS,
    "evaluation.rate_task": OFFICE,
    "evaluation.adjust_scores": OFFICE,
    "evaluation.run_scoring": OFFICE,
    "evaluation.refresh_lights": OFFICE,
    "evaluation.view_scores": READERS | {"tf_lead"},
    "reports.generate_document": OFFICE,
    "reports.use_ledger": LEDGER_USERS,
    "reports.export_ledger": LEDGER_USERS,  # the whole ledger or one's own unit's (one unit's: below)
    "reports.import_ledger": NOBODY,  # always about the export the file came from (below)
    "reports.decide_ledger_import": NOBODY,  # always about one uploaded ledger (below)
    "credit.view_disclosure": EVERYBODY,
    "credit.manage": OFFICE,
    "consumption.view_dashboard": SIGNED_IN,
    "consumption.manage_data": OFFICE,
    "places.view_map": EVERYBODY,
    "places.manage_places": OFFICE,
    "events.view_calendar": EVERYBODY,
    "events.manage_events": OFFICE_OR_STAFF,
    "surveys.take_survey": EVERYBODY,
    "surveys.manage_surveys": OFFICE,
    "surveys.review_responses": OFFICE,
    "indicators.view_catalogue": EVERYBODY,
    "indicators.import_data": OFFICE,
    "indicators.manage_catalogue": OFFICE,
    "indicators.manage_targets": OFFICE,
    "indicators.publish": OFFICE,
    "indicators.create_edition": OFFICE,
    "ops.view_jobs": OFFICE,
    "ops.run_maintenance": OFFICE,
}

# Object states (complaint cases): who handles a case depends on where it was routed and who holds it.
CASES = {
    "routed to the unit": (Case(unit_id=UNIT), OFFICE | UNIT_STAFF),
    "routed elsewhere": (Case(unit_id=OTHER_UNIT), OFFICE),
    "held by the outsider as handler": (Case(unit_id=OTHER_UNIT, handler_id=8), OFFICE | {"outsider"}),
    "not routed yet": (Case(unit_id=None), OFFICE),
}


# Object states of the other object permissions: whose notice, which unit's ledger, who uploaded a ledger.
def _object_states():
    from iccity.delivery.models import Notice
    from iccity.reports.models import LedgerExport, LedgerImport
    from iccity.workspaces.registry import Desk

    return {
        ("delivery.read_notice", "a notice to the unit"): (Notice(unit_id=UNIT), READERS | UNIT_STAFF),
        ("delivery.read_notice", "a notice to another unit"): (Notice(unit_id=OTHER_UNIT), READERS),
        ("reports.export_ledger", "the unit's ledger"): (Unit(pk=UNIT), LEDGER_USERS),
        ("reports.export_ledger", "another unit's ledger"): (Unit(pk=OTHER_UNIT), READERS | TASK_FORCES),
        ("reports.import_ledger", "the unit's export"): (LedgerExport(unit_id=UNIT), OFFICE | UNIT_STAFF),
        ("reports.import_ledger", "another unit's export"): (LedgerExport(unit_id=OTHER_UNIT), OFFICE),
        ("reports.import_ledger", "the whole ledger's export"): (LedgerExport(unit_id=None), LEDGER_USERS),
        ("reports.decide_ledger_import", "uploaded by the liaison"): (LedgerImport(uploaded_by_id=6),
                                                                      OFFICE | {"liaison"}),
        ("reports.decide_ledger_import", "uploaded by the unit head"): (LedgerImport(uploaded_by_id=5),
                                                                        OFFICE | {"unit_head"}),
        ("workspaces.use_desk", "the office desk"): (Desk("office", "办公室工作台", "/"), OFFICE),
        ("workspaces.use_desk", "the task-force desk"): (Desk("taskforce", "专班工作台", "/"), TASK_FORCES),
        ("workspaces.use_desk", "the leader's desk"): (Desk("leader", "领导摘要", "/"), {"leader"}),
        ("workspaces.use_desk", "the unit desk"): (Desk("unit", "单位工作台", "/"), UNIT_STAFF),
    }


OBJECT_STATES = [
    ("delivery.read_notice", "a notice to the unit"), ("delivery.read_notice", "a notice to another unit"),
    ("reports.export_ledger", "the unit's ledger"), ("reports.export_ledger", "another unit's ledger"),
    ("reports.import_ledger", "the unit's export"), ("reports.import_ledger", "another unit's export"),
    ("reports.import_ledger", "the whole ledger's export"),
    ("reports.decide_ledger_import", "uploaded by the liaison"),
    ("reports.decide_ledger_import", "uploaded by the unit head"),
    ("workspaces.use_desk", "the office desk"), ("workspaces.use_desk", "the task-force desk"),
    ("workspaces.use_desk", "the leader's desk"), ("workspaces.use_desk", "the unit desk"),
]


@pytest.mark.parametrize("code,state", OBJECT_STATES)
def test_object_permission_matrix(code, state):
    obj, expected = _object_states()[(code, state)]
    assert {role for role, person in PEOPLE.items() if policy.may(person, code, obj)} == expected


def test_the_matrix_names_every_registered_permission():
    assert set(GENERAL) == set(policy.registered())


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(GENERAL))
def test_general_permission_matrix(code):
    got = {role for role, person in PEOPLE.items() if policy.may(person, code)}
    assert got == GENERAL[code]


@pytest.mark.parametrize("state", list(CASES))
def test_complaint_case_matrix(state):
    case, expected = CASES[state]
    assert {role for role, person in PEOPLE.items() if policy.may(person, "complaints.handle_case", case)} == expected
    assert {role for role, person in PEOPLE.items() if policy.may(person, "complaints.assign_case", case)} == OFFICE


def test_every_permission_speaks_chinese():
    for code, rule in policy.registered().items():
        assert _has_chinese(rule.label), code
        assert rule.public or _has_chinese(rule.message), code


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_unknown_permission_fails_closed():
    office = PEOPLE["office"]
    assert not policy.may(office, "delivery.no_such_thing")
    with pytest.raises(PermissionDenied):
        policy.check(office, "delivery.no_such_thing")


def test_an_object_of_the_wrong_kind_is_denied_not_misread():
    office = PEOPLE["office"]
    assert policy.may(office, "complaints.handle_case", Case(unit_id=UNIT))
    assert not policy.may(office, "complaints.handle_case", Report(unit_id=UNIT))  # a report is not a case
    assert not policy.may(office, "complaints.handle_case")                         # nor is nothing
    assert not policy.may(office, "delivery.view_report", Case(unit_id=UNIT))


def test_check_raises_the_declared_error_with_its_chinese_message():
    with pytest.raises(ActionRefused, match="您不是该案件的承办人员"):
        policy.check(PEOPLE["liaison"], "complaints.handle_case", Case(unit_id=OTHER_UNIT))
    with pytest.raises(PermissionDenied, match="只有区领导、领导小组办公室和专班可以查看领导摘要"):
        policy.check(PEOPLE["liaison"], "evaluation.view_leader_summary")
    policy.check(PEOPLE["tf_lead"], "evaluation.view_leader_summary")  # allowed: nothing raised


def test_the_system_itself_is_not_asked_but_an_anonymous_person_is_refused():
    policy.check_actor(None, "reports.generate_document")
    with pytest.raises(PermissionDenied):
        policy.check_actor(PEOPLE["anonymous"], "reports.generate_document")
    console = Actor(user=None, office_admin=True)  # the operator at the server console acts for the office
    assert policy.may(console, "reports.generate_document")


@pytest.mark.django_db
def test_users_requests_and_actors_get_the_same_answers(rf, django_user_model):
    from iccity.orgs.models import Person, Role, RoleAssignment

    user = django_user_model.objects.create_user("lead-of-nothing", password="x")
    RoleAssignment.objects.create(person=Person.objects.create(user=user, name="领导"), role=Role.LEADER)
    request = rf.get("/")
    request.user = user
    for code in GENERAL:
        assert policy.may(user, code) == policy.may(request, code) == policy.may(Actor.for_user(user), code), code
    assert policy.may(request, "evaluation.view_command_screen")


@pytest.fixture
def unit_rows_permission():
    """A permission with a queryset filter, registered for the test only."""
    policy.register("test.unit_rows", "本单位", "只能查看本单位", lambda person, obj: bool(person.units),
                    kinds=policy.ANY, queryset_filter=lambda qs, person: qs.filter(pk__in=person.units))
    yield "test.unit_rows"
    policy._registry.pop("test.unit_rows")


@pytest.mark.django_db
def test_restrict_filters_lists_by_the_permissions_own_filter(unit_rows_permission):
    a = Unit.objects.create(name="甲单位")
    Unit.objects.create(name="乙单位")
    head = Actor(user=_user(5), head_of=frozenset({a.pk}))
    assert list(policy.restrict(Unit.objects.all(), head, unit_rows_permission)) == [a]
    assert not policy.restrict(Unit.objects.all(), PEOPLE["anonymous"], unit_rows_permission).exists()
    assert not policy.restrict(Unit.objects.all(), head, "no.such_permission").exists()
    # without a filter, a list is all or nothing by the general right
    assert policy.restrict(Unit.objects.all(), PEOPLE["office"], "ops.view_jobs").count() == 2
    assert not policy.restrict(Unit.objects.all(), PEOPLE["leader"], "ops.view_jobs").exists()
