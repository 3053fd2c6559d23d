"""Quantified targets (``ParsedTarget``) in goal, task and measure texts.

Conservative on purpose: a number becomes a target only with a comparator word (不少于/突破/达到/以上/左右…), a
growth/relative/sync phrase, a range with a unit, or a target year plus a commitment verb right before the
quantity (到2027年建成3个…). Descriptive counts (3个板块, 24小时便利店, 两所高校) are left alone.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from collections.abc import Callable

from .result import ParsedTarget
from .text import fold, split_sentences

_CN_NUM = r"[〇零一二两三四五六七八九十百千]+"
_NUM = rf"(\d+(?:\.\d+)?|{_CN_NUM})"
# Units, longest first; the multiplier (万/亿) stays part of the unit (5000亿元 → 5000, 亿元).
_UNITS = sorted([
    "个百分点", "万人次", "万平方米", "平方公里", "平方米", "万亿元", "亿元", "万元", "亿美元", "万美元", "美元", "元",
    "万人", "人次", "万户", "万辆", "万吨", "万张", "万家", "万个", "万件", "万", "亿",
    "个", "家", "项", "所", "座", "条", "处", "场", "次", "人", "名", "户", "套", "张", "辆", "批", "类", "款", "种",
    "届", "床", "间", "栋", "公里", "千米", "米", "吨", "千瓦", "兆瓦", "%", "倍", "星", "强", "站", "台", "部", "期",
], key=len, reverse=True)
_UNIT = "(" + "|".join(re.escape(u) for u in _UNITS) + ")"

_GE_WORDS = "不少于|不低于|不小于|至少|力争达到|达到|达"
_GT_WORDS = "突破|超过|高于|大于|多于|迈上|跨越"
_LE_WORDS = "不超过|不高于|不多于|控制在|低于|小于"
_COMPARATORS = f"{_GE_WORDS}|{_GT_WORDS}|{_LE_WORDS}"
_COMMIT_VERBS = ("培育|建成|建设|打造|新增|新建|引进|引育|创建|举办|认定|实现|完成|开设|改造|新开|培养|吸引|"
                 "招引|布局|设立|发展|形成|推出|评选|争创|累计")
_YEAR_RE = re.compile(r"(?:到|至|在|于)?(\d{4})年(?:底|末|前|以前)?")
_TARGET_YEAR_RE = re.compile(r"(?:到|至|在|于)(\d{4})年")

_RELATIVE_RE = re.compile(r"(?:较|比|与)(\d{4})年(?:相比|比)?[，,]?(?:实现|基本|力争)?(翻一番|翻两番|翻三番|翻番|增长(\d+(?:\.\d+)?)倍)")
_GROWTH_RE = re.compile(
    rf"(?:(较|比)(\d{{4}})年)?(年均|年平均|年)?(增长|增速|增幅|提高|提升|上涨|下降|降低|减少)(?:率|幅度)?"
    rf"(?:保持在|保持|达到|为|在)?({_GE_WORDS}|{_GT_WORDS}|{_LE_WORDS})?{_NUM}(%|个百分点)(以上|左右|以内|以下)?")
_SYNC_RE = re.compile(r"与([^，。；、]{1,20}?)(?:保持|基本|实现)?(?:同步|同步增长|相协调)")
_RANGE_RE = re.compile(rf"{_NUM}(%|{_UNIT[1:-1]})?\s*(?:—|-|~|至|到)\s*{_NUM}{_UNIT}")
_PERCENT_SUBJECT_RE = re.compile(r"(占比|比重|比例|率|占全区|占全市|份额|覆盖面)")
_COMPARATOR_RE = re.compile(rf"({_COMPARATORS}){_NUM}{_UNIT}(以上|左右|以内|以下)?")
_SUFFIX_RE = re.compile(rf"({_COMMIT_VERBS})?{_NUM}{_UNIT}(以上|左右|以内|以下)")
_COMMIT_RE = re.compile(rf"({_COMMIT_VERBS})([^，。；、]{{0,15}}?){_NUM}{_UNIT}([^，。；]{{0,20}})")

_SUBJECT_STRIP = re.compile(rf"^(?:力争|争取|全区|全市|全省|全县|我区|我市|全年|累计|计划|预计|基本|实现|{_COMMIT_VERBS})+")
_QUOTES = "“”‘’\"'「」『』"


def _to_decimal(raw: str) -> Decimal | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
        try:
            return Decimal(raw)
        except InvalidOperation:
            return None
    try:
        import cn2an
        value = cn2an.cn2an(raw, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return Decimal(str(value)).normalize() if value != int(value) else Decimal(int(value))


def _comparator(word: str | None, suffix: str | None) -> str:
    if suffix in ("以上",):
        return ">="
    if suffix in ("以内", "以下"):
        return "<="
    if suffix == "左右":
        return "~"
    if not word:
        return "="
    if word in ("低于", "小于"):
        return "<"
    if re.fullmatch(_LE_WORDS, word):
        return "<="
    if re.fullmatch(_GT_WORDS, word):
        return ">"
    return ">="


def _after(clause: str, end: int) -> str:
    """The noun after a quantity (培育不少于25个品牌 → 品牌), used when nothing precedes the comparator."""
    text = clause[end:end + 20].translate({ord(q): None for q in _QUOTES})
    return re.split(r"[，,；。、（]", text)[0].strip()


_CN_YEAR_RE = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")
_CN_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


def fold_years(text: str) -> str:
    """二〇二五年 → 2025年, same length so offsets stay valid."""
    return _CN_YEAR_RE.sub(lambda m: m.group(0).translate(_CN_YEAR_DIGITS), text)


def _subject(text: str) -> str:
    """Clean the words before a comparator into a subject: no year phrase, leading verbs or quotes."""
    text = _YEAR_RE.sub("", text)
    text = text.translate({ord(q): None for q in _QUOTES}).strip("，,、：: ")
    text = _SUBJECT_STRIP.sub("", text)
    text = re.sub(r"(总量|数量|规模)?(?:力争|要|将|能)?$", lambda m: m.group(1) or "", text)
    return text.strip("，,、：: ")


def extract_targets(text: str, *, line: int = 0, owner_kind: str = "task", task_number: int | None = None,
                    default_year: int | None = None, line_at: Callable[[int], int] | None = None
                    ) -> list[ParsedTarget]:
    """Targets in ``text``; the year comes from 到20XX年 earlier in the same sentence, else ``default_year``."""
    targets: list[ParsedTarget] = []
    for sentence_offset, sentence in split_sentences(text):
        folded_sentence = fold_years(fold(sentence))
        year, year_pos = default_year, None
        clause_start = 0
        in_sentence: list[ParsedTarget] = []
        for clause in re.split(r"(?<=[，,；])", folded_sentence):
            found = _TARGET_YEAR_RE.search(clause)
            if found:
                year, year_pos = int(found.group(1)), clause_start + found.start()
            for target in _clause_targets(clause, has_year=year is not None):
                if not target.subject and in_sentence:
                    target.subject = in_sentence[-1].subject   # "总额突破500亿元，年均增长5%以上": same subject
                in_sentence.append(target)
                begin = year_pos if year_pos is not None and year_pos <= clause_start + 40 else clause_start
                span_text = sentence[begin:clause_start + len(clause)].strip("，,；。 ")
                target.text = span_text
                if target.year is None:
                    target.year = year
                target.line = line_at(sentence_offset + clause_start) if line_at else line
                target.owner_kind, target.task_number = owner_kind, task_number
                targets.append(target)
            clause_start += len(clause)
    return targets


def _clause_targets(clause: str, *, has_year: bool) -> list[ParsedTarget]:
    """Targets in one folded clause (text between commas). Families are tried from the most specific (relative,
    growth, sync, range) to the generic comparator forms; a span used by one family is not read again."""
    out: list[ParsedTarget] = []
    used: list[tuple[int, int]] = []

    def free(match: re.Match) -> bool:
        return all(match.end() <= a or match.start() >= b for a, b in used)

    def add(match: re.Match, target: ParsedTarget) -> None:
        used.append((match.start(), match.end()))
        out.append(target)

    for m in _RELATIVE_RE.finditer(clause):
        word = m.group(2)
        value = {"翻一番": 2, "翻番": 2, "翻两番": 4, "翻三番": 8}.get(word)
        dec = Decimal(value) if value else (_to_decimal(m.group(3)) + 1 if m.group(3) else None)
        add(m, ParsedTarget(text="", subject=_subject(clause[: m.start()]), comparator="x", value=dec, unit="倍",
                            kind="relative", baseline_year=int(m.group(1))))
    for m in _GROWTH_RE.finditer(clause):
        if not free(m):
            continue
        value = _to_decimal(m.group(6))
        if value is None:
            continue
        subject = _subject(clause[: m.start()])
        kind = "percentage" if m.group(4) in ("提高", "提升") and _PERCENT_SUBJECT_RE.search(subject) else "growth"
        if m.group(4) in ("下降", "降低", "减少"):
            subject = (subject + m.group(4)).strip()
        add(m, ParsedTarget(text="", subject=subject, comparator=_comparator(m.group(5), m.group(8)), value=value,
                            unit=m.group(7), kind=kind, baseline_year=int(m.group(2)) if m.group(2) else None))
    for m in _SYNC_RE.finditer(clause):
        if free(m):
            reference = m.group(1)
            add(m, ParsedTarget(text="", subject=_subject(clause[: m.start()]), comparator="sync", value=None,
                                unit="", kind="sync", reference=reference))
    for m in _RANGE_RE.finditer(clause):
        if not free(m) or (m.group(4) == "年") or re.fullmatch(r"\d{4}", m.group(1) or ""):
            continue
        low, high = _to_decimal(m.group(1)), _to_decimal(m.group(3))
        if low is None or high is None or low >= high:
            continue
        subject = _subject(re.sub(r"控制在$|保持在$|达到$", "", clause[: m.start()])) or _after(clause, m.end())
        add(m, ParsedTarget(text="", subject=subject,
                            comparator="between", value=low, unit=m.group(4), kind="range", upper=high))
    for m in _COMPARATOR_RE.finditer(clause):
        if free(m):
            _add_quantity(m, clause, m.group(1), m.group(2), m.group(3), m.group(4), add)
    for m in _SUFFIX_RE.finditer(clause):
        if free(m):
            _add_quantity(m, clause, None, m.group(2), m.group(3), m.group(4), add)
    if has_year:   # "year + commitment verb + quantity" only counts under a target year
        for m in _COMMIT_RE.finditer(clause):
            if free(m):
                value = _to_decimal(m.group(3))
                if value is None:
                    continue
                middle = m.group(2).translate({ord(q): None for q in _QUOTES}).strip()
                after = m.group(5).translate({ord(q): None for q in _QUOTES}).strip("，,、：: 以上")
                add(m, ParsedTarget(text="", subject=middle or after or _subject(clause[: m.start()]),
                                    comparator="=", value=value, unit=m.group(4), kind="absolute"))
    return out


def _add_quantity(m: re.Match, clause: str, word: str | None, number: str, unit: str, suffix: str | None,
                  add: Callable) -> None:
    value = _to_decimal(number)
    if value is None:
        return
    subject = _subject(clause[: m.start()]) or _after(clause, m.end())
    if word in ("达", "达到") and re.search(r"(?:增长|增速|增幅)$", subject):
        return   # handled as growth
    if unit == "%" or unit == "个百分点":
        kind = "percentage" if not re.search(r"增长|增速|增幅", subject) else "growth"
    elif word and re.fullmatch(_GT_WORDS + "|达到|达|力争达到", word):
        kind = "threshold"
    else:
        kind = "absolute"
    add(m, ParsedTarget(text="", subject=subject, comparator=_comparator(word, suffix), value=value, unit=unit,
                        kind=kind))
