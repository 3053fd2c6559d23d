"""The HTTP API (django-ninja). Each app contributes a router in its ``api.py``; every router is mounted here, in
one list; docs are served offline at /api/docs."""
from ninja import NinjaAPI

from iccity.credit.api import router as credit_router
from iccity.delivery.api import router as delivery_router
from iccity.evaluation.api import router as evaluation_router
from iccity.events.api import router as events_router
from iccity.indicators.api import router as indicators_router
from iccity.ops.api import router as ops_router
from iccity.orgs.api import router as orgs_router
from iccity.places.api import router as places_router
from iccity.plans.api import router as plans_router
from iccity.reports.api import router as reports_router
from iccity.surveys.api import router as surveys_router
from iccity.workspaces.api import router as workspaces_router

# (prefix under /api, router): the whole API surface in one place.
ROUTERS = [
    ("/plans", plans_router),
    ("/units", orgs_router),
    ("/delivery", delivery_router),
    ("/indicators", indicators_router),
    ("/evaluation", evaluation_router),
    ("/reports", reports_router),
    ("/places", places_router),
    ("/events", events_router),
    ("/surveys", surveys_router),
    ("/credit", credit_router),
    ("/ops", ops_router),
    ("/workspaces", workspaces_router),
]


class IccityAPI(NinjaAPI):
    """Documents the error answers every operation can give (see ``_document_errors`` below)."""

    def get_openapi_schema(self, *args, **kwargs):
        return _document_errors(super().get_openapi_schema(*args, **kwargs))


api = IccityAPI(title="iccity API", version="1", description="国际消费中心城市建设推进平台接口", urls_namespace="api")
for prefix, router in ROUTERS:
    api.add_router(prefix, router)


# Production security: an unexpected error is logged and answered with a short JSON 500, never a traceback (ninja's
# default handler returns the traceback as text whenever DEBUG is on). Django's own refusals keep their handling.
import logging  # noqa: E402

from django.core.exceptions import PermissionDenied, SuspiciousOperation  # noqa: E402
from django.db import DataError  # noqa: E402

_log = logging.getLogger("iccity.api")


@api.exception_handler(Exception)
def _unexpected_error(request, exc):
    if isinstance(exc, (PermissionDenied, SuspiciousOperation)):
        raise exc
    if isinstance(exc, (OverflowError, DataError)):
        # An id or number beyond what the database column holds (SQLite raises OverflowError, PostgreSQL DataError):
        # invalid input, answered like ninja's own validation errors.
        return api.create_response(request, {"detail": [{"type": "out_of_range", "msg": "数值超出允许范围"}]},
                                   status=422)
    _log.exception("API %s %s failed", request.method, request.path)
    return api.create_response(request, {"detail": "服务器内部错误，已记录，请稍后再试或联系管理员。"}, status=500)


# API robustness (issue 12): the answers ninja and Django give outside a view's declared responses are part of the
# contract too, so clients (and the schemathesis test) can rely on the schema: 422 for invalid input, 401/403 where a
# login is required (403 also for a missing CSRF token), 404 where a path names an object, 500 as answered above.
_ERROR = {"type": "object", "properties": {"detail": {"type": "string", "description": "中文错误说明"}},
          "required": ["detail"]}
_INVALID = {"type": "object", "properties": {"detail": {"type": "array", "items": {"type": "object"}}},
            "required": ["detail"]}


def _answer(text: str, schema: dict) -> dict:
    return {"description": text, "content": {"application/json": {"schema": schema}}}


def _document_errors(schema):
    for path, methods in schema.get("paths", {}).items():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            extra = {"500": _answer("服务器内部错误（不含调用栈）", _ERROR)}
            if operation.get("parameters") or operation.get("requestBody"):
                extra["422"] = _answer("参数或请求体不符合接口定义", _INVALID)
            if operation.get("security"):
                extra["401"] = _answer("未登录", _ERROR)
                extra["403"] = _answer("无权访问，或缺少 CSRF 令牌", _ERROR)
            if "{" in path:
                extra["404"] = _answer("路径中的对象不存在", _ERROR)
            documented = {str(code) for code in responses}  # ninja's keys are ints: compare as text, or the JSON
            for code, answer in extra.items():             # would carry "403" twice and parsers refuse it
                if code not in documented:
                    responses[code] = answer
    return schema

# figures (issue 16): times in API answers are written in Asia/Shanghai, as pages and documents show them
from iccity.core.api_render import LocalTimeRenderer  # noqa: E402

api.renderer = LocalTimeRenderer()
