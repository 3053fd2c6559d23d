"""The platform runs on an intranet without Internet access: no page may load assets from another host."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

import iccity
from iccity.plans.tests.factories import make_plan

ROOT = Path(iccity.__file__).parent
EXTERNAL_IN_TEMPLATE = re.compile(r"""(src|href)\s*=\s*["']?\s*(https?:)?//|//cdn""", re.IGNORECASE)
EXTERNAL_ATTR = re.compile(r"""(?:src|href|action)\s*=\s*["']((?:https?:)?//[^"']*)""", re.IGNORECASE)


def template_files() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.html") if "templates" in p.parts)


def test_there_are_templates_to_check():
    names = {p.name for p in template_files()}
    assert {"base.html", "overview.html", "matrix.html", "unit_list.html"} <= names


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_template_references_no_external_url(path):
    text = path.read_text(encoding="utf-8")
    match = EXTERNAL_IN_TEMPLATE.search(text)
    assert match is None, f"{path.relative_to(ROOT)} 引用了外部地址：{match.group(0) if match else ''}"


def test_stylesheets_and_scripts_load_nothing_external():
    for path in (ROOT / "static" / "iccity").glob("*.*"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import\s+['\"]?(https?:)?//|fetch\(\s*['\"]https?:", text), path.name


@pytest.mark.django_db
@pytest.mark.parametrize("name, args", [
    ("plans:overview", ["test-plan"]), ("plans:matrix", ["test-plan"]), ("plans:task", ["test-plan", "T2"]),
    ("plans:versions", ["test-plan"]), ("orgs:unit_list", []),
])
def test_rendered_pages_contain_no_external_url(client, name, args):
    make_plan("test-plan")
    html = client.get(reverse(name, args=args)).content.decode()
    found = EXTERNAL_ATTR.findall(html)
    assert found == [], f"页面中出现外部地址：{found}"


def test_rendered_seed_overview_contains_no_external_url(xiqing_plan, client):
    html = client.get(reverse("plans:home"), follow=True).content.decode()
    assert "echarts.min.js" in html and "htmx" in html
    assert EXTERNAL_ATTR.findall(html) == []
