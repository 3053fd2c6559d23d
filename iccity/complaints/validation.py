"""Validation of a complaint / report submission: pure functions (no database), shared by ``do_register_case``, the
public form and the Open311 endpoint, so every channel accepts exactly the same input.

``validate_submission(data, today=...) -> (cleaned, errors, flags)``:
- ``errors`` {field: [Chinese messages]} — the submission must be corrected;
- ``flags`` [codes] — accepted but needs a handler's attention (``FLAG_LABELS`` has the Chinese).

Decisions: HTML in the description is stripped to plain text (script/style contents dropped) and flagged, never
stored as HTML; amounts accept thousands separators only in proper groups of three ("1,234.50" yes, "12,34" no); a
USCC with a wrong check digit or an odd structure is a flag, not an error (registers have typos, citizens copy from
receipts), but a value that is not 18 USCC characters at all is an error.
"""
from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser

DESCRIPTION_MAX = 4000
ANONYMOUS_FACTS_MIN = 20  # characters of facts an anonymous report needs to be a concrete lead
LIMITATION_YEARS = 3

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?[2-9]\d{6,7}(-\d{1,6})?$")  # area code + 7/8 digits (+ extension)
SERVICE_NUMBER_RE = re.compile(r"^[48]00-?\d{3}-?\d{4}$")  # 400/800 numbers: businesses only

ID_TYPES = {
    "resident_id": "居民身份证",
    "hmt_residence_permit": "港澳台居民居住证",  # 18 digits with the same GB 11643 check digit
    "passport": "护照",
    "hk_macao_permit": "港澳居民来往内地通行证",
    "taiwan_permit": "台湾居民来往大陆通行证",
    "foreign_permanent_id": "外国人永久居留身份证",
}
CHECKED_ID_TYPES = {"resident_id", "hmt_residence_permit"}
OTHER_ID_RE = re.compile(r"^[A-Z0-9]{6,20}$")
REQUESTS = ("修理", "重作", "更换", "退货", "补足数量", "退款", "赔偿", "其他")
CASE_TYPES = ("complaint", "report", "both")

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
# GB 32100 registration authority → organisation type codes in use (other pairs are "suspicious").
USCC_TYPES = {"1": "129", "2": "19", "3": "12345679", "4": "19", "5": "1239", "6": "129", "7": "129", "8": "19",
              "9": "123", "A": "19", "N": "12349", "Y": "1"}
ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
ID_CHECK = "10X98765432"

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


def _text(value) -> str:
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()  # full-width digits/letters → ASCII


def parse_bool(value) -> bool | None:
    """Form and JSON booleans; None for anything else."""
    if isinstance(value, bool):
        return value
    if value is None or value == "":
        return False
    text = str(value).strip().lower()
    if text in ("1", "true", "on", "yes", "是", "同意"):
        return True
    if text in ("0", "false", "off", "no", "否", "不同意"):
        return False
    return None


def normalise_phone(value: str) -> str:
    text = re.sub(r"[\s()（）]", "", _text(value))
    text = re.sub(r"^(\+86|0086)-?", "", text).replace("—", "-")
    return text.replace("-", "") if MOBILE_RE.match(text.replace("-", "")) else text


def is_valid_phone(value: str, *, business: bool = False) -> bool:
    text = normalise_phone(value)
    if MOBILE_RE.match(text.replace("-", "")):
        return True
    return bool(LANDLINE_RE.match(text) or (business and SERVICE_NUMBER_RE.match(text)))


def id_check_digit(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def id_number_error(number: str, *, today: dt.date) -> str | None:
    """GB 11643: 17 digits + check digit (0-9 or X), a real birth date not in the future."""
    if not re.match(r"^\d{17}[\dX]$", number):
        return "身份证号码应为18位，前17位为数字，末位为数字或X"
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "身份证号码中的出生日期无效"
    if born > today or born.year < 1900:
        return "身份证号码中的出生日期无效"
    if id_check_digit(number[:17]) != number[17]:
        return "身份证号码校验位不正确，请核对"
    return None


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_status(code: str) -> str:
    """"valid" | "bad_format" | "bad_check" | "suspicious" for a normalised (upper-case) code."""
    if len(code) != 18 or any(c not in USCC_ALPHABET for c in code):
        return "bad_format"
    if uscc_check_char(code[:17]) != code[17]:
        return "bad_check"
    if code[1] not in USCC_TYPES.get(code[0], "") or not code[2:8].isdigit():
        return "suspicious"
    return "valid"


class _TextOnly(HTMLParser):
    """Collects text, dropping tags and the contents of script/style."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("br", "p", "div", "li"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def plain_text(value: str) -> tuple[str, bool]:
    """(text without markup, whether markup was found)."""
    if not re.search(r"<\s*/?\s*[a-zA-Z!]", value):
        return value, False
    parser = _TextOnly()
    parser.feed(value)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"<[^>]*>?", "", html.unescape(text))  # leftovers of broken markup
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip(), True


def parse_amount(value) -> tuple[Decimal | None, str | None]:
    """Yuan as Decimal (≥ 0, ≤ 2 places). Floats are refused: they cannot carry cents exactly."""
    if value is None or value == "":
        return None, None
    if isinstance(value, float):
        return None, "金额请以文本或定点数提交，不接受浮点数"
    text = _text(value).replace("元", "").replace("¥", "").replace("￥", "").replace(" ", "")
    if "," in text:
        if not re.match(r"^\d{1,3}(,\d{3})+(\.\d*)?$", text):
            return None, "金额格式不正确（千分位应每三位一个逗号）"
        text = text.replace(",", "")
    if not re.match(r"^\d+(\.\d+)?$", text):
        return None, "金额应为不小于0的数字，单位为元" if not text.startswith("-") else "金额不能为负数"
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None, "金额格式不正确"
    if amount.as_tuple().exponent < -2:
        return None, "金额最多保留两位小数（精确到分）"
    if amount >= Decimal("1e12"):
        return None, "金额过大，请核对"
    return amount.quantize(Decimal("0.01")), None


def parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace("/", "-").replace("年", "-").replace("月", "-").replace("日", "")
    try:
        return dt.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        return None


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


_MAX_LENGTHS = {"person_name": 60, "person_address": 200, "respondent_name": 200, "respondent_address": 200,
                "town": 40, "business_district": 60, "category": 40}


def validate_submission(data: dict, *, today: dt.date, limitation_years: int = LIMITATION_YEARS
                        ) -> tuple[dict, dict[str, list[str]], list[str]]:
    errors: dict[str, list[str]] = {}
    flags: list[str] = []

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    cleaned: dict = {}
    case_type = _text(data.get("case_type")) or "complaint"
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
        cleaned[field] = re.sub(r"\s+", " ", plain_text(_text(data.get(field)))[0])
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
        id_type = _text(data.get("person_id_type"))
        id_number = _text(data.get("person_id_number")).upper().replace(" ", "")
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
    uscc = _text(data.get("respondent_uscc")).upper().replace(" ", "")
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
    description, had_html = plain_text(_text(data.get("description")))
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
                number = Decimal(_text(value)).quantize(Decimal("0.000001"))
            except InvalidOperation:
                error(field, "坐标格式不正确")
                continue
            if not low <= number <= high:
                error(field, "坐标超出范围")
            cleaned[field] = number

    if cleaned["lat"] is not None and cleaned["long"] is not None and not all(
            TIANJIN_BBOX[f][0] <= cleaned[f] <= TIANJIN_BBOX[f][1] for f in ("lat", "long")):
        flags.append("OUTSIDE_TIANJIN")

    media_url = _text(data.get("media_url"))
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
