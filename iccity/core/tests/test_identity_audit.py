"""Issue 12 item 10 (identity part): user creation, password resets and changes, staff/superuser/active flags, group
and permission changes and role assignments each leave an ``auth.*`` audit record naming who did it."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from iccity.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def actions_about(obj) -> list[str]:
    return list(AuditEvent.objects.filter(object_id=str(obj.pk), action__startswith="auth.")
                .order_by("id").values_list("action", flat=True))


def test_creating_a_user_and_raising_it_to_superuser_in_the_admin_is_audited(client, office_admin, django_user_model):
    client.force_login(office_admin)
    response = client.post("/admin/auth/user/add/", {"username": "newstaff", "password1": "Orchard-vapor-61-lime",
                                                     "password2": "Orchard-vapor-61-lime", "usable_password": "true"})
    assert response.status_code == 302
    user = django_user_model.objects.get(username="newstaff")
    created = AuditEvent.objects.get(action="auth.user.created", object_id=str(user.pk))
    assert created.actor == office_admin and created.after["is_superuser"] is False
    user.is_superuser = user.is_staff = True
    user.save()  # from the shell: no request, recorded as 系统
    flags = AuditEvent.objects.get(action="auth.user.flags_changed", object_id=str(user.pk))
    assert flags.before == {"is_staff": False, "is_superuser": False} and flags.after == {"is_staff": True,
                                                                                           "is_superuser": True}
    assert flags.actor_label == "系统"


def test_a_weak_password_is_refused_in_the_admin_too(client, office_admin, django_user_model):
    client.force_login(office_admin)
    response = client.post("/admin/auth/user/add/", {"username": "weakling", "password1": "xiqing01",
                                                     "password2": "xiqing01", "usable_password": "true"})
    assert response.status_code == 200 and "密码太短" in response.content.decode()
    assert not django_user_model.objects.filter(username="weakling").exists()


def test_group_and_permission_changes_are_audited(django_user_model):
    user = django_user_model.objects.create_user("grouped", password="x")
    group = Group.objects.create(name="审核员")
    user.groups.add(group)
    user.groups.remove(group)
    assert actions_about(user) == ["auth.user.created", "auth.user.groups_changed", "auth.user.groups_changed"]
    added = AuditEvent.objects.filter(action="auth.user.groups_changed").order_by("id").first()
    assert added.after == {"change": "add", "groups": ["审核员"]}


def test_role_grants_and_revocations_are_audited_whoever_makes_them(django_user_model):
    from iccity.orgs.models import Person, Role, RoleAssignment

    person = Person.objects.create(name="李联络", user=django_user_model.objects.create_user("li", password="x"))
    role = RoleAssignment.objects.create(person=person, role=Role.OFFICE_ADMIN)
    role.delete()
    granted = AuditEvent.objects.get(action="auth.role.granted")
    revoked = AuditEvent.objects.get(action="auth.role.revoked")
    assert granted.after["role"] == "office_admin" and revoked.before["role"] == "office_admin"


def test_the_last_login_update_is_not_mistaken_for_a_change(client, django_user_model):
    user = django_user_model.objects.create_user("quiet", password="Orchard-vapor-61-lime")
    client.post("/accounts/login/", {"username": "quiet", "password": "Orchard-vapor-61-lime"})
    assert actions_about(user) == ["auth.user.created", "auth.login"]


def test_deleting_a_task_force_revokes_its_roles_on_the_record(django_user_model):
    from iccity.orgs.models import LeadingGroup, Person, Role, RoleAssignment, TaskForce

    group = LeadingGroup.objects.create(name="领导小组")
    force = TaskForce.objects.create(leading_group=group, name="夜经济专班")
    person = Person.objects.create(name="赵专班", user=django_user_model.objects.create_user("zhao", password="x"))
    RoleAssignment.objects.create(person=person, role=Role.TASK_FORCE_LEAD, task_force=force)
    force.delete()  # the role goes with it (cascade), after the task force row is gone
    revoked = AuditEvent.objects.get(action="auth.role.revoked")
    assert revoked.before["role"] == "task_force_lead" and "赵专班" in revoked.before["person"]
    person.user.delete()
    assert AuditEvent.objects.get(action="auth.user.deleted").before["username"] == "zhao"
