"""Title, issuer and date of a plan document (header, forwarding notice, signature block, metadata)."""
from __future__ import annotations

import datetime as dt
import re

from .result import ParsedPlan
from .text import chinese_to_int, fold, join_lines

_DOC_TYPES = "方案|计划|意见|措施|规划|办法|细则|要点|清单|纲要|若干措施|实施方案"
_DOC_NUMBER_RE = re.compile(r"[〔（【]\s*\d{4}\s*[〕）】]\s*\d+\s*号")
_ISSUER_RE = re.compile(r"(人民政府办公室|人民政府|政府办公室|办公室|办公厅|委员会|领导小组|指挥部)$")
# Next to a date (signature block) a department name is enough: 区文化和旅游局 / 2024年1月8日.
_LOOSE_ISSUER_RE = re.compile(r"(政府|局|委|办|中心|部)$")
_DATE_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_CN_DATE_RE = re.compile(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_TAIL_RE = re.compile(r"^(?:[（(]?此件.{0,6}公开[）)]?|抄送[：:].*|.{0,30}\d{4}年\d{1,2}月\d{1,2}日印发|[（(]?联系人.*)$")


def cut_tail(lines: list) -> tuple[list, list]:
    """Split off the signature block at the end (issuer, date, 此件公开, 抄送/印发) so it stays out of the last item."""
    end = len(lines)
    while end and _TAIL_RE.match(fold(lines[end - 1].text)):
        end -= 1
    if end and date_of(lines[end - 1].text, whole_line=True):
        end -= 1
        while end and issuer_of(lines[end - 1].text, loose=True) and len(lines) - end < 4:
            end -= 1
        while end and _TAIL_RE.match(fold(lines[end - 1].text)):
            end -= 1
    return lines[:end], lines[end:]


def date_of(text: str, *, whole_line: bool = False) -> str | None:
    folded = fold(text)
    match = _DATE_RE.search(folded)
    values = None
    if match:
        values = (int(match.group(1)), int(match.group(2)), int(match.group(3)))
    else:
        match = _CN_DATE_RE.search(folded)
        if match:
            values = (chinese_to_int(match.group(1)), chinese_to_int(match.group(2)), chinese_to_int(match.group(3)))
    if not match or (whole_line and len(folded.replace(match.group(0), "").strip("（）() ")) > 0
                     and not issuer_of(folded.replace(match.group(0), "").strip())):
        return None
    try:
        return dt.date(*values).isoformat()
    except (TypeError, ValueError):
        return None


def issuer_of(text: str, *, loose: bool = False) -> str | None:
    text = fold(text).strip()
    if "关于" in text:   # "XX人民政府办公室关于印发…的通知": the issuer precedes 关于
        text = text.split("关于")[0]
    if not 3 <= len(text) <= 25 or re.search(r"[，。、：；《》]", text) or re.match(r"为|根据|按照|经|现将|各", text):
        return None
    return text if _ISSUER_RE.search(text) or (loose and _LOOSE_ISSUER_RE.search(text)) else None


def find_title(preamble: list) -> str | None:
    texts = [ln.text for ln in preamble]
    usable = [t for t in texts if not _DOC_NUMBER_RE.search(fold(t)) and not date_of(t, whole_line=True)]
    # 1. A standalone plan title line (possibly wrapped, possibly followed by （2023—2027年））.
    for i, text in enumerate(usable):
        folded = fold(text)
        if re.search(r"[，。：、；《》]", folded) or "印发" in folded or folded.endswith("通知") or issuer_of(text):
            continue
        if re.search(rf"({_DOC_TYPES})(（[^（）]*）)?$", folded):
            start = i
            while start > 0 and i - start < 2 and not re.search(r"[，。：、；《》]", fold(usable[start - 1])) \
                    and not issuer_of(usable[start - 1]) and len(usable[start - 1]) <= 30:
                start -= 1
            title = join_lines(usable[start:i + 1])
            if i + 1 < len(usable) and re.fullmatch(r"（[^（）]*\d{4}[^（）]*）", fold(usable[i + 1])):
                title += usable[i + 1]
            return title.strip("《》")
    joined = join_lines(usable)
    folded = fold(joined)
    # 2. "现将《…》印发给你们" / "关于印发《…》的通知".
    for match in re.finditer(r"《([^《》]{2,120})》", folded):
        context = folded[max(0, match.start() - 6):match.end() + 6]
        if "印发" in context:
            return joined[match.start(1):match.end(1)]
    # 3. "关于印发X的通知" without 《》.
    match = re.search(r"关于印发([^《》，。]{4,100}?)的通知", folded)
    if match:
        return joined[match.start(1):match.end(1)]
    return None


def fill_header(plan: ParsedPlan, preamble: list, tail: list) -> None:
    plan.title = find_title(preamble)
    dates = [(ln, date_of(ln.text, whole_line=True)) for ln in [*tail, *preamble]]
    dated = [(ln, d) for ln, d in dates if d]
    if not dated:
        dated = [(ln, d) for ln in preamble if (d := date_of(ln.text))]
    plan.date = dated[0][1] if dated else None
    issuer = None
    for block in (tail, preamble):
        date_index = next((i for i, ln in enumerate(block) if dated and ln is dated[0][0]), None)
        names = [(i, name) for i, ln in enumerate(block)
                 if (name := issuer_of(ln.text, loose=block is tail or (date_index is not None
                                                                         and i == date_index - 1)))]
        if names:
            before = [n for i, n in names if date_index is not None and i < date_index]
            issuer = before[-1] if before else names[0][1]
            break
    plan.issuer = issuer
    _from_metadata(plan)


def _from_metadata(plan: ParsedPlan) -> None:
    """Issuer, date and title the text does not print, from 政务公开 metadata or web front matter."""
    meta = plan.metadata
    if not plan.issuer:
        plan.issuer = next((meta[k] for k in ("发文机关", "发布机构", "发布单位") if meta.get(k)), None)
    if not plan.date:
        for key in ("成文日期", "发布日期"):
            value = fold(meta.get(key, ""))
            match = re.search(r"(\d{4})[-年./](\d{1,2})[-月./](\d{1,2})", value)
            if match:
                try:
                    plan.date = dt.date(*map(int, match.groups())).isoformat()
                    break
                except ValueError:
                    continue
    if not plan.title:
        value = meta.get("标题") or meta.get("名称") or ""
        match = re.search(r"《([^《》]{4,120})》", value) or re.search(r"关于印发(.{4,100}?)的通知", value)
        plan.title = match.group(1) if match else None
