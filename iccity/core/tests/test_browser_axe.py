"""The axe helper finds what it is meant to find: a badge of white text on #eeeeee and a link told apart from its
sentence by colour alone are reported with their rule, impact and node; the same markup with readable colours and
an underlined link passes."""
from __future__ import annotations

import pytest

from iccity.core.testing.axe import axe_violations

pytestmark = [pytest.mark.browser]

PAGE = """<!doctype html><html lang="zh-Hans"><head><title>测试</title><style>{css}</style></head><body>
<main><h1>评定</h1><p>本季度评定为<span class="badge">绿（有望完成）</span>，详见<a href="/x/">评定说明</a>和其他材料。</p></main>
</body></html>"""
BAD = "a { color: #1d4e89; text-decoration: none; } body { color: #1f2328; } .badge { color: #fff; background: #eeeeee; }"
GOOD = "a { color: #1d4e89; text-decoration: underline; } body { color: #1f2328; } .badge { color: #fff; background: #2e7d32; }"


def test_axe_reports_unreadable_badges_and_links_told_by_colour_alone(page):
    page.set_content(PAGE.format(css=BAD))
    found = {v["id"]: v for v in axe_violations(page)}
    assert set(found) == {"color-contrast", "link-in-text-block"}
    assert found["color-contrast"]["impact"] == "serious" and len(found["color-contrast"]["targets"]) == 1
    assert page.locator(found["color-contrast"]["targets"][0]).inner_text() == "绿（有望完成）"
    assert page.locator(found["link-in-text-block"]["targets"][0]).inner_text() == "评定说明"
    page.set_content(PAGE.format(css=GOOD))
    assert axe_violations(page) == []
