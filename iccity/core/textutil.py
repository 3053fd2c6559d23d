"""Chinese text helpers shared by every app that reads uploads or writes documents. No Django.

Decoding: pick the encoding (UTF-8, UTF-16, GB18030) and refuse anything that would become mojibake. Chinese
government offices still save .txt and .csv as GBK; a wrongly guessed encoding silently produces nonsense that a
parser would then "parse", so a GB18030 guess is only accepted when the decoded text reads like Chinese (see
``chinese_score``). Plan documents (plans.parsing.readers) and indicator CSV uploads decode through here.

Numerals: ``chinese_counting`` writes 一, 十一, 二十一 (Word's chineseCounting), for （一） headings in plans and documents.
"""
from __future__ import annotations

import codecs
import unicodedata
from typing import NamedTuple


# How much to inspect for the heuristics: enough for statistics, cheap for a 20 MB file.
SAMPLE_CHARS = 200_000
SAMPLE_BYTES = 256 * 1024

# A GB18030 guess must have at least this share of "common Chinese" characters among its non-ASCII ones.
MIN_CHINESE_SHARE = 0.8
# …and at most this share of rare (level-2 GB2312) hanzi among its hanzi.
MAX_RARE_SHARE = 0.15
# Decoded text may contain at most this share of control characters (other than tab, newline, form feed).
MAX_CONTROL_SHARE = 0.005

# Characters outside GB2312 that are nevertheless everyday in 公文.
_EXTRA_COMMON = set("〇")

_UNKNOWN_ENCODING = "无法识别文件编码，请将文本文件另存为UTF-8编码后再上传"


def looks_binary(data: bytes) -> bool:
    """True when the bytes are not text in any 8-bit encoding: NUL bytes or many C0 control bytes.

    UTF-16 text (which contains NUL bytes) is handled before this is called.
    """
    sample = data[:SAMPLE_BYTES]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B) or b == 0x7F)
    return controls / len(sample) > 0.01


def control_share(text: str) -> float:
    sample = text[:SAMPLE_CHARS]
    if not sample:
        return 0.0
    bad = sum(
        1 for ch in sample
        if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Co", "Cs") and ch not in "\t\n\r\x0c")
    )
    return bad / len(sample)


class Score(NamedTuple):
    common: float   # share of common characters among the non-ASCII ones
    rare: float     # share of rare hanzi among the GB2312 hanzi
    total: int      # non-ASCII characters looked at
    hanzi: int      # GB2312 hanzi among them


def chinese_score(text: str) -> Score:
    """How much ``text`` (the first SAMPLE_CHARS of it) reads like Chinese.

    common share: GB2312 characters (hanzi rows 0xB0–0xF7, punctuation/full-width rows 0xA1–0xA3) among the
    non-ASCII characters. Real Chinese scores ≈1.0. Shift-JIS or Big5 bytes decoded as GB18030 land largely in
    the GBK extension areas, kana/box-drawing rows or user-defined areas and score far lower (Big5 ≈0.2,
    Shift-JIS ≈0).
    rare share: level-2 GB2312 hanzi (rows 0xD8–0xF7, the rare ones) among the GB2312 hanzi. Real text has
    well under 1 %; byte pairs that merely fall in the GB2312 range by accident (latin-1 "àé") hit level 2
    about 40 % of the time.
    """
    common = rare = hanzi = total = 0
    for ch in text[:SAMPLE_CHARS]:
        if ord(ch) < 0x80:
            continue
        total += 1
        if ch in _EXTRA_COMMON:
            common += 1
            continue
        try:
            encoded = ch.encode("gbk")
        except UnicodeEncodeError:
            continue
        if len(encoded) != 2 or encoded[1] < 0xA1:
            continue
        lead = encoded[0]
        if 0xA1 <= lead <= 0xA3:
            common += 1
        elif 0xB0 <= lead <= 0xF7:
            common += 1
            hanzi += 1
            rare += lead >= 0xD8
    if not total:
        return Score(1.0, 0.0, 0, 0)
    return Score(common / total, rare / hanzi if hanzi else 0.0, total, hanzi)


def _plausible_chinese(text: str) -> bool:
    score = chinese_score(text)
    # A couple of rare characters (a name, a place) are fine even in a very short text.
    rare_ok = score.rare <= MAX_RARE_SHARE or score.rare * score.hanzi <= 2
    return (score.total > 0 and score.common >= MIN_CHINESE_SHARE and rare_ok
            and control_share(text) <= MAX_CONTROL_SHARE)


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_text(data: bytes) -> tuple[str, str, list[str]]:
    """Return (text, encoding, notes); raise UnknownEncoding, or NotText for binary data. ``data`` is non-empty."""
    notes: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        text = _try(data, "utf-8-sig")
        if text is None:
            raise UnknownEncoding(_UNKNOWN_ENCODING, found="文件以UTF-8标记开头，但内容不是有效的UTF-8")
        return text, "utf-8-sig", notes
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _try(data, "utf-16")
        if text is None or control_share(text) > MAX_CONTROL_SHARE:
            raise UnknownEncoding(_UNKNOWN_ENCODING, found="文件以UTF-16标记开头，但内容不是有效的UTF-16")
        notes.append("检测到UTF-16编码")
        return text, "utf-16", notes

    if b"\x00" in data[:SAMPLE_BYTES]:
        # Text editors on Windows may write UTF-16 without a BOM; accept it only if it reads as Chinese.
        for encoding in ("utf-16-le", "utf-16-be"):
            text = _try(data, encoding)
            if text is not None and _plausible_chinese(text):
                notes.append("检测到UTF-16编码（无字节顺序标记）")
                return text, "utf-16", notes
        # Some exporters pad text files with NUL bytes at the end: that padding alone does not make them binary.
        data = data.rstrip(b"\x00")

    if looks_binary(data):
        raise NotText()

    text = _try(data, "utf-8")
    if text is not None:
        if control_share(text) > MAX_CONTROL_SHARE:
            raise NotText()
        return text, "utf-8", notes

    text = _try(data, "gb18030")
    if text is not None and _plausible_chinese(text):
        notes.append("检测到GB18030编码")
        return text, "gb18030", notes
    raise UnknownEncoding(_UNKNOWN_ENCODING, found="既不是UTF-8，也不像GBK/GB18030编码的中文文本")


class UnknownEncoding(ValueError):
    """Text in an encoding we cannot tell: ``message`` for the user, ``found`` what the bytes looked like."""

    def __init__(self, message: str, *, found: str = ""):
        self.message, self.found = message, found
        super().__init__(f"{message}（{found}）" if found else message)


class NotText(Exception):
    """The bytes are binary, not text: the caller reports it together with the detected kind and size."""


def split_lines(text: str) -> list[str]:
    """Normalise \\r\\n, \\r (and form feeds / Unicode line separators) to line breaks and split."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for sep in ("\x0c", "\u2028", "\u2029"):
        text = text.replace(sep, "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


_CN_DIGITS = "〇一二三四五六七八九"


def positional(n: int, digits: str = _CN_DIGITS) -> str:
    return "".join(digits[int(d)] for d in str(n))


def chinese_counting(n: int) -> str:
    # chineseCounting: 十 form below 100 (十, 十一, 二十一), digit by digit from 100 (一〇〇).
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("十" if tens == 1 else _CN_DIGITS[tens] + "十") + (_CN_DIGITS[ones] if ones else "")
    return positional(n, _CN_DIGITS)
