"""``/`` sends each role to its desk, visitors to the public pages; a person with several roles switches desks."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from iccity.orgs.models import Person, Role, RoleAssignment
from iccity.workspaces import registry

pytestmark = pytest.mark.django_db


def landing(client, user) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302
    return response.url


def test_each_role_lands_on_its_desk_from_the_root(desk_world, client):
    cast = desk_world.cast
    assert landing(client, cast.office) == reverse("workspaces:office")
    assert landing(client, cast.leader) == reverse("evaluation:leader")
    assert landing(client, cast.tf_lead) == reverse("workspaces:taskforce")
    assert landing(client, cast.tf_member) == reverse("workspaces:taskforce")
    assert landing(client, cast.reporter) == reverse("delivery:home")
    assert landing(client, cast.head) == reverse("delivery:home")


def test_visitors_go_to_the_public_pages_and_people_without_roles_get_a_page_not_an_error(db, client,
                                                                                         django_user_model):
    assert client.get("/").url == reverse("portal:home")
    client.force_login(django_user_model.objects.create_user("nobody", password="pass-123456"))
    response = client.get("/")
    assert response.status_code == 200
    assert "尚未分配" in response.content.decode()


def test_signing_in_lands_the_leader_on_the_summary(desk_world):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "leader", "password": "pass-123456"}, follow=True)
    assert [url for url, _status in response.redirect_chain][-1] == reverse("evaluation:leader")
    assert response.status_code == 200


def test_a_person_with_several_roles_switches_desks_and_the_choice_is_remembered(desk_world):
    cast = desk_world.cast
    office = cast.office
    RoleAssignment.objects.create(person=Person.objects.get(user=office), role=Role.LIAISON, unit=cast.co_unit)
    client = Client(enforce_csrf_checks=True)
    client.force_login(office)
    assert client.get("/").url == reverse("workspaces:office")  # office before unit by default
    page = client.get(reverse("workspaces:office")).content.decode()
    assert "办公室工作台" in page and "单位工作台" in page and 'action="/work/switch/"' in page
    token = client.cookies["csrftoken"].value

    assert client.post(reverse("workspaces:switch"), {"workspace": "unit"}).status_code == 403  # no CSRF token
    response = client.post(reverse("workspaces:switch"), {"workspace": "unit", "csrfmiddlewaretoken": token})
    assert response.url == reverse("delivery:home")
    assert client.get("/").url == reverse("delivery:home")

    # a desk the person does not have is refused, and the choice stays
    response = client.post(reverse("workspaces:switch"), {"workspace": "leader", "csrfmiddlewaretoken": token})
    assert response.url == reverse("workspaces:home")
    assert client.get("/").url == reverse("delivery:home")
    assert client.get(reverse("workspaces:switch")).status_code == 405

    mine = client.get("/api/workspaces/mine").json()
    assert [(d["code"], d["title"], d["active"]) for d in mine] == [("office", "办公室工作台", False),
                                                                   ("unit", "单位工作台", True)]


def test_one_role_people_see_no_switcher(desk_world, client):
    client.force_login(desk_world.cast.tf_lead)
    page = client.get(reverse("workspaces:taskforce")).content.decode()
    assert 'action="/work/switch/"' not in page


def test_desks_refuse_people_without_the_role(desk_world, client):
    cast = desk_world.cast
    client.force_login(cast.reporter)
    assert client.get(reverse("workspaces:office")).status_code == 403
    assert client.get(reverse("workspaces:taskforce")).status_code == 403
    assert client.get("/api/workspaces/office/items").status_code == 403
    client.logout()
    assert client.get(reverse("workspaces:office")).status_code == 302
    assert client.get("/api/workspaces/office/items").status_code == 401


def test_default_desk_follows_the_priority_office_taskforce_leader_unit(desk_world):
    from iccity.orgs.permissions import Actor

    cast = desk_world.cast
    person = Person.objects.get(user=cast.reporter)
    RoleAssignment.objects.create(person=person, role=Role.LEADER)
    RoleAssignment.objects.create(person=person, role=Role.TASK_FORCE_MEMBER, task_force=cast.task_force)
    codes = [d.code for d in registry.desks_for(Actor.for_user(cast.reporter))]
    assert codes == ["taskforce", "leader", "unit"]
