"""Checks of personal and business identifiers and of form values, pure functions (no database), shared by every
app that takes them: phone numbers, GB 11643 ID numbers (check digit, birth date), GB 32100 USCC (valid / invalid /
suspicious), amounts, dates, and plain text from input that may hold HTML.

Decisions: HTML is stripped to plain text (script/style contents dropped), never stored as HTML; amounts accept
thousands separators only in proper groups of three ("1,234.50" yes, "12,34" no); a USCC with a wrong check digit or
an odd structure is ``bad_check``/``suspicious`` for the caller to flag, not to refuse (registers have typos).
"""
from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser

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

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
# GB 32100 registration authority → organisation type codes in use (other pairs are "suspicious").
USCC_TYPES = {"1": "129", "2": "19", "3": "12345679", "4": "19", "5": "1239", "6": "129", "7": "129", "8": "19",
              "9": "123", "A": "19", "N": "12349", "Y": "1"}
ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
ID_CHECK = "10X98765432"



def as_text(value) -> str:
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
    text = re.sub(r"[\s()（）]", "", as_text(value))
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
    text = as_text(value).replace("元", "").replace("¥", "").replace("￥", "").replace(" ", "")
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
    text = as_text(value).replace("/", "-").replace("年", "-").replace("月", "-").replace("日", "")
    try:
        return dt.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        return None


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
