"""The questionnaire writes its radios inline (surveys/form.html) instead of rendering Django's widget template ~190
times a page: every radio must carry exactly the attributes Django's own rendering gives it, blank, answered and
refused with errors."""
from __future__ import annotations

import time
from html.parser import HTMLParser

from django.test import Client

from iccity.core import publicforms


class Radios(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "input" and dict(attrs).get("type") == "radio":
            self.found.append(dict(attrs))


def radios(html: str) -> list[dict]:
    parser = Radios()
    parser.feed(html)
    return parser.found


def as_django_renders_them(form) -> list[dict]:
    return [attrs for _, fields in form.grouped_fields() for field in fields
            for radio in field for attrs in radios(str(radio.tag()))]


def test_blank_form_radios_are_what_django_renders(wave):
    response = Client().get(f"/surveys/{wave.code}/zhongbei/")
    page = radios(response.content.decode())
    assert len(page) > 100
    assert page == as_django_renders_them(response.context["form"])


def test_refused_form_keeps_answers_and_marks_errors_as_django_does(wave):
    client = Client()
    form = client.get(f"/surveys/{wave.code}/zhongbei/").context["form"]
    first, *rest = [name for name, _ in form.items]
    data = {first: "7", "started": publicforms.sign_started(time.time() - 120)}  # the other items left blank
    response = client.post(f"/surveys/{wave.code}/zhongbei/", data)
    assert response.status_code == 400
    page = radios(response.content.decode())
    assert page == as_django_renders_them(response.context["form"])
    assert {"name": first, "value": "7"}.items() <= next(r for r in page if "checked" in r).items()
    assert any(r.get("aria-invalid") == "true" for r in page if r["name"] == rest[0])
