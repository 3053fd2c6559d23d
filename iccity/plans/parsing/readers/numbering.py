"""Render Word automatic numbering ("一、", "（二）", "3.", "①") the way Word displays it.

A paragraph is numbered by ``w:pPr/w:numPr`` (numId + ilvl), directly or inherited from its paragraph style
(``w:basedOn`` chain, or the default paragraph style). ``w:num`` points at a ``w:abstractNum`` holding the level
definitions (start, numFmt, lvlText such as "%1、" or "%1.%2") and may override a level's start (startOverride)
or whole definition. Counters are kept per abstractNum, as Word does: two w:num instances of one list continue
each other's numbering unless one carries a startOverride (that is how Word's "restart at 1" is stored).
Advancing a level restarts the deeper ones (subject to w:lvlRestart).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from iccity.core.textutil import chinese_counting, positional

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"


def w(tag: str) -> str:
    return W + tag


def _val(element: etree._Element | None, attr: str = "val") -> str | None:
    if element is None:
        return None
    return element.get(W + attr)


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


@dataclass
class Level:
    start: int = 0          # ECMA-376: an omitted w:start means 0
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None   # w:lvlRestart: 1-based level whose use restarts this one; 0 = never
    legal: bool = False          # w:isLgl: show every level in arabic numerals
    pstyle: str | None = None    # w:pStyle: paragraph style bound to this level


def _parse_level(lvl: etree._Element, base: Level | None = None) -> Level:
    level = Level(**vars(base)) if base else Level()
    if (start := _int(_val(lvl.find(w("start"))))) is not None:
        level.start = start
    if (fmt := _val(lvl.find(w("numFmt")))) is not None:
        level.fmt = fmt
    if (text := _val(lvl.find(w("lvlText")))) is not None:
        level.text = text
    if (restart := _int(_val(lvl.find(w("lvlRestart"))))) is not None:
        level.restart = restart
    legal = lvl.find(w("isLgl"))
    if legal is not None:
        level.legal = _val(legal) not in ("0", "false", "off")
    if (pstyle := _val(lvl.find(w("pStyle")))) is not None:
        level.pstyle = pstyle
    return level


class Numbering:
    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None):
        self.abstracts: dict[str, dict[int, Level]] = {}
        self.abstract_links: dict[str, str] = {}           # abstractNumId -> numStyleLink style id
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, etree._Element]]] = {}
        self.styles: dict[str, tuple[str | None, int | None, str | None]] = {}  # id -> (numId, ilvl, basedOn)
        self.default_style: str | None = None
        self.counters: dict[str, dict[int, int]] = {}      # abstract id -> level -> current value
        self.starts: dict[str, dict[int, int]] = {}        # abstract id -> level -> overridden start
        self.used_nums: set[str] = set()
        if numbering is not None:
            self._load_numbering(numbering)
        if styles is not None:
            self._load_styles(styles)

    def _load_numbering(self, root: etree._Element) -> None:
        for abstract in root.iter(w("abstractNum")):
            abstract_id = _val(abstract, "abstractNumId")
            if abstract_id is None:
                continue
            levels = {}
            for lvl in abstract.iter(w("lvl")):
                ilvl = _int(_val(lvl, "ilvl"))
                if ilvl is not None:
                    levels[ilvl] = _parse_level(lvl)
            self.abstracts[abstract_id] = levels
            link = _val(abstract.find(w("numStyleLink")))
            if link:
                self.abstract_links[abstract_id] = link
        for num in root.iter(w("num")):
            num_id = _val(num, "numId")
            abstract_id = _val(num.find(w("abstractNumId")))
            if num_id is None or abstract_id is None:
                continue
            starts: dict[int, int] = {}
            lvl_overrides: dict[int, etree._Element] = {}
            for override in num.iter(w("lvlOverride")):
                ilvl = _int(_val(override, "ilvl"))
                if ilvl is None:
                    continue
                start = _int(_val(override.find(w("startOverride"))))
                if start is not None:
                    starts[ilvl] = start
                lvl = override.find(w("lvl"))
                if lvl is not None:
                    lvl_overrides[ilvl] = lvl
            self.nums[num_id] = (abstract_id, starts, lvl_overrides)

    def _load_styles(self, root: etree._Element) -> None:
        for style in root.iter(w("style")):
            style_id = _val(style, "styleId")
            if style_id is None:
                continue
            numpr = style.find(f"{w('pPr')}/{w('numPr')}")
            num_id = _val(numpr.find(w("numId"))) if numpr is not None else None
            ilvl = _int(_val(numpr.find(w("ilvl")))) if numpr is not None else None
            self.styles[style_id] = (num_id, ilvl, _val(style.find(w("basedOn"))))
            if _val(style, "type") == "paragraph" and _val(style, "default") in ("1", "true", "on"):
                self.default_style = style_id

    def _style_chain(self, style_id: str | None) -> list[str]:
        chain: list[str] = []
        while style_id and style_id not in chain:
            chain.append(style_id)
            style_id = self.styles.get(style_id, (None, None, None))[2]
        return chain

    def _style_numpr(self, style_id: str | None) -> tuple[str | None, int | None]:
        num_id = ilvl = None
        for style in self._style_chain(style_id):
            s_num, s_ilvl, _ = self.styles.get(style, (None, None, None))
            num_id = num_id if num_id is not None else s_num
            ilvl = ilvl if ilvl is not None else s_ilvl
        return num_id, ilvl

    def _resolve(self, num_id: str) -> tuple[str, dict[int, Level]] | None:
        """(abstract id holding the counters, level definitions for this num instance)."""
        entry = self.nums.get(num_id)
        if entry is None:
            return None
        abstract_id, _, lvl_overrides = entry
        # numStyleLink: the list definition lives in another abstractNum, reached through a numbering style.
        for _ in range(5):
            link = self.abstract_links.get(abstract_id)
            if not link:
                break
            linked_num = self._style_numpr(link)[0]
            linked = self.nums.get(linked_num) if linked_num else None
            if linked is None or linked[0] == abstract_id:
                break
            abstract_id = linked[0]
        levels = dict(self.abstracts.get(abstract_id, {}))
        for ilvl, lvl in lvl_overrides.items():
            levels[ilvl] = _parse_level(lvl, levels.get(ilvl))
        return abstract_id, levels

    def label(self, p: etree._Element) -> str:
        """Advance the counters for paragraph ``p`` and return its rendered number ("" if not numbered)."""
        ppr = p.find(w("pPr"))
        num_id = ilvl = style_id = None
        if ppr is not None:
            numpr = ppr.find(w("numPr"))
            if numpr is not None:
                num_id = _val(numpr.find(w("numId")))
                ilvl = _int(_val(numpr.find(w("ilvl"))))
            style_id = _val(ppr.find(w("pStyle")))
        style_id = style_id or self.default_style
        if num_id is None or ilvl is None:
            s_num, s_ilvl = self._style_numpr(style_id)
            num_id = num_id if num_id is not None else s_num
            ilvl = ilvl if ilvl is not None else s_ilvl
        if num_id is None or num_id == "0":  # numId 0 explicitly removes inherited numbering
            return ""
        resolved = self._resolve(num_id)
        if resolved is None:
            return ""
        abstract_id, levels = resolved
        if ilvl is None:
            # The level bound to the paragraph's style (or a style it is based on), else level 0.
            chain = self._style_chain(style_id)
            bound = sorted((chain.index(lv.pstyle), k) for k, lv in levels.items() if lv.pstyle in chain)
            ilvl = bound[0][1] if bound else 0
        level = levels.get(ilvl)
        if level is None:
            return ""

        counters = self.counters.setdefault(abstract_id, {})
        starts = self.starts.setdefault(abstract_id, {})
        if num_id not in self.used_nums:
            self.used_nums.add(num_id)
            for o_ilvl, o_start in self.nums[num_id][1].items():
                starts[o_ilvl] = o_start
                counters.pop(o_ilvl, None)

        def start_of(k: int) -> int:
            return starts.get(k, levels[k].start if k in levels else 1)

        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start_of(ilvl)
        for deeper in [k for k in counters if k > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart != 0 and ilvl < restart):
                del counters[deeper]

        if level.fmt in ("bullet", "none"):
            return ""

        def substitute(match: re.Match) -> str:
            k = int(match.group(1)) - 1
            value = counters.get(k, start_of(k))
            fmt = "decimal" if level.legal else (levels[k].fmt if k in levels else "decimal")
            return format_number(value, fmt)

        return re.sub(r"%([1-9])", substitute, level.text)


# --- numFmt rendering (ECMA-376 §17.18.59) ---------------------------------------------------------------

_CN_LEGAL_SIMPLIFIED = ("零壹贰叁肆伍陆柒捌玖", "拾佰仟")
_CN_LEGAL_TRADITIONAL = ("零壹貳參肆伍陸柒捌玖", "拾佰仟")
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
          (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _chinese_grouped(n: int, digits: str = "零一二三四五六七八九", units: str = "十百千",
                     zero: str = "零", drop_leading_one: bool = True) -> str:
    # chineseCountingThousand etc.: 一百零一, 一千零一十; 10–19 as 十… in the informal variants.
    if n <= 0 or n >= 10000:
        return positional(n)
    out, pending_zero, text = "", False, str(n)
    for i, ch in enumerate(text):
        d, pos = int(ch), len(text) - 1 - i
        if d == 0:
            pending_zero = bool(out)
            continue
        if pending_zero and zero:
            out += zero
        pending_zero = False
        out += digits[d] + (units[pos - 1] if pos else "")
    if drop_leading_one and 10 <= n < 20:
        out = out[1:]
    return out


def _letters(n: int, upper: bool) -> str:
    letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
    return letter if upper else letter.lower()


def _roman(n: int) -> str:
    out = ""
    for value, glyph in _ROMAN:
        count, n = divmod(n, value)
        out += glyph * count
    return out


def _enclosed(n: int, first: int, size: int) -> str:
    return chr(first + n - 1) if 1 <= n <= size else str(n)


_FORMATS = {
    "decimal": str,
    "decimalHalfWidth": str,
    "decimalZero": lambda n: f"{n:02d}" if 0 <= n < 10 else str(n),
    "decimalFullWidth": lambda n: positional(n, "０１２３４５６７８９"),
    "decimalFullWidth2": lambda n: positional(n, "０１２３４５６７８９"),
    "decimalEnclosedCircle": lambda n: _enclosed(n, 0x2460, 20),         # ①
    "decimalEnclosedCircleChinese": lambda n: _enclosed(n, 0x2460, 20),
    "decimalEnclosedParen": lambda n: _enclosed(n, 0x2474, 20),          # ⑴
    "decimalEnclosedFullstop": lambda n: _enclosed(n, 0x2488, 20),       # ⒈
    "ideographEnclosedCircle": lambda n: _enclosed(n, 0x3280, 10),       # ㊀
    "chineseCounting": chinese_counting,
    "taiwaneseCounting": chinese_counting,
    "chineseCountingThousand": _chinese_grouped,
    "taiwaneseCountingThousand": _chinese_grouped,
    "japaneseCounting": lambda n: _chinese_grouped(n, zero=""),
    "chineseLegalSimplified": lambda n: _chinese_grouped(n, *_CN_LEGAL_SIMPLIFIED, drop_leading_one=False),
    "ideographLegalTraditional": lambda n: _chinese_grouped(n, *_CN_LEGAL_TRADITIONAL, drop_leading_one=False),
    "ideographDigital": lambda n: positional(n),
    "taiwaneseDigital": lambda n: positional(n),
    "japaneseDigitalTenThousand": lambda n: positional(n),
    "ideographTraditional": lambda n: _enclosed_seq(n, _STEMS),          # 甲乙丙丁
    "ideographZodiac": lambda n: _enclosed_seq(n, _BRANCHES),            # 子丑寅卯
    "upperLetter": lambda n: _letters(n, True),
    "lowerLetter": lambda n: _letters(n, False),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "numberInDash": lambda n: f"- {n} -",
}


def _enclosed_seq(n: int, chars: str) -> str:
    return chars[n - 1] if 1 <= n <= len(chars) else str(n)


def format_number(n: int, fmt: str) -> str:
    """Render counter ``n`` in numFmt ``fmt``; unknown formats (and values a format cannot show) fall back to decimal."""
    if n <= 0 and fmt not in ("decimal", "decimalZero"):
        return str(n)
    return _FORMATS.get(fmt, str)(n)
