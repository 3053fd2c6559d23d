"""Text normalisation for plan documents (公文): page markers, stray spaces, hard line breaks, punctuation folding.

``fold`` maps one character to one character, so an index found in the folded text is valid in the original:
the parser matches on folded text and slices names and sentences out of the cleaned original.
"""
from __future__ import annotations

import re

# One-to-one folding used only for matching: ASCII/full-width variants → the form the regexes expect,
# plus the few Traditional characters that occur in unit labels and targets.
_FOLD_PAIRS = {
    "(": "（", ")": "）", "[": "〔", "]": "〕", "［": "〔", "］": "〕", "{": "（", "}": "）",
    ":": "：", ",": "，", ";": "；", "!": "！", "?": "？", "．": ".", "｡": "。",
    "％": "%", "～": "~", "－": "-", "–": "-", "―": "—",
    "責": "责", "單": "单", "門": "门", "頭": "头", "協": "协", "辦": "办", "參": "参", "與": "与",
    "負": "负", "職": "职", "務": "务", "實": "实", "施": "施", "達": "达", "億": "亿", "個": "个",
    "萬": "万", "於": "于", "標": "标", "為": "为", "關": "关", "並": "并", "項": "项", "規": "规",
    "劃": "划", "進": "进", "長": "长", "設": "设", "場": "场", "區": "区", "縣": "县",
    "鎮": "镇", "牽": "牵", "員": "员", "會": "会", "發": "发", "濟": "济", "兩": "两", "級": "级", "將": "将",
}
_FOLD_TABLE = str.maketrans(
    {**_FOLD_PAIRS,
     **{chr(0xFF10 + i): str(i) for i in range(10)},                       # full-width digits
     **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},                # full-width A-Z
     **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)}})               # full-width a-z


def fold(text: str) -> str:
    """Same-length copy of ``text`` with punctuation, digits and a few Traditional characters unified."""
    return text.translate(_FOLD_TABLE)


_SPACE_RUN = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff]+")
_WORD = re.compile(r"[A-Za-z0-9]")


def clean_spaces(text: str) -> str:
    """Drop whitespace runs except a single space between two Latin letters/digits (keeps ``Hello World``).

    PDF and Word exports put spaces around digits and inside CJK text (``到 2025年``, ``区 商务局``, ``AR /VR``);
    Chinese prose never needs them.
    """
    def repl(match: re.Match) -> str:
        start, end = match.start(), match.end()
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if before and after and _WORD.match(before) and _WORD.match(after) and not (
                before.isdigit() and after.isdigit()):
            return " "
        return ""
    return _SPACE_RUN.sub(repl, text).strip()


# Page-number lines: "- 3 -", "— 3 —", "－3－", "第3页", "第 3 页 共 14 页", "3", "3/14".
_DASH = r"[-—－–―~〜_]"
_PAGE_LINE = re.compile(
    rf"^(?:{_DASH}+\s*\d{{1,4}}\s*{_DASH}+|\d{{1,3}}|\d{{1,3}}\s*/\s*\d{{1,3}}"
    r"|第\s*\d{1,4}\s*页(?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页"
    r"|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$", re.IGNORECASE)
# A page marker glued inside a line ("交付中 - 3 - 心"): needs whitespace on both sides to be told from ranges.
_PAGE_INLINE = re.compile(rf"(?:(?<=\S)\s+|^){_DASH}+\s*\d{{1,4}}\s*{_DASH}+(?:\s+(?=\S)|$)")


# …or glued between two Chinese characters without spaces ("交付中－3－心"); single dashes only, so "——" stays.
_PAGE_GLUED = re.compile(r"(?<=[\u4e00-\u9fff])(?<![—-])[-—－–]\s*\d{1,3}\s*[-—－–](?![—-])(?=[\u4e00-\u9fff])")


def is_page_number_line(line: str) -> bool:
    return bool(_PAGE_LINE.match(fold(line).strip()))


def strip_inline_page_markers(line: str) -> str:
    """Remove a page marker surrounded by whitespace (or at a line edge) inside a text line."""
    if not re.search(r"\d", line):
        return line
    return _PAGE_GLUED.sub("", _PAGE_INLINE.sub("", line))


def clean_line(line: str) -> str:
    """One physical line → text: page marker removed, stray spaces dropped. Page-number lines become ''."""
    line = line.replace("\ufeff", "").replace("\f", "")
    if is_page_number_line(line):
        return ""
    return clean_spaces(strip_inline_page_markers(line))


def join_lines(parts: list[str]) -> str:
    """Join hard-wrapped lines without separators (Chinese needs none); a space only between two Latin words."""
    out = ""
    for part in parts:
        if not part:
            continue
        if out and _WORD.match(out[-1]) and _WORD.match(part[0]) and not (out[-1].isdigit() and part[0].isdigit()):
            out += " "
        out += part
    return out


def split_text_lines(text: str) -> list[str]:
    """Split raw text into physical lines (\\r\\n, \\r, form feeds, Unicode separators)."""
    text = text.replace("\ufeff", "")
    return re.split(r"\r\n|\r|\n|\f|\u2028|\u2029|\x0b", text)


_OPEN = "（〔【《“‘「『"
_CLOSE = "）〕】》”’」』"


def split_sentences(text: str, *, enders: str = "。；！？") -> list[tuple[int, str]]:
    """Split on sentence enders outside brackets and quotes; returns (offset, sentence incl. its ender)."""
    folded = fold(text)
    out: list[tuple[int, str]] = []
    depth = 0
    start = 0
    for i, ch in enumerate(folded):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in enders and depth == 0:
            piece = text[start:i + 1]
            if piece.strip(enders + " "):
                out.append((start, piece))
            start = i + 1
    if text[start:].strip():
        out.append((start, text[start:]))
    return out


_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}


def chinese_to_int(text: str) -> int | None:
    """Small Chinese numerals (一 … 九十九, 一百…) and digit-by-digit years (二〇二三); None if not a numeral."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if all(ch in _CN_DIGITS for ch in text) and len(text) > 1:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    try:
        import cn2an
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return int(value) if value == int(value) else None
