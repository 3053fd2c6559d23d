"""Property-based fuzzing of the whole HTTP API (iccity/api.py) with schemathesis, signed in as the office and as a
unit liaison: no server error, and every answer (status code, content type, body) is what the OpenAPI schema says.

The WSGI app is called in process (no server); examples per operation are bounded and derandomised, so the test is
reproducible and runs in about a minute. New endpoints are covered without touching this file.
"""
from __future__ import annotations

import zlib
from collections import Counter

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis import checks  # noqa: E402

from iccity.core import clock  # noqa: E402
from iccity.delivery.tests.conftest import TODAY  # noqa: E402

EXAMPLES = 25  # per operation and role: ~36 operations × 2 roles × 25 ≈ 1,800 requests
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.response_headers_conformance]



@pytest.fixture
def wsgi_app():
    """The WSGI app called directly, keeping the test's database connection open between requests (Django's test
    client does the same: the request signals would otherwise close the connection holding the test transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from iccity.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _signed_in(user) -> dict:
    """What a signed-in browser sends: the session cookie, and the CSRF cookie echoed in X-CSRFToken."""
    client = Client()
    client.force_login(user)
    token = _get_new_csrf_string()
    return {"cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token},
            "headers": {"X-CSRFToken": token}}


def _real_ids(cast, role: str) -> dict[str, list]:
    """Path values that name real rows: random integers almost never hit one, so the bodies and queries would only
    ever meet the 404 branch. Two generated values in three are swapped for a real one."""
    from iccity.delivery.models import Acknowledgement, Report

    return {
        "report_id": list(Report.objects.filter(unit=cast.lead_unit).order_by("id").values_list("id", flat=True)[:10])
        + list(Report.objects.order_by("id").values_list("id", flat=True)[:10]),
        "ack_id": list(Acknowledgement.objects.order_by("id").values_list("id", flat=True)[:20]),
        "task_id": list(cast.version.tasks.order_by("id").values_list("id", flat=True)[:20]),
        "unit_id": [cast.lead_unit.pk, cast.co_unit.pk, cast.other_unit.pk],
        "slug": [cast.version.plan.slug],
        "key": ["T1", "M1"],
    }


def _fuzz(operation, auth: dict, real: dict, statuses: Counter) -> str | None:
    failure = []

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case):
        for name, value in (case.path_parameters or {}).items():
            choices = real.get(name)
            pick = zlib.crc32(str(value).encode())  # stable across runs, unlike hash()
            if choices and pick % 3:
                case.path_parameters[name] = choices[pick % len(choices)]
        response = case.call(**auth)
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except BaseException as exc:  # schemathesis raises an exception group: keep the first failure, go on
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            if not failure:
                failure.append(f"{operation.method.upper()} {operation.path}: {case.as_curl_command()}\n{exc}")

    run()
    return failure[0] if failure else None


@pytest.mark.parametrize("role", ["office", "reporter"])
def test_api_answers_every_generated_request_as_its_schema_says(world, wsgi_app, role):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    auth = _signed_in(getattr(world, role))
    failures, statuses, real, walked = [], Counter(), _real_ids(world, role), set()
    with clock.travel(TODAY):
        for result in schema.get_all_operations():
            operation = result.ok()
            failure = _fuzz(operation, auth, real, statuses)
            if failure:
                failures.append(failure)
            walked.add(operation.path)
    assert len(walked) >= 30  # the whole API was walked, not an empty schema
    # signed in for real: only the endpoints with their own API-key auth answer 401
    assert statuses[401] < 0.1 * sum(statuses.values()), statuses
    assert statuses[200] > 0.2 * sum(statuses.values()), statuses
    assert failures == [], "\n\n".join(failures)


def test_no_two_api_schemas_share_a_name():
    """ninja names components by class name: two classes with one name silently document one endpoint wrongly."""
    from ninja.openapi.schema import get_schema

    from iccity.api import api

    seen: dict[str, set] = {}
    for router_prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                for model in [*(op.response_models or {}).values(), *[m for m in op.models]]:
                    for sub in _models(model):
                        seen.setdefault(sub.__name__, set()).add(f"{sub.__module__}.{sub.__qualname__}")
    clashes = {name: sorted(where) for name, where in seen.items() if len(where) > 1}
    assert clashes == {}
    assert get_schema(api)["components"]["schemas"]


def _models(model):
    """The pydantic models reachable from one response or request model."""
    import typing

    from pydantic import BaseModel

    out, stack, done = [], [model], set()
    while stack:
        m = stack.pop()
        for arg in typing.get_args(m):
            stack.append(arg)
        if isinstance(m, type) and issubclass(m, BaseModel) and m not in done:
            done.add(m)
            out.append(m)
            for field in m.model_fields.values():
                stack.append(field.annotation)
    return out


def test_the_served_schema_has_no_duplicated_keys(client, db):
    """Swagger UI refuses a document where a status code appears twice (ninja's int 403 beside a text "403")."""
    import json

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
        return dict(pairs)

    json.loads(client.get("/api/openapi.json").content, object_pairs_hook=no_duplicates)
