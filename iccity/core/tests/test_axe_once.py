"""The menu walk runs axe once per distinct page content (iccity/core/testing/axe.py): same content at the same width
is skipped, anything else is checked, and a role's first page always is."""
from __future__ import annotations

from iccity.core.testing import axe


class FakePage:
    """Just enough of a Playwright page: its <main> markup, its width and what axe would find on it."""

    def __init__(self, main: str, width: int = 1280, violations=()):
        self.main, self.viewport_size, self.violations = main, {"width": width}, list(violations)
        self.axe_runs = 0

    def evaluate(self, script, *args):
        if "querySelector('main')" in script:
            return self.main
        if "typeof window.axe" in script:
            return True
        self.axe_runs += 1
        return self.violations


BAD = {"id": "color-contrast", "impact": "serious", "help": "对比度", "targets": ["a.bell"]}


def test_the_same_content_at_the_same_width_is_checked_once():
    walk = axe.AxeOncePerContent()
    first, again, wider, other = FakePage("<main>A</main>"), FakePage("<main>A</main>"), \
        FakePage("<main>A</main>", width=360), FakePage("<main>B</main>")
    for page in (first, again, wider, other):
        walk.check(page, "/x/")
    assert [p.axe_runs for p in (first, again, wider, other)] == [1, 0, 1, 1]
    assert walk.skipped == 1


def test_a_roles_first_page_is_always_checked_and_violations_are_collected():
    walk = axe.AxeOncePerContent()
    walk.check(FakePage("<main>A</main>"), "/a/")
    header_page = FakePage("<main>A</main>", violations=[BAD])
    walk.check(header_page, "/a/", always=True)
    assert header_page.axe_runs == 1
    assert len(walk.failures) == 1 and "color-contrast" in walk.failures[0] and walk.failures[0].startswith("/a/")
