"""The menu follows roles: for every role each link shown opens (0 dead ends), each page hidden by its permission
refuses (403 or the login page), and every menu entry's view enforces exactly the permission the entry declares."""
from __future__ import annotations

import pytest
from django.urls import resolve, reverse

from iccity.core import navigation, policy
from iccity.core.testing.menu_walk import MENU_ROLES, PASSWORD, make_role_users, menu_links

pytestmark = pytest.mark.django_db

PUBLIC_MENU = {"公众门户", "建设进展", "指标", "节庆活动", "商圈地图", "投诉举报", "投诉查询", "满意度调查", "信用公示"}
OFFICE_TOOLS = {"指挥大屏", "完成可能性评定", "公文输出", "台账", "投诉办理", "信用管理", "专班管理", "定时任务"}


def _href(entry, version) -> str:
    return entry.href({"plan": version.plan})


@pytest.fixture
def people(xiqing_plan):
    return make_role_users(xiqing_plan)


def _client_for(client, people, role):
    if role != "anonymous":
        assert client.login(username=role, password=PASSWORD)
    return client


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", MENU_ROLES)
def test_every_menu_link_opens_and_every_page_hidden_by_permission_refuses(client, people, xiqing_plan, role):
    client = _client_for(client, people, role)
    page = client.get(reverse("indicators:catalogue"))
    assert page.status_code == 200
    links = menu_links(page.content.decode())
    assert links, "the menu shows nothing"
    labels = {label for label, _href in links}
    for label, href in links:
        response = client.get(href, follow=True)
        assert response.status_code == 200, (role, label, href, response.status_code)
        assert reverse("accounts:login") not in response.request["PATH_INFO"], (role, label, "ends on the login page")

    person = policy.person_for(people.get(role))
    for entry in navigation.entries():
        if entry.label in labels or policy.may(person, entry.permission) or not entry.view_checked:
            continue  # shown, or hidden only to keep the menu short (the page itself is open to this person)
        response = client.get(_href(entry, xiqing_plan))
        assert response.status_code == 403 or _is_login_redirect(response), (role, entry.label, response.status_code)

    if role == "anonymous":
        assert labels == PUBLIC_MENU  # no 我的任务, 审核, 督办总览, 领导摘要, API文档 for the public
    if role == "office":
        assert labels >= OFFICE_TOOLS and "管理后台" not in labels  # every office tool without being Django staff
    if role in ("leader", "office"):
        assert {"领导摘要", "指挥大屏"} <= labels
    if role in ("tf_lead", "tf_member"):
        assert "领导摘要" in labels and "指挥大屏" not in labels  # the summary, without the command screen
    if role in ("unit_head", "liaison"):
        assert "领导摘要" not in labels and "指挥大屏" not in labels


def test_staff_see_the_admin_site_and_api_docs_and_nobody_else_does(client, people, django_user_model):
    staff = django_user_model.objects.create_user("staff", password=PASSWORD, is_staff=True)
    client.force_login(staff)
    labels = {label for label, _ in menu_links(client.get(reverse("indicators:catalogue")).content.decode())}
    assert {"管理后台", "API文档"} <= labels
    client.logout()
    client.force_login(people["leader"])
    labels = {label for label, _ in menu_links(client.get(reverse("indicators:catalogue")).content.decode())}
    assert not labels & {"管理后台", "API文档"}


def test_every_menu_entry_view_enforces_the_permission_it_declares(xiqing_plan):
    checked = 0
    for entry in navigation.entries():
        assert policy.permission(entry.permission) is not None, f"{entry.label}: unknown permission {entry.permission}"
        if not entry.view_checked:
            continue
        view = resolve(_href(entry, xiqing_plan).split("?")[0]).func
        assert getattr(view, "required_permission", None) == entry.permission, entry.label
        checked += 1
    assert checked >= 20


def test_the_leader_summary_links_only_to_pages_the_viewer_may_open(client, people, xiqing_plan):
    client.force_login(people["leader"])
    html = client.get(reverse("evaluation:leader")).content.decode()
    assert reverse("evaluation:command") in html
    assert client.get(reverse("evaluation:command")).status_code == 200
    client.force_login(people["tf_lead"])  # task-force staff read the summary, but not the command screen
    html = client.get(reverse("evaluation:leader")).content.decode()
    assert reverse("evaluation:command") not in html and reverse("evaluation:ratings") not in html
    assert client.get(reverse("evaluation:command")).status_code == 403


def test_the_user_menu_names_the_person_and_unit_not_the_login_name(client, people):
    """The header names who is signed in as people know them (姓名（单位）), never the account's login name."""
    import re

    client = _client_for(client, people, "liaison")
    page = client.get(reverse("indicators:catalogue")).content.decode()
    account = re.search(r'<a href="' + re.escape(reverse("accounts:account")) + r'"[^>]*>\s*([^<]*)', page)
    assert account is not None
    assert account.group(1).strip() == "测试liaison（区商务局）"
    heading = re.search(r"<h1>([^<]*)</h1>", client.get(reverse("accounts:account")).content.decode())
    assert heading.group(1) == "我的账号：测试liaison（区商务局）"  # the login name is a fact below, not the title
