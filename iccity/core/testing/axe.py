"""axe-core in the browser tests (WCAG 2.1 AA, issue 15).

``axe_violations(page)`` runs axe-core (installed from npm by ``make setup``, never from a CDN) in a Playwright page and
returns its violations at the given impacts, each with the rule id, impact, help text and the CSS targets of the
offending nodes. The script is injected with the page's text through ``evaluate`` rather than a <script> tag, so it
runs whatever the page's Content-Security-Policy says (the test harness also bypasses the CSP; see conftest.py).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@lru_cache(maxsize=1)
def _source() -> str:
    if not AXE_JS.exists():
        raise FileNotFoundError(f"缺少 {AXE_JS}：请先运行 make setup（npm ci 安装 axe-core）")
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page, impacts=("serious", "critical"), tags=WCAG_AA) -> list[dict]:
    """axe's violations on the current page whose impact is in ``impacts``: [{id, impact, help, targets}]."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_source() + "\n;undefined")
    result = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " targets: v.nodes.map(n => n.target.join(' '))}))", list(tags))
    return [v for v in result if v["impact"] in impacts]


def describe(violations: list[dict], limit: int = 5) -> str:
    """One line per violation, for assertion messages."""
    return "\n".join(f"{v['impact']} {v['id']} ({v['help']}): {', '.join(v['targets'][:limit])}"
                     f"{' …' if len(v['targets']) > limit else ''}" for v in violations)


# The page's own content, without the per-request CSRF token, so two renderings of the same content compare equal.
_MAIN_MARKUP = """() => { const main = document.querySelector('main'); if (!main) return null;
  const copy = main.cloneNode(true);
  copy.querySelectorAll('input[name=csrfmiddlewaretoken]').forEach(el => el.removeAttribute('value'));
  return copy.outerHTML; }"""


class AxeOncePerContent:
    """axe over a walk of many pages, skipping a page whose <main> markup at this viewport width was already checked
    in the walk (another role's menu often leads to the very same content). A role's first page is always checked,
    so each role's header and menu are. Violations are collected, not raised, so one run lists everything."""

    def __init__(self):
        self.checked: set[tuple[int, int]] = set()
        self.failures: list[str] = []
        self.skipped = 0

    def check(self, page, url: str, *, always: bool = False) -> None:
        markup = page.evaluate(_MAIN_MARKUP)
        key = (page.viewport_size["width"] if page.viewport_size else 0, hash(markup))
        if markup is not None and key in self.checked and not always:
            self.skipped += 1
            return
        self.checked.add(key)
        found = axe_violations(page)
        if found:
            self.failures.append(f"{url}\n{describe(found)}")
