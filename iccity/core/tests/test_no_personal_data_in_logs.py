"""Personal data is never logged: no logging call in our code mentions a personal field, and the public forms that
receive personal data mark those POST fields sensitive, so Django's error reports (mail to admins, DEBUG pages,
log handlers) show them as stars."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.views.debug import SafeExceptionReporterFilter

ROOT = Path(__file__).resolve().parents[2]
LOG_CALL = re.compile(r"\b(log|logger|logging)\.(debug|info|warning|error|exception|critical)\((?P<args>[^\n]*)")
PERSONAL = re.compile(r"person_|phone|id_number|address|device_token|lookup_token")


def test_no_logging_call_mentions_personal_fields():
    offenders = []
    for path in ROOT.glob("**/*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = LOG_CALL.search(line)
            if match and PERSONAL.search(match["args"]):
                offenders.append(f"{path.relative_to(ROOT)}:{n}")
    assert offenders == []


@pytest.mark.django_db
def test_error_reports_hide_the_complainants_post_fields():
    from django.contrib.sessions.backends.db import SessionStore

    from iccity.complaints import open311, views

    secrets = {"person_name": "王小明", "person_phone": "13912345678", "person_id_number": "11010519491231002X",
               "person_address": "西青区杨柳青镇1号", "description": "电话13912345678"}
    request = RequestFactory().post("/complaints/new/", {**secrets, "started": "forged"})
    request.session = SessionStore()
    views.intake(request)
    shown = SafeExceptionReporterFilter().get_post_parameters(request)
    assert all(shown[k] != v for k, v in secrets.items())
    o311 = RequestFactory().post("/open311/v2/requests.json", {"phone": "13912345678", "api_key": "x"})
    open311.requests_collection(o311, fmt="json")
    assert SafeExceptionReporterFilter().get_post_parameters(o311)["phone"] != "13912345678"
