"""Template comments never reach people: Django's ``{# … #}`` ends on its own line, so a comment spread over two lines
is printed as text on the page (it was, above every page's header); longer notes use ``{% comment %}``."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

import iccity

ROOT = Path(iccity.__file__).parent


def template_files() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.html") if "templates" in p.parts)


def test_every_short_comment_closes_on_its_own_line():
    spread = []
    for path in template_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            rest = line
            while "{#" in rest:
                rest = rest[rest.index("{#") + 2:]
                if "#}" not in rest:
                    spread.append(f"{path.relative_to(ROOT)}:{number}")
                    break
                rest = rest[rest.index("#}") + 2:]
    assert len(template_files()) > 50
    assert not spread, f"{{# … #}} spans lines (printed as text); use {{% comment %}}: {spread}"


@pytest.mark.django_db
def test_a_rendered_page_shows_no_template_comment(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "{#" not in page and "#}" not in page
