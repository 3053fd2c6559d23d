"""Validation of a complaint / report submission: pure functions (no database), shared by ``do_register_case``, the
public form and the Open311 endpoint, so every channel accepts exactly the same input.

``validate_submission(data, today=...) -> (cleaned, errors, flags)``:
- ``errors`` {field: [Chinese messages]} — the submission must be corrected;
- ``flags`` [codes] — accepted but needs a handler's attention (``FLAG_LABELS`` has the Chinese).

The identifier and value checks are the kernel's (``core.validation``). A USCC with a wrong check digit or an odd
structure is a flag, not an error (registers have typos, citizens copy from receipts), but a value that is not 18 USCC
characters at all is an error.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from iccity.core.validation import (
    CHECKED_ID_TYPES, ID_TYPES, OTHER_ID_RE, as_text, id_number_error, is_valid_phone, normalise_phone, parse_amount,
    parse_bool, parse_date, plain_text, uscc_status, years_before,
)

DESCRIPTION_MAX = 4000
ANONYMOUS_FACTS_MIN = 20  # characters of facts an anonymous report needs to be a concrete lead
LIMITATION_YEARS = 3

REQUESTS = ("修理", "重作", "更换", "退货", "补足数量", "退款", "赔偿", "其他")
CASE_TYPES = ("complaint", "report", "both")

FLAG_LABELS = {
    "ART16_4_LIKELY": "发生已超过3年，可能不予受理（第16条第4项）",
    "IDENTITY_TO_VERIFY": "未提供身份证件，受理前须实名核验（第16条第6项）",
    "USCC_CHECK_FAILED": "统一社会信用代码校验位不符，请人工核对",
    "USCC_SUSPICIOUS": "统一社会信用代码结构异常（登记管理部门或机构类别），请人工核对",
    "HTML_STRIPPED": "事实描述含网页代码，已去除，仅保留文字",
    "ANONYMOUS_REPORT": "匿名举报：不告知处理结果",
    "CALENDAR_MISSING": "节假日数据缺失，法定时限暂无法计算",
    "ENTRUSTED_MEDIATION": "委托消费者协会等组织调解",
    "OUTSIDE_TIANJIN": "坐标不在天津市范围内（可能为GCJ-02坐标），请核对",
    "BULK_SUBMISSION": "同一网络地址当日多次提交（防刷）：受理前不计入公示，请核实是否为真实投诉",
}
# Tianjin's bounding box (WGS84), generous: a point outside is kept and flagged, not refused.
TIANJIN_BBOX = {"lat": (Decimal("38.55"), Decimal("40.26")), "long": (Decimal("116.70"), Decimal("118.07"))}


_MAX_LENGTHS = {"person_name": 60, "person_address": 200, "respondent_name": 200, "respondent_address": 200,
                "town": 40, "business_district": 60, "category": 40}


def validate_submission(data: dict, *, today: dt.date, limitation_years: int = LIMITATION_YEARS
                        ) -> tuple[dict, dict[str, list[str]], list[str]]:
    errors: dict[str, list[str]] = {}
    flags: list[str] = []

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    cleaned: dict = {}
    case_type = as_text(data.get("case_type")) or "complaint"
    if case_type not in CASE_TYPES:
        error("case_type", "类型应为投诉、举报或投诉并举报")
    cleaned["case_type"] = case_type
    wants_complaint = case_type in ("complaint", "both")

    for field in ("anonymous", "consent_publish", "consent_entrusted_mediation", "odr"):
        value = parse_bool(data.get(field))
        if value is None:
            error(field, "应为“是”或“否”")
        cleaned[field] = bool(value)

    for field, limit in _MAX_LENGTHS.items():
        cleaned[field] = re.sub(r"\s+", " ", plain_text(as_text(data.get(field)))[0])
        if len(cleaned[field]) > limit:
            error(field, f"不能超过{limit}个字")
    if not cleaned["category"]:
        error("category", "请选择投诉举报类别")

    anonymous = cleaned["anonymous"]
    if anonymous and wants_complaint:
        error("anonymous", "投诉须实名提出（匿名只适用于举报），请填写姓名和联系电话")
    # -- the person
    if anonymous and not wants_complaint:
        for field in ("person_name", "person_address"):
            cleaned[field] = ""
        cleaned.update(person_phone="", person_id_type="", person_id_number="")
        flags.append("ANONYMOUS_REPORT")
    else:
        if not cleaned["person_name"]:
            error("person_name", "请填写姓名" + ("（投诉须实名）" if wants_complaint else "（或选择匿名举报）"))
        phone = normalise_phone(data.get("person_phone"))
        if not phone:
            error("person_phone", "请填写联系电话")
        elif not is_valid_phone(phone):
            error("person_phone", "电话号码格式不正确：手机号为11位，座机请带区号（如022-27391234）")
        cleaned["person_phone"] = phone
        id_type = as_text(data.get("person_id_type"))
        id_number = as_text(data.get("person_id_number")).upper().replace(" ", "")
        if id_number and not id_type:
            id_type = "resident_id"
        if id_type and id_type not in ID_TYPES:
            error("person_id_type", "证件类型不正确")
        elif id_type and not id_number:
            error("person_id_number", "请填写证件号码")
        elif id_type in CHECKED_ID_TYPES:
            problem = id_number_error(id_number, today=today)
            if problem:
                error("person_id_number", problem)
        elif id_type and not OTHER_ID_RE.match(id_number):
            error("person_id_number", "证件号码应为6至20位字母或数字")
        cleaned["person_id_type"], cleaned["person_id_number"] = id_type, id_number
        if wants_complaint and not id_number:
            flags.append("IDENTITY_TO_VERIFY")

    # -- the respondent
    if not cleaned["respondent_name"]:
        error("respondent_name", "请填写被投诉（举报）经营者名称")
    uscc = as_text(data.get("respondent_uscc")).upper().replace(" ", "")
    cleaned["respondent_uscc"] = uscc
    if uscc:
        status = uscc_status(uscc)
        if status == "bad_format":
            error("respondent_uscc", "统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）；不清楚可不填")
        elif status == "bad_check":
            flags.append("USCC_CHECK_FAILED")
        elif status == "suspicious":
            flags.append("USCC_SUSPICIOUS")
    respondent_phone = normalise_phone(data.get("respondent_phone"))
    if respondent_phone and not is_valid_phone(respondent_phone, business=True):
        error("respondent_phone", "经营者电话格式不正确")
    cleaned["respondent_phone"] = respondent_phone

    # -- facts
    description, had_html = plain_text(as_text(data.get("description")))
    if had_html:
        flags.append("HTML_STRIPPED")
    if not description:
        error("description", "请填写事实与理由")
    elif len(description) > DESCRIPTION_MAX:
        error("description", f"事实与理由不能超过{DESCRIPTION_MAX}个字（现为{len(description)}个字）")
    cleaned["description"] = description

    cleaned["occurred_on"] = None
    if data.get("occurred_on"):
        occurred = parse_date(data.get("occurred_on"))
        if occurred is None:
            error("occurred_on", "日期格式不正确，应为 2026-11-27")
        elif occurred > today:
            error("occurred_on", "发生日期不能晚于今天")
        else:
            cleaned["occurred_on"] = occurred
            if wants_complaint and occurred < years_before(today, limitation_years):
                flags.append("ART16_4_LIKELY")

    amount, problem = parse_amount(data.get("amount"))
    if problem:
        error("amount", problem)
    cleaned["amount"] = amount

    requests = data.get("requests") or []
    if isinstance(requests, str):
        requests = [r for r in re.split(r"[,，、\s]+", requests) if r]
    unknown = [r for r in requests if r not in REQUESTS]
    if unknown:
        error("requests", f"诉求应为{'、'.join(REQUESTS)}之一")
    cleaned["requests"] = [r for r in REQUESTS if r in requests]

    for field, low, high in (("lat", -90, 90), ("long", -180, 180)):
        value = data.get(field)
        cleaned[field] = None
        if value not in (None, ""):
            try:
                number = Decimal(as_text(value)).quantize(Decimal("0.000001"))
            except InvalidOperation:
                error(field, "坐标格式不正确")
                continue
            if not low <= number <= high:
                error(field, "坐标超出范围")
            cleaned[field] = number

    if cleaned["lat"] is not None and cleaned["long"] is not None and not all(
            TIANJIN_BBOX[f][0] <= cleaned[f] <= TIANJIN_BBOX[f][1] for f in ("lat", "long")):
        flags.append("OUTSIDE_TIANJIN")

    media_url = as_text(data.get("media_url"))
    if media_url and (not media_url.startswith(("https://", "http://")) or len(media_url) > 500 or " " in media_url):
        error("media_url", "图片/附件链接须为 http(s) 地址，且不超过500个字符")
    cleaned["media_url"] = media_url

    if anonymous and not wants_complaint:
        # An anonymous report cannot be followed up with the reporter: the lead itself must be concrete.
        if not (cleaned["respondent_address"] or uscc):
            error("respondent_address", "匿名举报须提供被举报经营者的地址或统一社会信用代码")
        if description and len(description) < ANONYMOUS_FACTS_MIN:
            error("description", f"匿名举报须具体描述违法事实（不少于{ANONYMOUS_FACTS_MIN}个字）")
    if cleaned["consent_entrusted_mediation"] and not wants_complaint:
        cleaned["consent_entrusted_mediation"] = False  # 举报 is never mediated
    return cleaned, errors, flags
