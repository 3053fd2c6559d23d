"""Each role's menu walked in Debian's Chromium: sign in, open the menu, follow every link; no page answers 4xx/5xx
and every page has an <h1> and passes axe-core (WCAG 2.1 AA: no serious or critical violation). Every tool of a role
is in its menu, so it is two clicks away: open the section, follow the link. The public walks it on a 390×844 phone,
where the menu folds behind 菜单 to one line.

The visited URLs come from ``iccity.core.testing.menu_walk.walk_menu`` (pass ``on_page`` to check each page more).
axe runs once per distinct page content across the roles (``AxeOncePerContent``): 134 pages, 60 distinct."""
from __future__ import annotations

import pytest

from iccity.core.testing.axe import AxeOncePerContent
from iccity.core.testing.menu_walk import MENU_ROLES, PASSWORD, make_role_users, walk_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# One per module: the roles' walks share what was checked (the roles run in order, in one worker: --dist loadfile).
AXE = AxeOncePerContent()


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url


@pytest.mark.parametrize("role", MENU_ROLES)
def test_every_menu_link_of_the_role_opens_a_page_with_a_heading(xiqing_plan, live_server, page, role):
    make_role_users(xiqing_plan)
    base = live_server.url
    failures_before = len(AXE.failures)
    first = [True]

    def passes_axe(page, url: str) -> None:
        if "/api/docs" in url:
            return  # Swagger UI's own developer page (staff/office only): its widgets are not ours to fix
        AXE.check(page, url, always=first[0])
        first[0] = False
    if role == "anonymous":
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(base + "/indicators/")
        header = page.locator(".site-header").bounding_box()
        assert header["height"] <= 72  # brand and 菜单 on one line while the menu is folded
        visited = walk_menu(page, base, open_menu=True, on_page=passes_axe)
    else:
        sign_in(page, base, role)
        page.goto(base + "/indicators/")
        first_section = page.locator("#site-menu .nav-section-toggle").first
        first_section.click()
        assert first_section.get_attribute("aria-expanded") == "true"
        assert page.locator("#site-menu .nav-section").first.locator(".nav-links a").first.is_visible()
        visited = walk_menu(page, base, on_page=passes_axe)
    assert len(visited) >= 5
    assert len(AXE.failures) == failures_before, "\n".join(AXE.failures[failures_before:])
