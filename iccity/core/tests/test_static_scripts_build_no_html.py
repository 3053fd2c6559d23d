"""No page script builds HTML from data by string concatenation (the map tooltip did: stored XSS). Every .js of
ours under iccity/**/static (vendor files excepted) is read with its comments removed and checked for the ways a
string becomes markup; ECharts formatter functions must go through iccitySafe (DOM text) or encodeHTML."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted(p for p in ROOT.glob("**/static/**/*.js") if "vendor" not in p.parts)

FORBIDDEN = {
    "innerHTML / outerHTML assignment": re.compile(r"\.(inner|outer)HTML\s*\+?="),
    "insertAdjacentHTML": re.compile(r"insertAdjacentHTML"),
    "document.write": re.compile(r"document\.write"),
    "jQuery-style html()": re.compile(r"\.html\("),
    "markup string joined with +": re.compile(r"""(["'])[^"'\n]*<\/?[a-zA-Z][^"'\n]*\1\s*\+|\+\s*(["'])[^"'\n]*<\/?[a-zA-Z]"""),
    "template literal with markup": re.compile(r"`[^`]*<\/?[a-zA-Z][^`]*`"),
    "DOMParser / createContextualFragment": re.compile(r"DOMParser|createContextualFragment"),
}


def _code(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"(?m)(^|[^:\"'])//.*$", r"\1", text)


def test_there_are_scripts_to_check():
    names = {p.name for p in SCRIPTS}
    assert {"map.js", "command.js", "charts.js", "safe.js"} <= names


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_script_builds_html_from_strings(path):
    code = _code(path)
    for what, pattern in FORBIDDEN.items():
        match = pattern.search(code)
        assert match is None, f"{path.name}: {what}: {match[0] if match else ''}"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_echarts_formatter_functions_escape(path):
    code = _code(path)
    for match in re.finditer(r"formatter\s*:\s*function\b", code):
        body = code[match.end():match.end() + 400]
        body = body[:body.find("}") + 1] if "}" in body else body
        assert "iccitySafe." in body or "encodeHTML" in body, f"{path.name}: formatter without escaping: {body[:120]}"


def test_the_checks_catch_the_old_map_tooltip():
    old = 'tooltip: { formatter: function (p) { return p.name + "<br>" + p.data.kind; } }'
    assert FORBIDDEN["markup string joined with +"].search(old)
    assert FORBIDDEN["template literal with markup"].search("el.x = `<b>${name}</b>`;")
    assert FORBIDDEN["innerHTML / outerHTML assignment"].search("el.innerHTML = name;")
