"""Document furniture around a plan's items: web front matter, 政务公开 metadata blocks, annexes; and the dates in
item texts (completion times → proposed deadlines, phases → milestones).

Kept apart from ``structure`` so the outline code stays about numbering and items.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

from .result import ParsedMilestone
from .text import fold

# 政务公开 metadata lines ("索引号：…", "发布机构：…") and the keys a scraper's YAML front matter uses.
_META_KEYS = ("索引号|主题分类|发文机关|发布机构|发布单位|成文日期|发布日期|发文字号|文号|标题|名称|有效性|公开方式|公开范围|"
              "生效日期|废止日期|主题词|信息来源|来源|浏览次数|字号|层级|类型|分类|状态|官方链接|原文链接|效力状态|文件编号")
_META_RE = re.compile(rf"^\s*({_META_KEYS})\s*[：:]\s*(.*)$")
_ANNEX_RE = re.compile(r"^附\s*件\s*[0-9一二三四五六七八九十]{0,3}\s*(?:[：:].*)?$")


def strip_front_matter(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """Blank out YAML front matter (---…---), quote-block disclaimers (> …) and 政务公开 metadata lines before the
    text proper; markdown heading marks (# ) are dropped. Line positions are kept (blanked, not removed)."""
    out = list(lines)
    meta: dict[str, str] = {}
    first = next((i for i, ln in enumerate(out) if ln.strip()), None)
    if first is not None and out[first].strip() == "---":
        end = next((i for i in range(first + 1, min(len(out), first + 60)) if out[i].strip() == "---"), None)
        if end is not None:
            for i in range(first, end + 1):
                match = _META_RE.match(out[i])
                if match and match.group(2).strip():
                    meta.setdefault(match.group(1), match.group(2).strip())
                out[i] = ""
    seen_text = 0
    for i, line in enumerate(out):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(">") and seen_text < 5:
            out[i] = ""
            continue
        if stripped.startswith("#"):
            out[i] = stripped.lstrip("#").strip()
            stripped = out[i]
        match = _META_RE.match(fold(stripped))
        if match and seen_text < 40 and len(stripped) < 120:
            if match.group(2).strip():
                meta.setdefault(match.group(1), stripped[match.start(2):].strip())
            out[i] = ""
            continue
        seen_text += 1
    return out, meta


def annex_start(texts: list[str], *, after: int = 0) -> int | None:
    """Index of the line that opens the annexes (附件 / 附件1 / 附件：1.…), searching from ``after``."""
    for i in range(after, len(texts)):
        if _ANNEX_RE.match(fold(texts[i]).strip()):
            return i
    return None


# Completion times written in an item: 2024年底前 / 到2028年底 / 2025年6月底前 / 于2021年 / 春节前.
_DEADLINE_RE = re.compile(
    r"(?:(?:在|于|到|至|力争|争取)\s*)?(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*)?(底|末|年底|上半年|下半年)?\s*(前|以前|之前|完成)?")
_SOFT_DEADLINE_RE = re.compile(r"(春节前|年内|年底前|“十四五”期间|十四五期间|长期坚持|持续推进)")


def find_deadline(text: str) -> tuple[str | None, str]:
    """(ISO date, words) of the first completion time in an item; a bare year counts only after 到/于/在 or with
    底/前. Soft times (春节前, 长期坚持) give words without a date."""
    folded = fold(text)
    for match in _DEADLINE_RE.finditer(folded):
        year, month, part, before = match.group(1), match.group(2), match.group(3), match.group(4)
        lead = match.group(0)[:1] in "在于到至力争"
        if not (part or before or lead or month):
            continue
        if folded[match.end():match.end() + 1] in ("—", "-", "~", "至", "到") or folded[max(0, match.start() - 1)] in "—-~":
            continue   # a range (2023年—2025年): a phase, not a deadline
        iso = _end_of(int(year), int(month) if month else None, part)
        if iso:
            return iso, text[match.start():match.end()].strip()
    soft = _SOFT_DEADLINE_RE.search(folded)
    return (None, soft.group(1)) if soft else (None, "")


def _end_of(year: int, month: int | None, part: str | None) -> str | None:
    if not 1990 <= year <= 2100:
        return None
    if part == "上半年":
        month = 6
    if month is None:
        month = 12
    if not 1 <= month <= 12:
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1]).isoformat()


_PHASE_RANGE_RE = re.compile(
    r"(\d{4})\s*年(?:(\d{1,2})\s*月)?\s*(?:—|-|~|至|到)+\s*(\d{4})\s*年(?:(\d{1,2})\s*月)?(?:底|末)?\s*(?:为|是|，)?"
    r"([^，。；]{0,20}?阶段)")
_PHASE_YEAR_RE = re.compile(r"(?<![—\-~至到\d])(\d{4})\s*年\s*(?:为|是)([^，。；]{0,20}?阶段)")


def find_milestones(lines: list[tuple[int, str]]) -> list[ParsedMilestone]:
    """Phases: "2023年—2025年为全面推进阶段", or a "第一阶段：集中攻坚" heading whose text gives a date."""
    out: list[ParsedMilestone] = []
    for index, (number, text) in enumerate(lines):
        folded = fold(text)
        for match in _PHASE_RANGE_RE.finditer(folded):
            start = dt.date(int(match.group(1)), int(match.group(2) or 1), 1).isoformat()
            due = _end_of(int(match.group(3)), int(match.group(4)) if match.group(4) else None, None)
            out.append(ParsedMilestone(title=text[match.start(5):match.end(5)].strip(), start=start, due=due,
                                       text=text[match.start():match.end()], line=number))
        for match in _PHASE_YEAR_RE.finditer(folded):
            year = int(match.group(1))
            out.append(ParsedMilestone(title=text[match.start(2):match.end(2)].strip(), start=f"{year}-01-01",
                                       due=_end_of(year, None, None), text=text[match.start():match.end()],
                                       line=number))
        heading = re.match(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[）)、.]\s*)?(第[一二三四五六七八九十]{1,2}阶段)\s*[：:]?\s*(.*)$",
                           folded)
        if heading and not _PHASE_RANGE_RE.search(folded):
            body = folded[heading.end(1):] + "".join(fold(t) for _, t in lines[index + 1:index + 2])
            due, words = find_deadline(body)
            title = (heading.group(1) + ("：" + heading.group(2).strip("：。") if heading.group(2) else ""))[:40]
            out.append(ParsedMilestone(title=title, due=due, text=words, line=number))
    return out
