"""Responsible-unit labels of a task: find them in the text and split them into ``ParsedUnit``s with roles.

Labels seen in the genre: （责任单位：…）, （牵头单位：X；配合单位：Y）, 〔责任单位:…〕, 【责任部门：…】, an unbracketed
``责任单位：X、Y。`` at the end, ``（X牵头，Y配合）`` and a final sentence ``由X牵头，Y按职责分工负责。``. Brackets are scanned
by depth (never ``[^）]+``) so ``市交通委（市道运局）`` stays one name. Lists are split on 、，；, and on 和/及/与 only when
both sides look like whole unit names; collectives (各镇人民政府和街道办事处, 领导小组各成员单位) are never split.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from collections.abc import Callable

from .result import CO, LEAD, ParsedUnit, ParseWarning
from .text import fold

OPENERS = "（〔【《“「"
CLOSERS = "）〕】》”」"

# Label keywords (on folded text). Role: "lead", "co" or "" (positional: first listed leads).
_KW_ROLE = [
    ("牵头责任单位", LEAD), ("牵头单位", LEAD), ("牵头部门", LEAD), ("主责单位", LEAD), ("主责部门", LEAD),
    ("主办单位", LEAD), ("责任配合单位", CO), ("配合单位", CO), ("配合部门", CO), ("参与单位", CO),
    ("参与部门", CO), ("协办单位", CO), ("协同单位", CO), ("协作单位", CO), ("协助单位", CO),
    ("责任单位", ""), ("责任部门", ""), ("负责单位", ""), ("实施单位", ""), ("责任主体", ""),
    ("承办单位", ""), ("支撑单位", CO), ("支持单位", CO), ("协同部门", CO), ("推进单位", ""), ("牵头处室", LEAD),
    ("配合处室", CO), ("责任处室", ""), ("主体单位", ""), ("落实单位", ""), ("实施主体", ""),
]
_KNOWN_KW = "|".join(k for k, _ in _KW_ROLE)
_KW_RE = re.compile(rf"({_KNOWN_KW})\s*：")
# Any "…单位：/…部门：" keyword: an unknown variant is still taken as a label, with a warning.
_ANY_KW_RE = re.compile(r"([\u4e00-\u9fff]{1,4}(?:单位|部门))\s*：")
# Segments inside a label that are not units (deadlines, notes).
_NON_UNIT_KW = "完成时限|完成时间|时间节点|时限|进度安排|备注|牵头领导|责任领导|分管领导|联系领导|责任人|联系人|牵头区领导"
_NON_UNIT_KW_RE = re.compile(rf"({_NON_UNIT_KW})\s*：")

# Role words ending a tier of a role statement ("X牵头负责，Y、Z组织落实"), longest first. Explicit lead words make
# their units leads; "shared" words (负责/按职责分工负责) lead only when nothing else is said to lead; co words never.
_LEAD_VERBS = ["按职责分工牵头负责", "按照职责分工牵头负责", "按职责牵头负责", "牵头负责落实", "牵头组织实施",
               "牵头抓总", "牵头负责", "牵头落实",
               "牵头实施", "牵头推进", "牵头组织", "为牵头单位", "牵头", "主责"]
_SHARED_VERBS = ["按职责分工负责落实", "按照职责分工负责", "按职责分工负责", "按职能分工负责", "按职责分工落实",
                 "按各自职责负责", "依职责负责", "按职责落实", "按职能负责", "分别负责", "按职责负责", "分工负责",
                 "共同负责", "共同推进", "负责组织实施", "组织实施", "负责落实", "负责推进", "负责实施", "为责任单位",
                 "负责"]
_CO_VERBS = ["按职责组织落实", "按职责组织配合", "按职责配合", "组织落实", "协助配合", "积极配合", "配合做好",
             "参与实施", "配合实施", "配合落实", "配合推进",
             "为配合单位", "为参与单位", "为支撑单位", "配合", "参与", "协办", "协同", "协助", "落实"]
SHARED = "shared"
_VERB_KIND = {**{v: SHARED for v in _SHARED_VERBS}, **{v: CO for v in _CO_VERBS}, **{v: LEAD for v in _LEAD_VERBS}}
_VERB_RE = re.compile("(" + "|".join(sorted([*_VERB_KIND, "会同"], key=len, reverse=True)) + r")(?=[，；。、]|$)|会同")
# A sentence that sets units for this and later items: "以下均需各市、县人民政府落实，不再一一列出" / "…，下同".
_STANDING_RE = re.compile(r"不再(?:一一|重复)?(?:列出|列举|标注|注明)|下同")
_STANDING_NOISE_RE = re.compile(r"以下|下列|后续|其余|各项任务|具体任务|所有任务|均需|均涉及|均由|均要|都需|都涉及|均|涉及|需要|需|"
                                r"不再(?:一一|重复)?(?:列出|列举|标注|注明)|下同|负责落实|组织落实|落实|负责|配合|参与")

UNIT_SUFFIXES = (
    "局", "委", "办", "部", "院", "厅", "署", "会", "所", "站", "室", "处", "队", "团", "社", "馆", "行", "组", "台",
    "校", "园", "中心", "公司", "集团", "政府", "办事处", "分局", "专班", "单位", "部门", "机构", "街镇", "镇", "街道",
    "乡", "村", "海关", "银行", "指挥部", "管委会", "平台", "基地", "法院", "检察院", "医院", "大学", "学院", "总部",
    "供电", "电力", "联通", "移动", "电信", "）", "开发区", "经开区", "高新区", "新区", "园区", "保税区", "合作区",
    "示范区",
)
_GENERIC_NAMES = {"街道办事处", "街道", "镇政府", "镇人民政府", "乡镇", "部门", "单位", "政府", "办事处", "社区",
                  "村委会", "各部门"}
_CONJ_RE = re.compile(r"以及|和|及|与|、")
_OPEN_ENDED_RE = re.compile(r"(?:等(?:相关|有关)?(?:部门|单位|机构|街镇|镇街)?)$")
_NOTE_RE = re.compile(r"排在?首位|排名第一|列第一|首位的?为|第一个为")


@dataclass
class UnitLabel:
    start: int         # span in the task text (the whole label, brackets or sentence included)
    end: int
    body: str          # the label's content without brackets, from the cleaned (unfolded) text
    kind: str          # bracket | plain | narrative
    known: bool = True  # False when the keyword is an unknown …单位：/…部门： variant


@dataclass
class UnitExtraction:
    units: list[ParsedUnit] = field(default_factory=list)
    labels: list[UnitLabel] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    standing: list[str] = field(default_factory=list)   # units a standing rule adds to this and later items


_HEADED_KW_RE = re.compile(rf"【({_KNOWN_KW})】")


def fold_labels(text: str) -> str:
    """``fold`` plus "【牵头单位】X" read as "牵头单位：X" (same length, so offsets stay valid in the original)."""
    return _HEADED_KW_RE.sub(lambda m: " " + m.group(1) + "：", fold(text))


def is_collective(name: str) -> bool:
    """Pseudo-units standing for many (各镇人民政府和街道办事处, 领导小组各成员单位, 各有关部门, 涉农镇…)."""
    return ("各" in name or name.endswith("成员单位") or name.startswith(("涉农", "有关", "相关", "属地", "全区", "沿线",
                                                                        "所有", "区直", "区级")))


def looks_like_unit(name: str) -> bool:
    return len(name) >= 2 and (name.endswith(UNIT_SUFFIXES) or is_collective(name))


def _matching_close(folded: str, open_index: int) -> int | None:
    """Index of the bracket closing the one at ``open_index``, counting any bracket kind by depth."""
    depth = 0
    for i in range(open_index, len(folded)):
        ch = folded[i]
        if ch in OPENERS and ch not in "“":
            depth += 1
        elif ch in CLOSERS and ch not in "”":
            depth -= 1
            if depth == 0:
                return i
    return None


def _depth_at(folded: str, index: int) -> int:
    depth = 0
    for ch in folded[:index]:
        if ch in "（〔【":
            depth += 1
        elif ch in "）〕】":
            depth = max(0, depth - 1)
    return depth


def find_unit_labels(text: str) -> list[UnitLabel]:
    """All unit labels in a task text, in order. Bracketed keyword labels anywhere (sub-items may carry their own);
    otherwise an unbracketed keyword label, a trailing role bracket or a final role sentence at the end."""
    folded = fold_labels(text)
    labels: list[UnitLabel] = []
    i = 0
    while i < len(folded):
        ch = folded[i]
        if ch in "（〔【":
            close = _matching_close(folded, i)
            if close is None:
                break
            inner = folded[i + 1:close].lstrip()
            lead_note = _NON_UNIT_KW_RE.match(inner)     # "（牵头领导：张三；牵头单位：X）": the label starts later
            known = _KW_RE.search(inner) if lead_note else _KW_RE.match(inner)
            unknown = None if known or lead_note else _ANY_KW_RE.match(inner)
            if known or unknown:
                labels.append(UnitLabel(i, close + 1, text[i + 1:close].strip(), "bracket", known=bool(known)))
                i = close + 1
                continue
        i += 1
    if labels:
        return labels
    tail_end = len(folded.rstrip("。；. "))
    # Unbracketed "责任单位：X、Y。" in the last sentence (or its own paragraph).
    matches = [m for m in _KW_RE.finditer(folded) if _depth_at(folded, m.start()) == 0]
    if matches and "。" not in folded[matches[-1].end():tail_end]:
        start = matches[-1].start()
        for match in reversed(matches[:-1]):     # "牵头单位：X" / "配合单位：Y" on consecutive lines: one label
            if "。" in folded[match.end():start]:
                break
            start = match.start()
        if start and text[start - 1] == "【":
            start -= 1                               # "【牵头单位】X": keep the 【 so the body folds the same way
        return [UnitLabel(start, len(text), text[start:tail_end].strip(), "plain")]
    # Trailing "（X牵头，Y配合）" / "（X、Y等按职责分工负责，Z负责落实。以下均需Z落实，不再一一列出）".
    if tail_end and folded[tail_end - 1] == "）":
        depth, start = 0, None
        for j in range(tail_end - 1, -1, -1):
            if folded[j] == "）":
                depth += 1
            elif folded[j] == "（":
                depth -= 1
                if depth == 0:
                    start = j
                    break
        if start is not None and is_role_statement(text[start + 1:tail_end - 1], bracketed=True):
            return [UnitLabel(start, len(text), text[start + 1:tail_end - 1].strip(), "bracket")]
        if start is not None and _is_bare_unit_list(folded[start + 1:tail_end - 1]):
            return [UnitLabel(start, len(text), text[start + 1:tail_end - 1].strip(), "bare")]
    # Final sentence "X牵头，Y、Z配合。" / "由X牵头，Y按职责分工负责。".
    cut = folded.rfind("。", 0, tail_end)
    last = text[cut + 1:tail_end].strip()
    if last and is_role_statement(last):
        return [UnitLabel(cut + 1, len(text), last, "narrative")]
    return []


def _is_bare_unit_list(folded: str) -> bool:
    """A trailing bracket holding only unit names ("（区商务局、区财政局）"): a label without keyword. Needs a
    department-like name, so "（以下简称“方案”）", "（PQI）" or "（2023—2025年）" never qualify."""
    pieces = _unit_pieces(folded)
    return bool(pieces) and all(looks_like_unit(p) and 3 <= len(p) <= 30 and not re.search(r"\d|简称|详见|含", p)
                                for p in pieces) and any(p.endswith(_DEPARTMENT_SUFFIXES) for p in pieces)


_DEPARTMENT_SUFFIXES = ("局", "委", "办", "厅", "政府", "办事处", "中心", "公司", "集团", "管委会", "部", "署")


_DEADLINE_SEGMENT_RE = re.compile(rf"(?:{_NON_UNIT_KW})\s*：([^；。]*)")


def label_deadline(labels: list[UnitLabel]) -> str:
    """The words of a 完成时限/时间节点 segment inside a unit label ("责任单位：X；完成时限：2024年底前")."""
    for label in labels:
        match = _DEADLINE_SEGMENT_RE.search(fold(label.body))
        if match:
            return label.body[match.start(1):match.end(1)].strip("，； ")
    return ""


def standing_rules(body: str) -> tuple[str, list[str]]:
    """Split standing-rule sentences (“以下均需X落实，不再一一列出”) off a label body: (rest, their unit names)."""
    folded = fold(body)
    names: list[str] = []
    keep: list[str] = []
    for offset, sentence in _split_top(folded, "。；", keep_separator=True):
        if not _STANDING_RE.search(sentence):
            keep.append(body[offset:offset + len(sentence)])
            continue
        for piece in _STANDING_NOISE_RE.split(sentence):
            for name in _merge_collectives([p for _, p in _split_top(piece, "，、")]):
                name = name.strip("，、。 ")
                if looks_like_unit(name):
                    names.append(name)
    return "".join(keep).rstrip("。；，"), names


def _tiers(folded: str) -> list[tuple[str | None, int, int, str]]:
    """A role statement cut into tiers: (kind, start, end, verb) with kind LEAD / SHARED / CO / None (no verb).
    "X会同Y负责" makes X a lead tier and Y a co tier."""
    tiers: list[tuple[str | None, int, int, str]] = []
    start, after_with = 0, False
    for match in _VERB_RE.finditer(folded):
        if _depth_at(folded, match.start()) != 0:
            continue
        verb = match.group(1) or match.group(0)
        if verb == "会同":
            tiers.append((LEAD, start, match.start(), verb))
            after_with = True
        else:
            kind = _VERB_KIND[verb]
            tiers.append((CO if after_with and kind != LEAD else kind, start, match.start(), verb))
            after_with = False
        start = match.end()
    if folded[start:].strip("，；。、 "):
        tiers.append((CO if after_with else None, start, len(folded), ""))
    return tiers


def is_role_statement(body: str, *, bracketed: bool = False) -> bool:
    """True when the text is nothing but unit lists with role words (牵头/负责/配合/组织落实…), possibly followed by
    standing-rule sentences. Outside brackets a lead or 负责 tier is required."""
    rest, standing = standing_rules(body)
    folded = fold(rest).strip()
    if folded.startswith("由"):
        folded = folded[1:]
    if not folded:
        return bool(standing) and bracketed
    tiers = _tiers(folded)
    if not tiers or not any(verb for _, _, _, verb in tiers):
        return False
    if not bracketed and not any(kind in (LEAD, SHARED) for kind, _, _, _ in tiers):
        return False
    for _, start, end, _ in tiers:
        pieces = _unit_pieces(folded[start:end])
        if not pieces or not all(_plausible_unit(p) for p in pieces):
            return False
    return True


def _plausible_unit(name: str) -> bool:
    """Stricter than ``looks_like_unit`` for prose: "请各单位认真" is a request, not a unit list."""
    if not looks_like_unit(name) or len(name) > 30 or name.startswith(("请", "要", "应", "并", "对", "在", "将", "按")):
        return False
    return name.endswith(UNIT_SUFFIXES) or name[-1] in "区县市镇乡街道位门府构委局办会"


def _unit_pieces(folded: str) -> list[str]:
    text = _ETC_AND_RE.sub("、", folded.strip("，；。、 "))
    if text.startswith("由"):
        text = text[1:]
    parts = _merge_collectives([p for _, p in _split_top(text, "，；、")])
    out = []
    for part in parts:
        part = _OPEN_ENDED_RE.sub("", part.strip())
        split = [p for p in _CONJ_SPLIT_RE.split(part) if p]
        if is_collective(part) or looks_like_unit(part) or not all(looks_like_unit(p) for p in split):
            out.append(part)
        else:
            out.extend(split)
    return out


_ETC_AND_RE = re.compile(r"等(?:和|及|以及|与)(?=各|有关|相关)")
_CONJ_SPLIT_RE = re.compile(r"以及|和|及|与")


def _merge_collectives(pieces: list[str]) -> list[str]:
    """Re-join a collective that has 、 inside: 各市、县人民政府 / 各区、县级市 / 各市、县（区）."""
    out: list[str] = []
    for piece in pieces:
        stripped = piece.strip()
        if out and _OPEN_COLLECTIVE_RE.fullmatch(out[-1].strip()):
            out[-1] = out[-1].strip() + "、" + stripped
        else:
            out.append(piece)
    return out


# The first half of a collective split by 、: "各市", "各区", "各省", "市", "县" before "县人民政府"/"县级市".
_OPEN_COLLECTIVE_RE = re.compile(r"各?[省市区县镇乡](?:（[^（）]{1,3}）)?")


def _split_top(folded: str, seps: str, *, keep_separator: bool = False) -> list[tuple[int, str]]:
    """Split at separators outside brackets; returns (offset, piece), the separator kept on its piece if asked."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(folded):
        if ch in "（〔【":
            depth += 1
        elif ch in "）〕】":
            depth = max(0, depth - 1)
        elif ch in seps and depth == 0:
            out.append((start, folded[start:i + 1 if keep_separator else i]))
            start = i + 1
    out.append((start, folded[start:]))
    return [(o, p) for o, p in out if p.strip()]


def parse_unit_list(body: str, *, line: int = 0, reason: str = "") -> tuple[list[ParsedUnit], list[ParseWarning]]:
    """Split a label body (without brackets/keyword wrapper) into units with roles and positions."""
    warnings: list[ParseWarning] = []
    folded = fold_labels(body)
    # Segments by keyword: "牵头单位：X；配合单位：Y" → [(lead, X), (co, Y)]; plain "责任单位：X" → [("", X)].
    segments: list[tuple[str | None, int, int, str]] = []
    matches = [m for m in re.finditer(rf"({_KNOWN_KW}|{_NON_UNIT_KW})\s*：", folded)
               if _depth_at(folded, m.start()) == 0]
    if not matches:
        generic = _ANY_KW_RE.match(folded)
        start = generic.end() if generic else 0
        segments.append(("", start, len(folded), generic.group(1) if generic else ""))
    else:
        if folded[: matches[0].start()].strip("，；。 "):
            segments.append(("", 0, matches[0].start(), ""))
        for n, m in enumerate(matches):
            end = matches[n + 1].start() if n + 1 < len(matches) else len(folded)
            keyword = m.group(1)
            role = dict(_KW_ROLE).get(keyword, None)
            segments.append((role, m.end(), end, keyword))   # role None → not a unit segment (deadline, note)

    raw: list[tuple[str, str | None, str]] = []   # (name, role or None, why)
    for seg_role, start, end, keyword in segments:
        if seg_role is None:
            continue
        seg_text = folded[start:end]
        for kind, t_start, t_end, verb in _tiers(seg_text):
            piece_text = seg_text[t_start:t_end]
            if not piece_text.strip("，；。、 ") or _NOTE_RE.search(piece_text):
                continue
            role = seg_role or kind
            why = f"标注“{keyword}”" if keyword else (reason or "单位列表")
            if verb:
                why += f"，文字“{verb}”"
            offset = start + t_start
            original = body[offset:offset + len(piece_text)]
            for name, folded_name in _pieces_with_original(original, piece_text, line, warnings):
                raw.extend((n, r if r else role, why) for n, r in _split_name(name, folded_name, line, warnings))

    # A "负责" tier is co when another tier is said to lead (X牵头，Y按职责分工负责), else the first unit leads.
    has_lead = any(r == LEAD for _, r, _ in raw)
    units: list[ParsedUnit] = []
    seen: set[str] = set()
    for name, role, why in raw:
        if name in seen:
            warnings.append(ParseWarning(line, f"责任单位“{name}”重复列出，已忽略重复项"))
            continue
        seen.add(name)
        if role == SHARED:
            role = CO if has_lead else None
        explicit = role in (LEAD, CO)
        units.append(ParsedUnit(name=name, role=role if explicit else "", position=len(units) + 1,
                                role_explicit=explicit, reason=why))
    _assign_default_roles(units)
    for unit in units:
        unit.confidence = 0.95 if unit.role_explicit else 0.85
        if not looks_like_unit(unit.name) or len(unit.name) > 30:
            unit.confidence = 0.4
            warnings.append(ParseWarning(line, f"责任单位名称“{unit.name}”不像完整的单位名称，可能被截断或识别有误"))
    return units, warnings


def _pieces_with_original(original: str, folded: str, line: int, warnings: list[ParseWarning]):
    """(original, folded) names of one tier, split on 、，； outside brackets, collectives re-joined, 由 dropped."""
    cut = _ETC_AND_RE.search(folded)
    if cut:
        warnings.append(ParseWarning(line, f"责任单位列表中的“{cut.group(0)}”前名单不完整"))
    folded = _ETC_AND_RE.sub(lambda m: "、" + " " * (len(m.group(0)) - 1), folded)
    pieces = _split_top(folded, "，；、")
    merged: list[tuple[int, str]] = []
    for offset, piece in pieces:
        if merged and _OPEN_COLLECTIVE_RE.fullmatch(merged[-1][1].strip()):
            first = merged[-1][0]
            merged[-1] = (first, folded[first:offset + len(piece)])
        else:
            merged.append((offset, piece))
    for offset, piece in merged:
        lead = len(piece) - len(piece.lstrip())
        name = original[offset + lead:offset + len(piece.rstrip())]
        piece = piece.strip()
        if piece.startswith("由"):
            name, piece = name[1:], piece[1:]
        if piece:
            yield name.replace(" ", ""), piece.replace(" ", "")


def _split_name(name: str, folded_name: str, line: int, warnings: list[ParseWarning]
                ) -> list[tuple[str, str | None]]:
    """One list item → names (split on 和/及/与 when safe), trailing 等 and per-name （牵头） roles handled."""
    name, folded_name = name.strip(" 。；，"), folded_name.strip(" 。；，")
    if not name:
        return []
    open_ended = _OPEN_ENDED_RE.search(folded_name)
    if open_ended and len(folded_name) > open_ended.end() - open_ended.start():
        warnings.append(ParseWarning(line, f"责任单位列表以“{open_ended.group(0)}”结尾，名单不完整"))
        name, folded_name = name[: open_ended.start()], folded_name[: open_ended.start()]
    role = None
    bracket_role = re.search(r"（(牵头|主责|负责|配合|参与|协办)(?:单位)?）$", folded_name)
    if bracket_role:
        role = CO if bracket_role.group(1) in ("配合", "参与", "协办") else LEAD
        name, folded_name = name[: bracket_role.start()], folded_name[: bracket_role.start()]
    name = normalise_unit_name(name)
    etc = name.find("等各")
    if etc > 1 and looks_like_unit(name[:etc]):   # "河西区政府等各区人民政府": a unit, then the collective
        return [(name[:etc], role), (name[etc + 1:], role)]
    if not is_collective(name) and _depth_at(folded_name, len(folded_name)) == 0:
        parts = [p for p in re.split(r"以及|和|及|与", name) if p]
        if len(parts) > 1 and all(looks_like_unit(p) and len(p) >= 3 and p not in _GENERIC_NAMES
                                  and not is_collective(p) for p in parts):
            return [(p, role) for p in parts]
    return [(name, role)]


def normalise_unit_name(name: str) -> str:
    """Cleaned unit name: no spaces, brackets in full-width form (市交通委(市道运局) → 市交通委（市道运局）)."""
    name = re.sub(r"\s+", "", name)
    return name.replace("(", "（").replace(")", "）").strip("。；，、,;")


def _assign_default_roles(units: list[ParsedUnit]) -> None:
    """First listed leads unless the text names a lead; units without an explicit role are co after that."""
    has_lead = any(u.role == LEAD for u in units)
    for unit in units:
        if unit.role:
            continue
        unit.role = CO if has_lead else LEAD
        has_lead = True


def extract_units(text: str, *, line: int = 0, line_at: Callable[[int], int] | None = None) -> UnitExtraction:
    """Find the labels of a task text and parse them; units of several labels are merged in order. Standing rules
    inside a label (“以下均需X落实，不再一一列出”) are returned in ``standing``, not applied here."""
    result = UnitExtraction(labels=find_unit_labels(text))
    seen: set[str] = set()
    for label in result.labels:
        label_line = line_at(label.start) if line_at else line
        if not label.known:
            result.warnings.append(ParseWarning(label_line, f"未知的责任单位标注“{label.body[:12]}…”，已按责任单位处理"))
        body, standing = standing_rules(label.body)
        result.standing.extend(standing)
        reason = "文字表述" if label.kind in ("narrative", "bracket") and not _KW_RE.search(fold(body)) else ""
        units, warnings = parse_unit_list(body, line=label_line, reason=reason)
        if label.kind == "bare":
            for unit in units:
                unit.confidence, unit.reason = min(unit.confidence, 0.7), "括号内单位列表（无“责任单位”字样）"
        if label.kind == "bracket" and not label.known:
            for unit in units:
                unit.confidence = min(unit.confidence, 0.6)
        result.warnings.extend(warnings)
        for unit in units:
            if unit.name in seen:
                continue
            seen.add(unit.name)
            if len(result.labels) > 1 and result.units and unit.role == LEAD and not unit.role_explicit:
                unit.role = CO   # a sub-item's first unit does not lead the whole task
            unit.position = len(result.units) + 1
            result.units.append(unit)
    return result


def remove_labels(text: str, labels: list[UnitLabel]) -> str:
    """The text with every label span cut out (for measures and titles)."""
    out, last = [], 0
    for label in labels:
        out.append(text[last:label.start])
        last = label.end
    out.append(text[last:])
    return "".join(out)
