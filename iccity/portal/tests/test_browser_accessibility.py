"""WCAG 2.1 AA and small screens, in Debian's Chromium with axe-core (issue 15): one session per role walks its key
pages and axe finds no serious or critical violation; every public page fits a 360 px wide phone without sideways
scrolling. All violations of a walk are collected before asserting, so one run lists everything to fix."""
from __future__ import annotations

import pytest

from iccity.core.testing.axe import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 360, "height": 780}
DESKTOP = {"width": 1366, "height": 900}
PUBLIC_PAGES = ["/public/", "/evaluation/public/", "/indicators/", "/events/", "/places/", "/complaints/new/",
                "/complaints/track/", "/surveys/", "/credit/"]
OFFICE_PAGES = ["/delivery/review/", "/delivery/overview/", "/evaluation/leader/", "/evaluation/command/",
                "/evaluation/ratings/", "/evaluation/league/", "/reports/documents/", "/reports/ledger/",
                "/complaints/cases/"]
PHONE_LISTS = ["/delivery/overview/", "/evaluation/league/", "/evaluation/ratings/", "/complaints/cases/",
               "/reports/documents/"]

# Text squeezed into a column a few characters wide (names 3-4 characters a line, labels one character per line):
# table cells, captions and labels of 4+ Chinese characters (or 8+ letters and digits: dates, coordinates) narrower
# than three characters. Vertical headers are meant so.
SQUEEZED = """() => Array.from(document.querySelectorAll('main th, main td, main caption, main label'))
  .filter(el => !el.closest('table.responsive thead, .visually-hidden') && el.getClientRects().length
          && getComputedStyle(el).writingMode === 'horizontal-tb'
          && ((el.textContent.match(/[\\u4e00-\\u9fff]/g) || []).length >= 4
              || (el.textContent.match(/[0-9A-Za-z]/g) || []).length >= 8)
          && el.getBoundingClientRect().right > 0 && el.getBoundingClientRect().left < innerWidth
          && el.clientWidth < 3 * parseFloat(getComputedStyle(el).fontSize))
  .map(el => el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 16))"""


# Contrast of an element's text against the first opaque background behind it (WCAG 1.4.3 needs 4.5:1).
CONTRAST = """sel => { const el = document.querySelector(sel); if (!el) return null;
  const rgb = c => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b]
    .map(v => { v /= 255; return v <= .03928 ? v / 12.92 : ((v + .055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [.2126, .7152, .0722][i], 0);
  let bg = el; while (bg && rgb(getComputedStyle(bg).backgroundColor)[3] === 0) bg = bg.parentElement;
  const a = lum(rgb(getComputedStyle(el).color));
  const b = lum(rgb(getComputedStyle(bg || document.body).backgroundColor));
  return (Math.max(a, b) + .05) / (Math.min(a, b) + .05); }"""


@pytest.fixture
def cast(transactional_db, builder, open_wave, django_user_model):
    from iccity.evaluation.tests.conftest import make_user
    from iccity.orgs.models import Role

    builder.build(1)
    make_user(django_user_model, "office1", Role.OFFICE_ADMIN)
    make_user(django_user_model, "liaison1", Role.LIAISON, unit=builder.lead_of(builder.tasks[0]))
    make_user(django_user_model, "leader1", Role.LEADER)
    make_user(django_user_model, "force1", Role.TASK_FORCE_LEAD, task_force=builder.forces[0])
    return builder


def _login(page, live_server, username: str, next_url: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-123456")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _check(page, url: str, found: dict) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    # the pages are rendered by the server (no content loaded by htmx on load); "networkidle" only added 0.5 s a page
    problems = [describe(axe_violations(page))]
    # landmarks: one main region and one h1 per page, so a screen reader can jump to the content and its title
    counts = page.evaluate("() => [document.querySelectorAll('main').length, document.querySelectorAll('h1').length]")
    if counts != [1, 1]:
        problems.append(f"main × {counts[0]}, h1 × {counts[1]}（应各一个）")
    if any(problems):
        found[f"{url} @{page.viewport_size['width']}px"] = "\n".join(p for p in problems if p)


def test_public_pages_pass_axe_and_fit_a_360px_phone(cast, live_server, page):
    found, overflow = {}, {}
    from iccity.indicators.models import Indicator

    indicator = Indicator.objects.filter(published=True).order_by("code").first()
    plan = f"/plans/{cast.plan.slug}"
    pages = PUBLIC_PAGES + [f"{plan}/", f"{plan}/matrix/", "/surveys/2026h2/zhongbei/", f"/indicators/{indicator.code}/",
                            f"{plan}/tasks/{cast.tasks[0].key}/", f"{plan}/versions/", "/places/coverage/"]
    # At 360 px, the narrowest phone we support; the menu walk (core/tests/test_browser_menu.py) runs axe over the
    # public menu's pages on a 390 px phone, and the markup is the same at both widths.
    page.set_viewport_size(NARROW)
    for path in pages:
        _check(page, live_server.url + path, found)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > NARROW["width"]:
            overflow[path] = width
        squeezed = page.evaluate(SQUEEZED)
        if squeezed:
            overflow[path + " 挤成窄列"] = squeezed
    assert not found, "\n\n".join(f"{where}\n{what}" for where, what in found.items())
    assert not overflow, f"页面在 360px 宽度下横向溢出：{overflow}"


def test_staff_pages_pass_axe(cast, live_server, page):
    """Each role's landing page and key pages: liaison, task-force lead, district leader, office."""
    task = cast.tasks[0]
    walks = [("liaison1", ["/delivery/"]), ("force1", ["/delivery/", "/delivery/review/"]),
             ("leader1", ["/evaluation/leader/"]),
             ("office1", OFFICE_PAGES + [f"/evaluation/tasks/{task.pk}/", f"/delivery/tasks/{task.pk}/"])]
    found = {}
    page.set_viewport_size(DESKTOP)
    for username, paths in walks:
        page.context.clear_cookies()
        _login(page, live_server, username, paths[0])
        for path in paths:
            _check(page, live_server.url + path, found)
    # the notice bell in the header is readable on the header's navy (it was navy link text on navy: 1:1)
    bell = page.evaluate(CONTRAST, "#notice-bell")
    if bell is None or bell < 4.5:
        found["#notice-bell"] = f"页头“通知”对比度 {bell}"
    # the office's main lists on a phone: cards or a scroll box, never squeezed columns or a page wider than the screen
    page.set_viewport_size(NARROW)
    # ...and the pages one click from them: a task's units with the role form, its delivery timeline and light with
    # the rating history, the figures' definitions, the scheduled jobs
    for path in PHONE_LISTS + [f"/plans/{cast.plan.slug}/tasks/{task.key}/", f"/delivery/tasks/{task.pk}/",
                               f"/evaluation/tasks/{task.pk}/", "/delivery/figures/", "/ops/jobs/"]:
        page.goto(live_server.url + path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        squeezed = page.evaluate(SQUEEZED)
        if width > NARROW["width"] or squeezed:
            found[f"{path} @360px"] = f"scrollWidth {width}; 挤成窄列：{squeezed}"
    assert not found, "\n\n".join(f"{where}\n{what}" for where, what in found.items())
