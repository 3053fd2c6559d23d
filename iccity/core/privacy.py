"""The one masking function for everything that leaves the platform to the public (个人信息保护法 Art. 6, 51).

Every public surface — the complaint lookup page, Open311 JSON and XML, the disclosure pages, the credit
disclosure page and API, the survey pages, public progress — runs its free text through ``mask_public_text``
(templates through the ``public`` filter in ``core_privacy``), so a fix here reaches all of them.

What is masked, wherever it appears in the text:
- mobile numbers (1[3-9]x, with +86 and spaces or hyphens) and landlines with an area code (0xx-xxxxxxx);
- resident ID numbers: 18 characters with a valid GB 11643 check digit *or* a plausible birth date (a typo in a
  check digit must not leak the rest), and the old 15-digit numbers with a plausible birth date;
- bank card numbers: 13–19 digits (in groups or not) that pass the Luhn check;
- e-mail addresses;
- the names, phones, ID numbers and addresses of the people the caller names (the complainant's own data).
Masks keep what a person needs to recognise their own case and nothing more (138****1234, 11**************2X).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from collections.abc import Iterable

# Full-width digits and letters (１３８…) are what an input method produces; detect them like ASCII.
_FULL_WIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９＋－＠．ＸｘＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＹＺ"
                                                 "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｙｚ"}
_FULL_WIDTH[0x3000] = 0x20  # ideographic space


# ---------------------------------------------------------------- single values (structured fields)

def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***; the surname alone is what a caller would say on the phone anyway."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1) if len(name) > 1 else "*"


def mask_phone(phone: str) -> str:
    """13812341234 → 138****1234; landlines keep the area code and the last 4 digits."""
    phone = (phone or "").strip()
    if len(phone) == 11 and phone.isdigit():
        return f"{phone[:3]}****{phone[-4:]}"
    if "-" in phone:
        area, rest = phone.split("-", 1)
        return f"{area}-{'*' * max(len(rest) - 4, 0)}{rest[-4:]}"
    return "*" * max(len(phone) - 4, 0) + phone[-4:]


def mask_id(number: str) -> str:
    """Keep the first 2 (province) and the last 2 characters: the birth date and county code are hidden, and the
    last 4 (sequence, sex, check) would narrow a person down too much with the rest."""
    number = (number or "").strip()
    if len(number) <= 4:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]


def mask_address(address: str) -> str:
    """Keep roughly the district level (first 6 characters)."""
    address = (address or "").strip()
    return address[:6] + "****" if len(address) > 6 else ("****" if address else "")


def mask_email(email: str) -> str:
    local, _, domain = (email or "").partition("@")
    return (local[:1] + "***@" + domain) if domain else "***"


def mask_card(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return "*" * (len(digits) - 4) + digits[-4:]


# ---------------------------------------------------------------- detectors for free text

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit_ok(number: str) -> bool:
    """GB 11643-1999: weighted sum of the first 17 digits mod 11 picks the check character."""
    if not re.fullmatch(r"\d{17}[\dXx]", number or ""):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


def _plausible_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return 1900 <= year <= 2100


def looks_like_id(number: str) -> bool:
    number = number.upper()
    if len(number) == 18:
        return id_check_digit_ok(number) or (
            number[:17].isdigit() and _plausible_date(int(number[6:10]), int(number[10:12]), int(number[12:14])))
    if len(number) == 15 and number.isdigit():  # 1st-generation ID: YYMMDD at 6..12
        return _plausible_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    return False


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
# Not glued to letters: receipt numbers (XQ2026051100009) and codes are not cards or phones.
_CARD_RE = re.compile(r"(?<![\dA-Za-z*])(\d{4}(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?|\d{13,19})(?![\dA-Za-z*])")
_MOBILE_RE = re.compile(r"(?<![\dA-Za-z*])(?:(?:\+|00)?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?![\d*])")
_LANDLINE_RE = re.compile(r"(?<![\dA-Za-z*])(?:\(?(0\d{2,3})\)?[ -]?)(\d{3,4})[ -]?(\d{4})"
                          r"(?:[ -]?(?:转|ext\.?|x)\s?\d{1,5})?(?![\d*])")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def _mask_ids(text: str) -> str:
    return _ID_RE.sub(lambda m: mask_id(m[1]) if looks_like_id(m[1]) else m[0], text)


def _mask_cards(text: str) -> str:
    def one(m):
        digits = re.sub(r"\D", "", m[1])
        return mask_card(digits) if 13 <= len(digits) <= 19 and luhn_ok(digits) else m[0]
    return _CARD_RE.sub(one, text)


def _mask_phones(text: str) -> str:
    text = _MOBILE_RE.sub(lambda m: f"{m[1]}****{m[3]}", text)
    return _LANDLINE_RE.sub(lambda m: f"{m[1]}-{'*' * len(m[2])}{m[3]}", text)


@dataclass(frozen=True)
class Person:
    """A person whose own data must not appear in public text (the complainant, a 个体工商户's operator)."""

    name: str = ""
    phone: str = ""
    id_number: str = ""
    address: str = ""


def _address_variants(address: str) -> list[str]:
    """The address as written and without its leading city/district, so "杨柳青镇某小区1号" is caught too."""
    address = (address or "").strip()
    variants = {address}
    for prefix in ("天津市", "西青区", "天津市西青区"):
        if address.startswith(prefix):
            variants.add(address[len(prefix):])
    return sorted((v for v in variants if len(v) >= 5), key=len, reverse=True)


def _mask_person(text: str, person: Person) -> str:
    for secret, masked in ((person.id_number, mask_id(person.id_number)),
                           (person.phone, mask_phone(person.phone))):
        secret = (secret or "").strip()
        if len(secret) >= 4:
            text = text.replace(secret, masked)
    for variant in _address_variants(person.address):
        text = text.replace(variant, mask_address(variant))
    name = (person.name or "").strip()
    if len(name) >= 2:
        text = text.replace(name, mask_name(name))
    return text


def mask_public_text(text, *, people: Iterable[Person] = ()) -> str:
    """``text`` with every personal datum masked; ``people``: persons whose own name/phone/ID/address are known."""
    if text is None:
        return ""
    text = str(text).translate(_FULL_WIDTH)
    for person in people:
        if person is not None:
            text = _mask_person(text, person)
    text = _EMAIL_RE.sub(lambda m: mask_email(m[0]), text)
    text = _mask_ids(text)
    text = _mask_cards(text)
    return _mask_phones(text)


def contains_personal_data(text, *, people: Iterable[Person] = ()) -> bool:
    """True when ``mask_public_text`` would change ``text`` (used to warn a handler before a note goes public)."""
    text = "" if text is None else str(text)
    return mask_public_text(text, people=people) != text.translate(_FULL_WIDTH)
