"""Open311 GeoReport v2 at ``/open311/v2/``: the category tree as services, complaints filed by API-key holders,
public queries of requests and tokens. JSON and XML (the spec's element names), UTF-8, ISO 8601 with +08:00.

Internal legal states stay internal: a request shows ``status`` open/closed (``states.open311_status``) and the
Chinese state and reason in ``status_notes``. GET answers are built from ``privacy.public_case_view``: no complainant
fields, no description (citizens write their phone and name into it), public notes scrubbed of phone and ID numbers.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree as ET

from django.db.models import Max, Prefetch, Q
from django.http import HttpResponse
from django.urls import re_path
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from iccity.core import clock
from iccity.core.actions import ActionRefused
from iccity.core import ratelimit
from iccity.core.publicforms import body_too_large
from iccity.core.validation import ID_TYPES

from .forms import REQUESTS
from .models import Case, CaseEvent, Category, Open311Key
from .views_common import iso, live_deadline, scrub, status_notes

SENSITIVE_POST = ("first_name", "last_name", "phone", "email", "attribute[person_id_number]", "description")
MAX_SPAN = dt.timedelta(days=90)
MAX_ITEMS = 1000
MAX_BODY_BYTES = 32 * 1024
from .submission import TIANJIN_BBOX  # noqa: E402  (a point outside is kept, flagged and warned about)
PLURAL_TAGS = {"services": "service", "service_requests": "request", "attributes": "attribute", "values": "value",
               "errors": "error"}

CASE_TYPE_VALUES = [("complaint", "投诉"), ("report", "举报"), ("both", "两者都有")]
YES_NO = [("true", "是"), ("false", "否")]
ATTRIBUTES = [
    # (code, datatype, required, description, values)
    ("case_type", "singlevaluelist", True, "类型：投诉（调解）或举报（违法线索），两者都有将分别处理", CASE_TYPE_VALUES),
    ("respondent_name", "string", True, "被投诉/举报的经营者名称", None),
    ("respondent_uscc", "string", False, "经营者统一社会信用代码", None),
    ("amount", "number", False, "涉及金额（元，最多两位小数）", None),
    ("occurred_on", "datetime", False, "发生时间（ISO 8601）", None),
    ("requests", "multivaluelist", False, "诉求", [(k, str(v)) for k, v in REQUESTS]),
    ("person_id_type", "singlevaluelist", False, "证件类型（投诉须实名核验）", list(ID_TYPES.items())),
    ("person_id_number", "string", False, "证件号码（投诉须提供，不会公开）", None),
    ("anonymous", "singlevaluelist", False, "匿名举报（须提供具体线索）", YES_NO),
    ("consent_publish", "singlevaluelist", False, "同意公示（不含个人信息）", YES_NO),
    ("town", "string", False, "经营者所在镇街", None),
]


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        self.status, self.description = status, description
        super().__init__(description)


# ---------------------------------------------------------------- rendering

def _xml_value(parent: ET.Element, tag: str, value) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, item in value.items():
            _xml_value(element, key, item)
    elif isinstance(value, list):
        for item in value:
            _xml_value(element, PLURAL_TAGS.get(tag, "item"), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def render(fmt: str, root: str, payload, status: int = 200) -> HttpResponse:
    """``payload`` is a list (of ``PLURAL_TAGS[root]`` items) or a dict (the root element's children)."""
    if fmt == "xml":
        top = ET.Element(root)
        if isinstance(payload, list):
            for item in payload:
                _xml_value(top, PLURAL_TAGS[root], item)
        else:
            for key, value in payload.items():
                _xml_value(top, key, value)
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="utf-8", xml_declaration=False)
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    body = json.dumps(payload, ensure_ascii=False, default=str)
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render(fmt, "errors", [{"code": status, "description": description}], status=status)


def endpoint(view):
    """Turn ``Open311Error`` and action refusals into spec errors; count reads and writes per IP."""
    def wrapper(request, *args, fmt="json", **kwargs):
        limit = ratelimit.OPEN311_WRITE if request.method == "POST" else ratelimit.OPEN311_READ
        if not ratelimit.hit(limit, ratelimit.client_ip(request)):
            return error(fmt, 429, "请求过于频繁，请稍后再试")
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return error(fmt, exc.status, exc.description)
        except ActionRefused as exc:
            return error(fmt, 400, exc.message)
    wrapper.__name__ = view.__name__
    return csrf_exempt(require_http_methods(["GET", "POST"])(wrapper))


# ---------------------------------------------------------------- services

def _leaf_categories():
    categories = list(Category.objects.filter(active=True).select_related("parent"))
    parents = {c.parent_id for c in categories if c.parent_id}
    return [c for c in categories if c.pk not in parents]


def _keywords(stored: str) -> str:
    """GeoReport v2: "a comma separated list of tags"; the admin may type them with spaces, 、 or ，."""
    return ",".join(word for word in re.split(r"[\s,，、;；]+", stored or "") if word)


def _service(category: Category) -> dict:
    return {"service_code": category.code, "service_name": category.name, "description": category.description,
            "metadata": True, "type": "realtime", "keywords": _keywords(category.keywords),
            "group": category.parent.name if category.parent_id else ""}


@endpoint
def services(request, fmt):
    if request.method != "GET":
        raise Open311Error(400, "此地址只接受 GET")
    return render(fmt, "services", [_service(c) for c in _leaf_categories()])


@endpoint
def service_definition(request, code, fmt):
    if request.method != "GET":
        raise Open311Error(400, "此地址只接受 GET")
    if not Category.objects.filter(code=code, active=True).exists():
        raise Open311Error(404, f"没有此服务类别：{code}")
    attributes = []
    for order, (attr_code, datatype, required, description, values) in enumerate(ATTRIBUTES, start=1):
        attribute = {"variable": True, "code": attr_code, "datatype": datatype, "required": required,
                     "datatype_description": "", "order": order, "description": description}
        if values:
            attribute["values"] = [{"key": key, "name": name} for key, name in values]
        attributes.append(attribute)
    return render(fmt, "service_definition", {"service_code": code, "attributes": attributes})


# ---------------------------------------------------------------- create

def _key_holder(raw: str) -> Open311Key:
    if not raw:
        raise Open311Error(403, "缺少 api_key")
    digest = hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()
    key = Open311Key.objects.filter(key_sha256=digest, active=True).first()
    if key is None:
        raise Open311Error(403, "api_key 无效或已停用")
    return key


def _post_params(request) -> tuple[dict, dict]:
    """(plain fields, attributes) from a form-encoded body (the standard) or a JSON object (accepted for convenience)."""
    content_type = request.content_type or ""
    if content_type == "application/json":
        try:
            body = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise Open311Error(400, "JSON 格式错误") from None
        if not isinstance(body, dict):
            raise Open311Error(400, "JSON 须为对象")
        attributes = body.get("attribute") or {}
        if not isinstance(attributes, dict):
            raise Open311Error(400, "attribute 须为对象")
        plain = {k: v for k, v in body.items() if isinstance(v, (str, int, float)) and not isinstance(v, bool)}
        return {k: str(v) for k, v in plain.items()}, attributes
    if content_type not in ("application/x-www-form-urlencoded", "multipart/form-data", ""):
        raise Open311Error(400, "请以表单编码（application/x-www-form-urlencoded）提交")
    plain, attributes = {}, {}
    for name in request.POST:
        values = request.POST.getlist(name)
        if name.startswith("attribute[") and name.endswith("]"):
            # attribute[code]=v, or attribute[code][]=v1&attribute[code][]=v2 for a multivaluelist
            code = name[len("attribute["):]
            multi = code.endswith("][]")
            code = code[:-3] if multi else code[:-1]
            attributes[code] = values if multi or len(values) > 1 else values[0]
        else:
            plain[name] = values[0]
    return plain, attributes


def _decimal(value: str, name: str, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise Open311Error(400, f"{name} 不是数字") from None
    if not number.is_finite() or not low <= number <= high:
        raise Open311Error(400, f"{name} 超出范围")
    return number.quantize(Decimal("0.000001"))


def _submission(plain: dict, attributes: dict) -> tuple[dict, list[str]]:
    """The Open311 parameters as the same submission dict the public form builds; plus warnings for the caller."""
    warnings = []
    def attr(code):
        value = attributes.get(code, "")
        if code == "requests":
            return value if isinstance(value, list) else str(value).strip()
        return str(value[0] if isinstance(value, list) and value else value or "").strip()

    occurred = attr("occurred_on")
    if occurred:
        try:
            moment = parse_datetime(occurred) if "T" in occurred else None
        except ValueError:
            raise Open311Error(400, "occurred_on 须为 ISO 8601 时间") from None
        occurred = (timezone.localtime(moment).date().isoformat() if moment and timezone.is_aware(moment)
                    else (moment.date().isoformat() if moment else occurred))
    requests = attr("requests")
    requests = requests if isinstance(requests, list) else [r for r in requests.split(",") if r]
    name = (plain.get("last_name", "") + plain.get("first_name", "")).strip()  # Chinese order: family name first
    data = {
        "case_type": attr("case_type"), "category": plain.get("service_code", ""),
        "person_name": name, "person_phone": plain.get("phone", "").strip(),
        "person_id_type": attr("person_id_type"), "person_id_number": attr("person_id_number"),
        "person_address": "", "person_email": plain.get("email", "").strip(),
        "respondent_name": attr("respondent_name"), "respondent_uscc": attr("respondent_uscc"),
        "respondent_address": plain.get("address_string", "").strip(), "respondent_phone": "",
        "town": attr("town"), "business_district": "", "occurred_on": occurred, "amount": attr("amount"),
        "description": plain.get("description", "").strip(), "requests": [r for r in requests if r],
        "anonymous": attr("anonymous") == "true", "consent_publish": attr("consent_publish") == "true",
        "consent_entrusted_mediation": False,
    }
    media_url = plain.get("media_url", "").strip()
    if media_url:
        if not media_url.startswith(("https://", "http://")) or len(media_url) > 500:
            raise Open311Error(400, "media_url 须为 http(s) 地址")
        data["media_url"] = media_url
    if plain.get("lat") or plain.get("long"):
        if not (plain.get("lat") and plain.get("long")):
            raise Open311Error(400, "lat 与 long 须同时提供")
        lat = _decimal(plain["lat"], "lat", Decimal(-90), Decimal(90))
        lng = _decimal(plain["long"], "long", Decimal(-180), Decimal(180))
        data["lat"], data["long"] = lat, lng
        inside = (TIANJIN_BBOX["lat"][0] <= lat <= TIANJIN_BBOX["lat"][1]
                  and TIANJIN_BBOX["long"][0] <= lng <= TIANJIN_BBOX["long"][1])
        if not inside:
            warnings.append("坐标不在天津市范围内，请核对（须为 WGS84 坐标，不是 GCJ-02）")
    elif not (plain.get("address_string") or plain.get("address_id")):
        raise Open311Error(400, "须提供位置：lat 与 long，或 address_string")
    return data, warnings


@sensitive_post_parameters(*SENSITIVE_POST)  # error reports never carry the caller's personal data
@endpoint
def requests_collection(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    return _query(request, fmt)


def _create(request, fmt):
    from .actions import SubmissionInvalid, do_register_case

    if body_too_large(request, MAX_BODY_BYTES):
        raise Open311Error(413, "请求体过大")
    plain, attributes = _post_params(request)
    _key_holder(plain.get("api_key", ""))
    code = plain.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "缺少 service_code")
    if not Category.objects.filter(code=code, active=True).exists():
        raise Open311Error(404, f"没有此服务类别：{code}")
    data, warnings = _submission(plain, attributes)
    if len(data["description"]) > 4000:
        raise Open311Error(400, "description 超过4000字")
    try:
        cases = do_register_case(data, channel="open311")
    except SubmissionInvalid as exc:
        raise Open311Error(400, "；".join(f"{field}：{'，'.join(map(str, msgs))}"
                                          for field, msgs in exc.errors.items())) from None
    notice = "已登记，将于7个工作日内决定是否受理" + ("。" + "；".join(warnings) if warnings else "")
    # GeoReport v2: a token only "if returning a service_request_id is not possible"; ours is always known at once
    return render(fmt, "service_requests", [
        {"service_request_id": case.receipt_number, "service_notice": notice, "account_id": None} for case in cases])


# ---------------------------------------------------------------- query

def _moment(value: str, name: str) -> dt.datetime:
    value = value.strip().replace(" ", "+")  # a '+' in a query string arrives as a space
    try:
        moment = parse_datetime(value)
        if moment is None and parse_date(value):
            moment = dt.datetime.combine(parse_date(value), dt.time())
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(400, f"{name} 须为 ISO 8601 时间，如 2026-05-01T00:00:00+08:00")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _public_request(case: Case) -> dict:
    """One request from ``privacy.public_case_view`` (no personal data, no description: it often holds some)."""
    from .privacy import public_case_view

    view = public_case_view(case, events=case.public_events)
    return {
        "service_request_id": view["receipt_number"],
        "status": view["status"],
        "status_notes": scrub(status_notes(case, view["status_notes"]), case),
        "service_name": view["category"], "service_code": view["category_code"],
        "description": "",
        "agency_responsible": view["agency_responsible"],
        "service_notice": "",
        "requested_datetime": iso(view["received_at"]),
        "updated_datetime": iso(case.updated or view["updated_at"]),
        "expected_datetime": iso(live_deadline(case)),
        "address": "", "address_id": "", "zipcode": "",
        # JSON numbers (the spec's float), not strings; an absent media_url is null, not ""
        "lat": float(view["lat"]) if view["lat"] is not None else None,
        "long": float(view["long"]) if view["long"] is not None else None,
        "media_url": (case.media_url or None) if case.consent_publish and case.case_type == "complaint" else None,
    }


def _cases():
    events = CaseEvent.objects.exclude(public_note="").order_by("created_at", "id")
    return (Case.objects.select_related("category", "unit").defer("description")  # never public; encrypted
            .annotate(updated=Max("events__created_at"))
            .prefetch_related(Prefetch("events", queryset=events, to_attr="public_events")))


def _status_q(status: str) -> Q:
    from . import states

    pick = states.open_states if status == "open" else states.closed_states
    query = Q(pk__in=[])
    for case_type in states.MACHINES:
        query |= Q(case_type=case_type, state__in=pick(case_type))
    return query


def _query(request, fmt):
    params = request.GET
    cases = _cases()
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:  # the spec: with ids given, the other filters are ignored
        if len(ids) > MAX_ITEMS:
            raise Open311Error(400, f"service_request_id 最多 {MAX_ITEMS} 个")
        return render(fmt, "service_requests", [_public_request(c) for c in cases.filter(receipt_number__in=ids)])
    start = _moment(params["start_date"], "start_date") if params.get("start_date") else None
    end = _moment(params["end_date"], "end_date") if params.get("end_date") else None
    if start and end:
        if end < start:
            raise Open311Error(400, "end_date 早于 start_date")
        if end - start > MAX_SPAN:
            raise Open311Error(400, "start_date 与 end_date 相隔不得超过90天")
    elif start:
        end = start + MAX_SPAN
    else:
        end = end or clock.now()
        start = end - MAX_SPAN
    cases = cases.filter(received_at__gte=start, received_at__lte=end)
    if params.get("service_code"):
        codes = [c.strip() for c in params["service_code"].split(",") if c.strip()]
        cases = cases.filter(category__code__in=codes)
    statuses = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status 只能是 open 或 closed")
    if len(statuses) == 1:
        cases = cases.filter(_status_q(statuses.pop()))
    rows = [_public_request(c) for c in cases.order_by("-received_at", "-id")[:MAX_ITEMS]]
    return render(fmt, "service_requests", rows)


@endpoint
def request_detail(request, request_id, fmt):
    if request.method != "GET":
        raise Open311Error(400, "此地址只接受 GET")
    case = _cases().filter(receipt_number=request_id).first()
    if case is None:
        raise Open311Error(404, f"没有此请求：{request_id}")
    return render(fmt, "service_requests", [_public_request(case)])


@endpoint
def token_lookup(request, token, fmt):
    if request.method != "GET":
        raise Open311Error(400, "此地址只接受 GET")
    case = Case.objects.filter(lookup_token=token).exclude(lookup_token="").first() if token else None
    if case is None:
        raise Open311Error(404, "没有此 token")
    return render(fmt, "service_requests", [{"service_request_id": case.receipt_number, "token": token}])


# ---------------------------------------------------------------- urls (included at /open311/v2/)

app_name = "open311"
_FMT = r"\.(?P<fmt>json|xml)$"
urlpatterns = [
    re_path(r"^services" + _FMT, services, name="services"),
    re_path(r"^services/(?P<code>[-\w]+)" + _FMT, service_definition, name="service"),
    re_path(r"^requests" + _FMT, requests_collection, name="requests"),
    re_path(r"^requests/(?P<request_id>[-\w]+)" + _FMT, request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[-\w]+)" + _FMT, token_lookup, name="token"),
]
