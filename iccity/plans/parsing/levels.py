"""Which numbered level holds a plan's items: the level whose items carry units, whatever its numbering
(一、/（一）/1./(1)/①), and, for a document without any units, the finest numbered items under its task sections."""
from __future__ import annotations

import re

from .result import ParsedGroup
from .structure import _Block, _classify, _heading, _has_labels, _is_group
from .text import fold


_GENERIC_TASK_HEADING_RE = re.compile(r"^(?:主要|重点|具体|工作)?(?:任务|工作任务|重点工作|工作举措|主要措施|具体措施|任务分工|主要内容)"
                                      r"(?:和措施|及分工|分工)?$")


def _candidates(block: _Block) -> list[tuple[_Block, _Block]]:
    """(item, parent) for the blocks that carry units themselves: descend through headings whose children carry
    their own units; stop at a block whose units belong to it (its own label, or sub-points ending in one)."""
    out: list[tuple[_Block, _Block]] = []
    for child in block.children:
        if not _has_labels(child):
            continue
        labelled = sum(1 for c in child.children if _has_labels(c))
        heading = child.children and (_is_group(child) or _GENERIC_TASK_HEADING_RE.match(fold(_heading(child)))
                                      or (labelled >= 2 and any(c.style != "circled" for c in child.children)))
        if heading and labelled:
            out.extend(_candidates(child))
        else:
            out.append((child, block))
    return out


def _depths(root: _Block) -> dict[int, int]:
    depth: dict[int, int] = {}

    def visit(block: _Block, d: int) -> None:
        for child in block.children:
            depth[id(child)] = d
            visit(child, d + 1)
    visit(root, 1)
    return depth


def _level_tasks(builder, root: _Block, sections: list[_Block]) -> bool:
    """Tasks = the level whose items carry responsibilities, whatever its numbering; unlabelled items of that level
    next to labelled ones are tasks without units. Returns False when no block carries units."""
    top = _Block("root", 0, children=list(sections))
    candidates = _candidates(top)
    if not candidates:
        return False
    depth = _depths(root)
    keys: dict[tuple[str, int], int] = {}
    for block, _ in candidates:
        key = (block.style, depth.get(id(block), 0))
        keys[key] = keys.get(key, 0) + 1
    dominant = max(keys, key=keys.get)
    # A shallower candidate whose numbered children are of the task level (only its last one carries the label)
    # is a group like the others: its children are the items.
    regrouped: list[tuple[_Block, _Block]] = []
    for block, parent in candidates:
        inner = [c for c in block.children if c.style == dominant[0] and depth.get(id(c), 0) == dominant[1]]
        if (block.style, depth.get(id(block), 0)) != dominant and len(inner) >= 2:
            regrouped.extend((c, block) for c in inner if _has_labels(c))
        else:
            regrouped.append((block, parent))
    candidates = regrouped
    labelled = {id(b) for b, _ in candidates}
    parents = {id(p): p for b, p in candidates if (b.style, depth.get(id(b), 0)) == dominant}
    chosen: dict[int, tuple[_Block, _Block | None, str]] = {}
    for block, parent in candidates:
        chosen[id(block)] = (block, parent, "该层级条目写明了责任单位")
    for parent in parents.values():
        for child in parent.children:
            if child.style == dominant[0] and id(child) not in labelled and not (
                    parent is top and _not_task_heading(child)):
                chosen[id(child)] = (child, parent, "与写明责任单位的条目同级")
    groups: dict[int, int | None] = {}

    def visit(block: _Block) -> None:
        for child in block.children:
            if id(child) in chosen:
                _, parent, reason = chosen[id(child)]
                group = None
                if parent is not None and parent.style != "root" and id(parent) in {id(s) for s in _all(sections)}:
                    if id(parent) not in groups:
                        title = _heading(parent)
                        if _GENERIC_TASK_HEADING_RE.match(fold(title)):
                            groups[id(parent)] = None
                        else:
                            builder.plan.groups.append(ParsedGroup(number=len(builder.plan.groups) + 1, title=title,
                                                                   line=parent.line))
                            groups[id(parent)] = len(builder.plan.groups)
                    group = groups[id(parent)]
                builder.plan.tasks.append(builder.item(child, group=group, kind="task", reason=reason))
            else:
                visit(child)
    for section in sections:
        if id(section) in chosen:
            _, _, reason = chosen[id(section)]
            builder.plan.tasks.append(builder.item(section, group=None, kind="task", reason=reason))
        else:
            visit(section)
    return True


def _all(blocks: list[_Block]):
    for block in blocks:
        yield block
        yield from block.walk()


_NOT_TASK_HEADING_RE = re.compile(r"总体要求|指导思想|基本原则|工作原则|总体思路|目标|背景|意义|范围|定义|适用|步骤|进度|时间安排|"
                                  r"组织|保障|附则|说明")


def _not_task_heading(block: _Block) -> bool:
    """A section heading that is not a task (总体要求, 基本原则, 实施步骤…): short, with one of those words."""
    title = fold(_heading(block))
    return len(title) <= 10 and bool(_NOT_TASK_HEADING_RE.search(title))


def _unlabelled_tasks(builder, sections: list[_Block]) -> None:
    """A document whose items carry no units: tasks under a 任务 heading, else the themed sections' items."""
    for section in sections:
        title = _heading(section)
        if len(title) <= 12 and _classify(title) == "tasks":    # a heading such as 重点任务, not an item's title
            builder.task_container(section, fine=True)
    if builder.plan.tasks:
        return
    for section in sections:
        if _not_task_heading(section):
            continue
        if not section.children:
            builder.add_tasks([section], group=None, reason="编号条目（全文未写责任单位）")
            continue
        leaves = []
        for child in section.children:
            numbered = [c for c in child.children if c.style != "circled"]
            if len(numbered) >= 2 and not _not_task_heading(child):
                builder.group(child)
            else:
                leaves.append(child)
        if leaves:
            number = len(builder.plan.groups) + 1
            builder.plan.groups.append(ParsedGroup(number=number, title=_heading(section), line=section.line))
            builder.add_tasks(leaves, group=number, reason="任务板块下的条目（全文未写责任单位）")
