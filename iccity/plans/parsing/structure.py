"""Structure of a plan document (公文): title, issuer, date, goals, task groups, tasks, guarantee measures.

Lines are cleaned (page markers, stray spaces), then an outline is built from numbered lines. A line opens a block
only when it begins with the NEXT expected number of a numbering style already open (一、→二、), with 1 for a new,
deeper style, or with last+1 of a style used before (tasks numbered continuously across groups). Sections are
recognised by their heading words (工作目标/重点任务/保障措施…); other numbered sections whose items carry unit labels
are read as task groups, so "一、总体要求 二、[theme] … 七、保障措施" layouts work too.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .errors import PlanParseError
from .header import _DOC_TYPES, cut_tail, date_of, fill_header
from .furniture import annex_start, find_deadline, find_milestones, strip_front_matter
from .result import CO, ParsedGoal, ParsedGroup, ParsedPlan, ParsedTask, ParsedUnit, ParseWarning
from .targets import extract_targets, fold_years
from .text import chinese_to_int, clean_line, fold, join_lines, split_sentences, split_text_lines
from .units import _STANDING_RE, extract_units, find_unit_labels, label_deadline, remove_labels, standing_rules

_CN = "[一二三四五六七八九十]{1,3}"
# Numbering styles, tried in order on the folded line. Group 1 is the number.
_STYLES = [
    ("chapter", re.compile(rf"^第({_CN})(?:部分|章)\s*")),
    ("article", re.compile(r"^第([一二三四五六七八九十百零〇]{1,5})条\s*")),
    ("cn", re.compile(rf"^({_CN})\s*[、.]\s*")),
    ("cn_paren", re.compile(rf"^（\s*({_CN})\s*）\s*")),
    ("ar_paren", re.compile(r"^（\s*(\d{1,3})\s*）\s*")),
    ("ar", re.compile(r"^(\d{1,3})\s*[.、](?!\d)\s*")),
    ("circled", re.compile(r"^([\u2460-\u2473])\s*")),
]
_TERMINAL = "。；！？）〕】”：…"
_MEASURES_RE = re.compile(r"保障|组织实施|实施保障|工作要求|组织领导")
_GOALS_RE = re.compile(r"目标")
_TASKS_RE = re.compile(r"任务|重点工作|举措|主要措施|具体措施|行动|工程")
_GOAL_YEAR_RE = re.compile(r"^(?:力争|争取|计划|预计|预期|目标是|我区|全区)?(?:到|至|在)?(\d{4})年(?:底|末|前)?[，,]?")


@dataclass
class _Line:
    number: int
    text: str


@dataclass
class _Block:
    style: str
    number: int
    prefix: str = ""
    lines: list[_Line] = field(default_factory=list)
    children: list[_Block] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.lines[0].number if self.lines else 0

    def walk(self):
        for child in self.children:
            yield child
            yield from child.walk()

    def joined(self, *, deep: bool = True) -> tuple[str, list[tuple[int, int]]]:
        """Own lines (and descendants with their numbering) joined; plus (offset, line number) marks."""
        parts: list[tuple[str, int]] = [(ln.text, ln.number) for ln in self.lines]
        if deep:
            for block in self.walk():
                first = True
                for ln in block.lines:
                    parts.append(((block.prefix if first else "") + ln.text, ln.number))
                    first = False
        text, marks = "", []
        for part, number in parts:
            if not part:
                continue
            joined = join_lines([text, part]) if text else part
            marks.append((len(joined) - len(part), number))
            text = joined
        return text, marks


def _line_at(marks: list[tuple[int, int]]):
    offsets = [m[0] for m in marks]

    def line_at(offset: int) -> int:
        index = bisect.bisect_right(offsets, offset) - 1
        return marks[max(index, 0)][1] if marks else 0
    return line_at


def _numbering(folded: str) -> tuple[str, int, int] | None:
    for style, regex in _STYLES:
        match = regex.match(folded)
        if match:
            raw = match.group(1)
            number = ord(raw) - 0x245F if style == "circled" else chinese_to_int(raw)
            if number:
                return style, number, match.end()
    return None


def _build_outline(lines: list[_Line], warnings: list[ParseWarning]) -> _Block:
    root = _Block("root", 0)
    stack: list[_Block] = [root]
    last: dict[str, int] = {}
    previous = ""
    for ln in lines:
        folded = fold(ln.text)
        found = _numbering(folded)
        accepted, parent = False, None
        if found:
            style, number, end = found
            index = next((i for i, b in enumerate(stack) if b.style == style), None)
            expected = stack[index].number + 1 if index is not None else last.get(style, 0) + 1
            ends_sentence = not previous or previous[-1] in _TERMINAL or _numbering(fold(previous)) is not None
            if number == expected or (index is None and number == 1):
                accepted = True
            elif ends_sentence and expected > 1 and number in (expected + 1, expected - 1) and (
                    index is not None or style in last):
                # a skipped or repeated number right after a finished sentence: a typo, not running text
                accepted = True
                warnings.append(ParseWarning(ln.number, f"编号不连续：此处为“{ln.text[:end]}”，预期为第{expected}项"))
            elif ends_sentence and (index is not None or style in last) and style not in ("circled",):
                warnings.append(ParseWarning(
                    ln.number, f"行首“{ln.text[:end]}”与预期编号（第{expected}项）不符，未作为新条目"))
            if accepted:
                parent = stack[index - 1] if index is not None else stack[-1]
                del stack[stack.index(parent) + 1:]
        if accepted:
            block = _Block(style, number, prefix=ln.text[:end])
            rest = ln.text[end:].strip()
            block.lines.append(_Line(ln.number, rest))
            parent.children.append(block)
            stack.append(block)
            last[style] = number
        else:
            stack[-1].lines.append(ln)
        previous = ln.text
    return root


def _title_of(text: str, first_line: str) -> tuple[str, int]:
    """Title of an item and where its body starts: up to the first 。 (or a short ：), else the first line."""
    folded = fold(text)
    period = folded.find("。")
    colon = folded.find("：")
    if 0 <= colon < (period if period >= 0 else len(folded)) and colon <= 30 and "（" not in folded[:colon]:
        return text[:colon].strip(), colon + 1
    first_len = min(len(first_line), len(text))
    if period >= 0 and (period < first_len or period <= first_len + 15):
        return text[:period].strip(), period + 1
    if first_len and first_len < len(text):
        return text[:first_len].strip("。：； "), first_len
    return (text[:period] if period >= 0 else text).strip("。：； "), (period + 1 if period >= 0 else len(text))


def _classify(title: str) -> str:
    folded = fold(title)
    if _MEASURES_RE.search(folded):
        return "measures"
    if _GOALS_RE.search(folded) and "任务" not in folded:
        return "goals"
    if _TASKS_RE.search(folded):
        return "tasks"
    return "other"


def _heading(block: _Block) -> str:
    first = block.lines[0].text if block.lines else ""
    title, _ = _title_of(first, first)
    return title


_LABEL_CACHE: dict[int, bool] = {}


def _has_labels(block: _Block) -> bool:
    key = id(block)
    if key not in _LABEL_CACHE:
        _LABEL_CACHE[key] = bool(find_unit_labels(block.joined()[0]))
    return _LABEL_CACHE[key]


class _Builder:
    def __init__(self, plan: ParsedPlan):
        self.plan = plan
        self.standing: list[tuple[str, str]] = []   # (unit name, the rule's words) applied to later items

    def warn(self, line: int, message: str) -> None:
        self.plan.warnings.append(ParseWarning(line, message))

    def item(self, block: _Block, *, group: int | None, kind: str, reason: str = "") -> ParsedTask:
        text, marks = block.joined()
        line_at = _line_at(marks)
        extraction = extract_units(text, line=block.line, line_at=line_at)
        self.plan.warnings.extend(extraction.warnings)
        plain = remove_labels(text, extraction.labels)
        first_line = block.lines[0].text if block.lines else ""
        title, body_start = _title_of(plain, first_line)
        measures = [s.strip().rstrip("。；！？").strip() for _, s in split_sentences(plain[body_start:])]
        number = len(self.plan.tasks if kind == "task" else self.plan.measures) + 1
        task = ParsedTask(number=number, title=title, text=text, measures=[m for m in measures if m],
                          units=extraction.units, group=group, line=block.line,
                          printed_number=block.prefix.strip(), reason=reason or "编号条目")
        label = "任务" if kind == "task" else "保障措施"
        if kind == "task":
            self.apply_standing(task, extraction.standing + _standing_in_brackets(plain), block.line)
        in_label = label_deadline(extraction.labels)
        task.deadline, task.deadline_text = find_deadline(in_label) if in_label else find_deadline(plain)
        if in_label:
            task.deadline_text = in_label
        task.confidence = min([0.9, *(u.confidence for u in task.units)])
        if not task.units and kind == "task":
            task.confidence = 0.5
            self.warn(block.line, f"{label}{number}“{title[:20]}”未识别到责任单位")
        if len(title) > 40:
            self.warn(block.line, f"{label}{number}的标题过长（{len(title)}字），可能未正确识别标题")
        # Targets: labels blanked (same length) so a 完成时限 year cannot leak in and offsets stay valid.
        blanked = text
        for lab in extraction.labels:
            blanked = blanked[:lab.start] + "\u3000" * (lab.end - lab.start) + blanked[lab.end:]
        self.plan.targets.extend(extract_targets(blanked, line=block.line, owner_kind=kind, task_number=number,
                                                 line_at=line_at))
        return task

    def apply_standing(self, task: ParsedTask | None, new_rules: list[str], line: int) -> None:
        """A standing rule ("以下均需X落实，不再一一列出") adds X as co-unit to this and every later task."""
        for name in new_rules:
            if name not in [n for n, _ in self.standing]:
                self.standing.append((name, ""))
                self.warn(line, f"通用规定：以下各项任务均由“{name}”参与（文中不再逐项列出），已加入后续各项")
        if task is None:
            return
        present = {u.name for u in task.units}
        for name, _ in self.standing:
            if name in present:
                continue
            task.units.append(ParsedUnit(name=name, role=CO if task.units else "lead", position=len(task.units) + 1,
                                         confidence=0.75, reason="通用规定（不再一一列出）", printed=False))

    def add_tasks(self, blocks: list[_Block], *, group: int | None, reason: str = "") -> None:
        for block in blocks:
            self.plan.tasks.append(self.item(block, group=group, kind="task", reason=reason))

    def task_container(self, section: _Block, *, fine: bool = False) -> None:
        """Children of a tasks section: groups (headings with numbered children) or tasks directly. ``fine``: in a
        document without units, a heading with two or more numbered children is a group (the office can merge)."""
        for child in section.children:
            numbered = [c for c in child.children if c.style != "circled"]
            if child.children and (_is_group(child) or (fine and len(numbered) >= 2)):
                self.group(child)
            else:
                self.add_tasks([child], group=None)

    def group(self, block: _Block) -> None:
        number = len(self.plan.groups) + 1
        self.plan.groups.append(ParsedGroup(number=number, title=_heading(block), line=block.line))
        self.add_tasks(block.children, group=number, reason="任务板块下的条目（全文未写责任单位）")

    def table_tasks(self, items) -> None:
        """Rows of a task table (``tables.TableItem``) → tasks; categories become groups."""
        groups: dict[str, int] = {}
        for row in items:
            group = None
            if row.group:
                if row.group not in groups:
                    self.plan.groups.append(ParsedGroup(number=len(self.plan.groups) + 1, title=row.group,
                                                        line=row.line))
                    groups[row.group] = len(self.plan.groups)
                group = groups[row.group]
            title, body_start = _title_of(row.text, row.text)
            measures = [s.strip().rstrip("。；！？").strip() for _, s in split_sentences(row.text[body_start:])]
            task = ParsedTask(number=len(self.plan.tasks) + 1, title=title, text=row.text,
                              measures=[m for m in measures if m], units=row.units, group=group, line=row.line,
                              printed_number=row.number, reason=row.reason)
            if row.deadline_text:
                task.deadline, _ = find_deadline(row.deadline_text)
                task.deadline_text = row.deadline_text
            else:
                task.deadline, task.deadline_text = find_deadline(row.text)
            task.confidence = min([0.9, *(u.confidence for u in task.units)]) if task.units else 0.5
            if not task.units:
                self.warn(row.line, f"任务{task.number}“{title[:20]}”未识别到责任单位")
            self.plan.tasks.append(task)
            self.plan.targets.extend(extract_targets(row.text, line=row.line, owner_kind="task",
                                                     task_number=task.number))

    def measures_section(self, section: _Block) -> None:
        for child in section.children:
            items = child.children if child.children and _is_group(child) else [child]
            for block in items:
                self.plan.measures.append(self.item(block, group=None, kind="measure"))

    def goals(self, section: _Block) -> None:
        """Goal paragraphs of the section (and its numbered children): one goal per 到20XX年 sentence group."""
        first = section.lines[0] if section.lines else None
        own_lines = list(section.lines[1:])
        if first is not None:
            _, body_start = _title_of(first.text, first.text)
            if body_start < len(first.text):
                own_lines.insert(0, _Line(first.number, first.text[body_start:]))
        sources = [_Block("own", 0, lines=own_lines)] if own_lines else []
        sources.extend(section.children)
        for source in sources:
            text, marks = source.joined()
            self.goal_text(text, _line_at(marks))

    def goal_text(self, text: str, line_at) -> None:
        goals: list[ParsedGoal] = []
        for offset, sentence in split_sentences(text, enders="。！？"):
            sentence = sentence.strip()
            match = _GOAL_YEAR_RE.match(fold_years(fold(sentence)))
            if match or not goals:
                year = int(match.group(1)) if match else None
                goals.append(ParsedGoal(year=year, text=sentence[match.end():] if match else sentence,
                                        line=line_at(offset)))
            else:
                goals[-1].text += sentence
        for goal in goals:
            self.plan.goals.append(goal)
            self.plan.targets.extend(extract_targets(goal.text, line=goal.line, owner_kind="goal",
                                                     default_year=goal.year))


def _is_group(block: _Block) -> bool:
    """A heading over items, not an item with sub-points: no label of its own, not an article (第X条), not
    introducing a list (“…：”), children not ①-style, and the labels sit on the children, not only on the last
    one (a task's sub-points (1)(2) end with the task's single label)."""
    own, _ = block.joined(deep=False)
    if find_unit_labels(own) or block.style == "article" or fold(own).rstrip().endswith("："):
        return False
    if all(child.style == "circled" for child in block.children):
        return False
    labelled = [i for i, child in enumerate(block.children) if _has_labels(child)]
    if not labelled:   # a document without units: headings are short lines without inner sentences
        return "。" not in fold(own).rstrip("。")[:200] or len(block.lines) == 1
    return len(labelled) > 1 or len(block.children) == 1 or labelled[0] != len(block.children) - 1


_TITLE_LINE_RE = re.compile(rf"^[^，。；：]{{4,60}}(?:{_DOC_TYPES})(?:（[^（）]*）)?$")


def _plan_start(lines: list[_Line]) -> int:
    """Index where the plan proper starts when a notice with its own 一、二、 points comes first: the 一、 right
    after a plan-title line that follows the notice's signature date, when an earlier 一、 exists. 0 otherwise."""
    seen_first = False
    for i, ln in enumerate(lines):
        found = _numbering(fold(ln.text))
        if not found or found[0] != "cn" or found[1] != 1:
            continue
        before = [fold(x.text) for x in lines[max(0, i - 2):i]]
        signed = any(date_of(x.text, whole_line=True) for x in lines[max(0, i - 8):i])
        if seen_first and signed and any(_TITLE_LINE_RE.match(b) for b in before):
            return i
        seen_first = True
    return 0


def _notice_attachment(lines: list[_Line], index: int) -> bool:
    """"附件：X方案" in a forwarding notice (its signature date follows): the plan is the attachment, not an annex
    to set aside."""
    return any(date_of(ln.text, whole_line=True) for ln in lines[index + 1:index + 6])


def _standing_in_brackets(text: str) -> list[str]:
    """Standing rules written in their own bracket or sentence ("（具体任务均涉及各区，不再列出，下同）")."""
    if not _STANDING_RE.search(fold(text)):
        return []
    _, names = standing_rules(text)
    return names


def parse_lines(lines: list[str], *, source_format: str = "txt", tables=None) -> ParsedPlan:
    """Parse the physical lines of a plan document into a ``ParsedPlan``; raises PlanParseError without items.

    ``tables`` (docx) gives the reader's table rows so task tables are read by column."""
    from .levels import _candidates, _level_tasks, _unlabelled_tasks
    from .tables import MERGED, read_tables

    plan = ParsedPlan(source_format=source_format)
    _LABEL_CACHE.clear()
    lines, plan.metadata = strip_front_matter(list(lines))
    # An element may hold several physical lines (docx paragraphs with soft breaks): join them as a hard wrap,
    # keeping the reader's numbering.
    cleaned = _clean(lines)
    first_numbered = next((i for i, ln in enumerate(cleaned) if _numbering(fold(ln.text))), 0)
    cut = annex_start([ln.text for ln in cleaned], after=first_numbered)
    while cut is not None and _notice_attachment(cleaned, cut):
        cut = annex_start([ln.text for ln in cleaned], after=cut + 1)
    table_items, consumed = read_tables(cleaned, tables, plan.warnings)
    main = [ln for ln in (cleaned[:cut] if cut is not None else cleaned)
            if ln.number not in consumed and ln.text != MERGED]
    if cut is not None and len(cleaned) > cut:
        skipped = sum(1 for ln in cleaned[cut:] if ln.number not in consumed)
        if skipped:
            plan.notes.append(f"附件部分（第{cleaned[cut].number}行起）未作为任务解析，任务表格除外")
    body, tail = cut_tail(main)
    start = _plan_start(body)
    root = _build_outline(body[start:], plan.warnings)
    root.lines[:0] = body[:start]        # a forwarding notice with its own numbered points stays preamble
    _cut_closing(root)
    builder = _Builder(plan)
    headings: list[str] = []
    task_sections: list[_Block] = []
    for section in root.children:
        title = _heading(section)
        headings.append(f"{section.prefix}{title}")
        kind = _classify(title) if len(title) <= 30 else "other"
        if kind in ("goals", "measures") and len(fold(title)) > 10 and not re.search(r"(保障|措施|要求|实施|目标)$",
                                                                                  fold(title)):
            kind = "other"     # an item whose title mentions 保障/目标 (保障困难群众基本生活), not a section
        if kind == "goals" and sum(1 for c in section.children if _has_labels(c)) >= 2:
            task_sections.append(section)      # goals written as items with units are items
        elif kind == "goals":
            builder.goals(section)
        elif kind == "measures":
            builder.measures_section(section)
        else:
            goal_child = next((c for c in section.children if _classify(_heading(c)) == "goals"), None)
            if goal_child is not None:
                builder.goals(goal_child)
            task_sections.append(section)
    # A task table wins unless the body's own labelled items outnumber its rows (a project list in an annex).
    body_items = len(_candidates(_Block("root", 0, children=list(task_sections))))
    # a standing rule stated before the items (preamble, section intro) covers every item
    for ln in [*root.lines, *(ln for section in task_sections if section.children
                              and not find_unit_labels(section.joined(deep=False)[0]) for ln in section.lines)]:
        for name in _standing_in_brackets(ln.text):
            builder.apply_standing(None, [name], ln.number)
    if table_items and len(table_items) >= body_items:
        builder.table_tasks(table_items)
    elif not _level_tasks(builder, root, task_sections):
        _unlabelled_tasks(builder, task_sections)
    if not plan.tasks:
        found = f"共{len(cleaned)}行文本；" + (f"识别到的标题：{'、'.join(headings[:12])}" if headings
                                              else "未识别到编号标题（如“一、”“（一）”“1.”）")
        raise PlanParseError("未识别到任何任务条目", found=found)
    plan.milestones = find_milestones([(ln.number, ln.text) for ln in main])
    fill_header(plan, root.lines, tail)
    return plan


def _cut_closing(root: _Block) -> None:
    """The paragraphs after the last item's unit label ("各地各部门要…") close the document; they are not part of
    that item, and they would hide its trailing label."""
    last = root
    while last.children:
        last = last.children[-1]
    if last is root or len(last.lines) < 2 or _has_labels(last):
        return
    for j in range(len(last.lines) - 1, 0, -1):
        if find_unit_labels(join_lines([ln.text for ln in last.lines[:j]])):
            del last.lines[j:]
            _LABEL_CACHE.clear()
            return


def _clean(lines: list[str]) -> list[_Line]:
    """Cleaned non-empty lines. A bare number is a page number, except after a 序号 column header, where it is a
    flattened table's row number."""
    from .tables import is_number_header

    out: list[_Line] = []
    in_table = tabbed = False
    for i, raw in enumerate(lines, 1):
        cells = [c.strip() for c in (raw or "").split("\t") if c.strip()]
        if len(cells) >= 3 and (tabbed or any(is_number_header(c) for c in cells)):
            # a table exported as text, one row per line with tabs between cells: one line per cell
            tabbed = in_table = True
            out.extend(_Line(i, clean_line(c) or c) for c in cells)
            continue
        parts = split_text_lines(raw)
        text = join_lines([clean_line(part) for part in parts])
        if not text and in_table and re.fullmatch(r"\s*\d{1,3}\s*[.、．]?\s*", raw or ""):
            text = raw.strip()
        if text:
            in_table = in_table or is_number_header(text)
            out.append(_Line(i, text))
    return out


def parse_text(text: str) -> ParsedPlan:
    """Parse a whole document given as one string (UTF-8 text already decoded)."""
    return parse_lines(split_text_lines(text))
