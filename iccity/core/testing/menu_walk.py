"""One person per role for menu tests, and the walk over a person's menu (client or browser).

``walk_menu`` keeps the visited URLs per role and calls ``on_page(page, url)`` on each page reached, so further checks
on every menu page (axe-core, 360 px layout) join the same walk.
"""
from __future__ import annotations

from html.parser import HTMLParser
from collections.abc import Callable

PASSWORD = "pass-123456"
# role name → (orgs Role, where it is held)
ROLES = {
    "office": ("office_admin", None),            # an office admin who is NOT Django staff
    "tf_lead": ("task_force_lead", "task_force"),
    "tf_member": ("task_force_member", "task_force"),
    "unit_head": ("unit_head", "unit"),
    "liaison": ("liaison", "unit"),
    "leader": ("leader", None),
}
MENU_ROLES = [*ROLES, "anonymous"]


def make_role_users(version) -> dict[str, object]:
    """Users holding each role: 区商务局 (lead unit of T1) and a task force driving T1."""
    from django.contrib.auth import get_user_model

    from iccity.delivery.models import DrivenTask
    from iccity.orgs.models import LeadingGroup, Person, RoleAssignment, TaskForce, Unit

    unit = Unit.objects.get(name="区商务局")
    force = TaskForce.objects.create(leading_group=LeadingGroup.objects.get(), name="商圈建设专班", host_unit=unit)
    DrivenTask.objects.create(task_force=force, task=version.tasks.get(key="T1"))
    users = {}
    for name, (role, held_in) in ROLES.items():
        user = get_user_model().objects.create_user(name, password=PASSWORD)
        person = Person.objects.create(user=user, name=f"测试{name}", unit=unit if held_in == "unit" else None)
        RoleAssignment.objects.create(person=person, role=role, unit=unit if held_in == "unit" else None,
                                      task_force=force if held_in == "task_force" else None)
        users[name] = user
    return users


class _MenuParser(HTMLParser):
    """Links inside the site menu's sections (``nav#site-menu .nav-links``), not the user menu."""

    def __init__(self):
        super().__init__()
        self.in_nav = self.depth = 0
        self.in_links = 0
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and attrs.get("id") == "site-menu":
            self.in_nav = 1
        if self.in_nav and tag == "ul" and "nav-links" in (attrs.get("class") or "").split() or self.in_links and tag == "ul":
            self.in_links += 1
        if self.in_links and tag == "a":
            self._href, self._text = attrs.get("href"), []

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append(("".join(self._text).strip(), self._href))
            self._href = None
        elif tag == "ul" and self.in_links:
            self.in_links -= 1
        elif tag == "nav" and self.in_nav:
            self.in_nav = 0

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)


def menu_links(html: str) -> list[tuple[str, str]]:
    """(label, href) of every link in the site menu of a page."""
    parser = _MenuParser()
    parser.feed(html)
    return parser.links


def walk_menu(page, base_url: str, *, start: str = "/indicators/", open_menu: bool = False,
              on_page: Callable[[object, str], None] | None = None) -> list[str]:
    """Follow every menu link in a Playwright ``page``; returns the visited URLs. Each must answer below 400 and have
    an <h1>. ``open_menu``: press 菜单 first (phones) and check the links become visible."""
    page.goto(base_url + start)
    if open_menu:
        toggle = page.locator("button.menu-toggle")
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        assert not page.locator("#site-menu .nav-links a").first.is_visible()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.locator("#site-menu .nav-links a").first.is_visible()
    hrefs = page.eval_on_selector_all("#site-menu .nav-links a", "links => links.map(a => a.getAttribute('href'))")
    visited = []
    for href in hrefs:
        url = base_url + href
        response = page.goto(url)
        assert response is not None and response.status < 400, (href, response and response.status)
        if not href.startswith("/api/"):  # the API docs are Swagger UI's page, not laid out by us
            assert page.locator("h1").count() >= 1, f"{href}: no <h1>"
        if on_page is not None:
            on_page(page, url)
        visited.append(url)
    return visited
