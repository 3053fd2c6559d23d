"""Task tables: 序号 / 任务 / 牵头单位 / 责任单位 / 完成时限 …, as a .docx table or flattened into text one cell per
line (a scraped web page, a docx read cell by cell). Rows are rebuilt from the 序号 cells; cells are told apart by
content (a unit list, a completion time, text); a row without a unit cell sits under a vertically merged cell and
takes the units printed above it. Category cells before 序号 (任务类型, 行动一：…) become groups.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .result import CO, LEAD, ParsedUnit, ParseWarning
from .text import fold
from .units import _split_top, looks_like_unit, parse_unit_list

_NUMBER_COL = re.compile(r"^(序号|编号|序|No\.?)$", re.IGNORECASE)
_TASK_COL = re.compile(r"^(重点|主要|具体|工作)?(任务|工作任务|任务内容|工作内容|工作事项|事项|具体措施|主要措施|措施|举措|项目|"
                       r"重点任务|任务名称|项目名称|具体任务|工作措施|内容)(名称|内容)?$")
_UNIT_COLS = {"牵头单位": LEAD, "牵头部门": LEAD, "主责单位": LEAD, "牵头责任单位": LEAD, "责任单位": "", "责任部门": "",
              "推进单位": "", "实施单位": "", "负责单位": "", "责任主体": "", "承办单位": "", "落实单位": "",
              "配合单位": CO, "配合部门": CO, "协办单位": CO, "参与单位": CO, "支撑单位": CO, "协同单位": CO}
_DEADLINE_COL = re.compile(r"^(完成时限|完成时间|时间节点|时限|进度安排|时间安排|完成期限|时间要求)$")
_OTHER_COL = re.compile(r"^(备注|工作目标|目标|预期成效|任务类型|类别|类型|领域|分类|板块|序列|主要内容|工作要求|责任领导)$")
_ROW_NUMBER = re.compile(r"^(\d{1,3})[.、．]?$")
_DEADLINE_CELL = re.compile(r"^(?:\d{4}\s*年.{0,12}|\d{4}[.\-/]\d{1,2}.{0,6}|长期坚持|持续推进|长期|持续|每年.{0,8}|年底前|"
                            r"\d{4}\s*[-—–~至]\s*\d{4}\s*年?.{0,4})$")
_GROUP_CELL = re.compile(r"^(?:(?:行动|专项|板块|领域|任务|第)[一二三四五六七八九十\d]{1,3}[部分板块项]?[：:、.]|"
                         r"[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）)")
# A vertically merged cell continued in this row (the .docx reader writes it so): same as the row above.
MERGED = "〃"


@dataclass
class TableItem:
    number: str
    text: str
    units: list[ParsedUnit] = field(default_factory=list)
    group: str = ""
    line: int = 0
    reason: str = ""
    deadline_text: str = ""


@dataclass
class _Column:
    name: str
    kind: str          # number | task | unit | deadline | category | other
    role: str = ""


def is_number_header(text: str) -> bool:
    return bool(_NUMBER_COL.match(fold(text).strip()))


def _column(name: str) -> _Column | None:
    folded = fold(name).strip().replace(" ", "")
    if _NUMBER_COL.match(folded):
        return _Column(folded, "number")
    if folded in _UNIT_COLS:
        return _Column(folded, "unit", _UNIT_COLS[folded])
    if _TASK_COL.match(folded):
        return _Column(folded, "task")
    if _DEADLINE_COL.match(folded):
        return _Column(folded, "deadline")
    if _OTHER_COL.match(folded):
        return _Column(folded, "other")
    return None


def _header_at(lines, index: int) -> list[_Column] | None:
    """The header row starting at ``index``: consecutive short column-name lines with 序号 and a task column
    (unit columns optional: a table without them gives items without units). Columns before 序号 are categories (merged cells that head groups of rows)."""
    cols: list[_Column] = []
    j = index
    while j < len(lines) and len(cols) < 10:
        col = _column(lines[j].text)
        if col is None:
            break
        cols.append(col)
        j += 1
    kinds = [c.kind for c in cols]
    if "number" not in kinds or "task" not in kinds:
        return None
    number_at = kinds.index("number")
    for c in cols[:number_at]:
        if c.kind == "other":
            c.kind = "category"
    return cols


def _is_unit_cell(text: str) -> bool:
    folded = fold(text).strip("。 ")
    if not folded or len(folded) > 200 or re.search(r"[。：]", folded):
        return False
    pieces = [p for _, p in _split_top(folded, "、，；")]
    return bool(pieces) and all(looks_like_unit(re.sub(r"（(?:牵头|配合)）$|等$", "", p.strip())) and len(p) <= 30
                                for p in pieces)


def read_tables(lines, tables, warnings: list[ParseWarning]) -> tuple[list[TableItem], set[int]]:
    """Task tables in the cleaned lines (``_Line``s): their items and the line numbers they occupy."""
    items: list[TableItem] = []
    consumed: set[int] = set()
    i = 0
    while i < len(lines):
        cols = _header_at(lines, i)
        if cols is None:
            i += 1
            continue
        end, table_items = _read_rows(lines, i, cols, warnings)
        items.extend(table_items)
        consumed.update(ln.number for ln in lines[i:end])
        i = max(end, i + 1)
    return items, consumed


def _read_rows(lines, start: int, cols: list[_Column], warnings) -> tuple[int, list[TableItem]]:
    unit_cols = [c for c in cols if c.kind == "unit"]
    has_categories = any(c.kind == "category" for c in cols[:[c.kind for c in cols].index("number")])
    rows: list[tuple[str, int, list]] = []      # (number, line, cell lines)
    pending_groups: list[str] = []
    group_of_row: list[str] = []
    top, sub = "", ""
    expected = 1
    i = start + len(cols)
    current = None
    while i < len(lines):
        text = lines[i].text.strip()
        repeated = _header_at(lines, i) if _column(text) else None
        if repeated:
            i += len(repeated)           # a header row repeated on the next page
            continue
        match = _ROW_NUMBER.match(fold(text))
        if match and int(match.group(1)) in (expected, 1) and (int(match.group(1)) == expected or rows):
            if current is not None:
                group_lines = _split_trailing_groups(current[2], has_categories)
                pending_groups = group_lines
            for g in pending_groups:
                if _GROUP_CELL.match(fold(g)) or not top:
                    top, sub = g, ""
                else:
                    sub = g
            pending_groups = []
            current = (match.group(1), lines[i].number, [])
            rows.append(current)
            group_of_row.append(top + (" / " + sub if sub and has_categories and top != sub else ""))
            expected = int(match.group(1)) + 1
        elif re.match(r"^附\s*件\s*\d", fold(text)) or (current is None and i - start > len(cols) + 6):
            break
        elif current is None:
            pending_groups.append(text)
        else:
            current[2].append(lines[i])
        i += 1
    items: list[TableItem] = []
    previous: dict[int, list[ParsedUnit]] = {}     # units of each unit column in the row above
    any_lead_col = any(c.role == LEAD for c in unit_cols)
    for (number, line, cells), group in zip(rows, group_of_row):
        text_parts, unit_cells, deadline = [], [], ""
        for ln in cells:
            cell = ln.text.strip()
            if not text_parts:
                text_parts.append(cell)
            elif (_is_unit_cell(cell) or cell == MERGED) and len(unit_cells) < len(unit_cols):
                unit_cells.append(cell)
            elif _is_unit_cell(cell) and unit_cells and unit_cells[-1] != MERGED:
                unit_cells[-1] += "、" + cell        # a unit cell written one name per paragraph
            elif _DEADLINE_CELL.match(fold(cell)) and not deadline:
                deadline = cell
            elif not unit_cells:
                text_parts.append(cell)
        if not unit_cells and previous:
            unit_cells = [MERGED] * len(previous)   # every unit cell merged with the row above
        units: list[ParsedUnit] = []
        inherited = False
        for n, cell in enumerate(unit_cells):
            col = unit_cols[min(n, len(unit_cols) - 1)] if unit_cols else _Column("责任单位", "unit")
            if cell == MERGED:
                parsed = [ParsedUnit(name=u.name, role=u.role, position=0, role_explicit=u.role_explicit,
                                     confidence=0.6, reason=f"合并单元格，沿用上方{u.reason}", printed=False)
                          for u in previous.get(n, [])]
                inherited = True
            else:
                parsed, unit_warnings = parse_unit_list(cell, line=line)
                warnings.extend(unit_warnings)
                for unit in parsed:
                    if col.role:
                        unit.role, unit.role_explicit = col.role, True
                    elif any_lead_col:
                        unit.role, unit.role_explicit = CO, True
                    unit.reason = f"表格列“{col.name}”"
                    unit.confidence = 0.9 if (col.role or len(unit_cols) == 1) else 0.8
            previous[n] = parsed
            for unit in parsed:
                if unit.name not in {u.name for u in units}:
                    unit.position = len(units) + 1
                    units.append(unit)
        if units and not any(u.role == LEAD for u in units):
            units[0].role = LEAD
        if inherited:
            warnings.append(ParseWarning(line, f"表格第{number}行未列出单位（合并单元格），已沿用上一行的单位，请核对"))
        # several text columns (重点任务 / 具体措施): one text, the first cell stays the title
        text = "".join(part + ("" if part.endswith(("。", "；", "！", "？")) or k == len(text_parts) - 1 else "。")
                       for k, part in enumerate(text_parts))
        items.append(TableItem(number=number, text=text, units=units, group=group, line=line,
                               reason=f"任务表格第{number}行", deadline_text=deadline))
    last = rows[-1][2][-1].number if rows and rows[-1][2] else (rows[-1][1] if rows else 0)
    end = next((k for k in range(start, len(lines)) if lines[k].number > last), len(lines))
    return end, items


def _split_trailing_groups(cells: list, has_categories: bool) -> list[str]:
    """Lines at the end of a row that are category cells of the next row (行动二：…, 旧住房更新改造), removed
    from the row. Only after the row's unit cell, or after its first text cell when short and unpunctuated."""
    out: list[str] = []
    heading = next((k for k in range(1, len(cells)) if _GROUP_CELL.match(fold(cells[k].text.strip()))), None)
    if heading is not None:
        out = [ln.text.strip() for ln in cells[heading:]]
        del cells[heading:]
    while len(cells) > 1:
        text = cells[-1].text.strip()
        folded = fold(text)
        if _is_unit_cell(text) or _DEADLINE_CELL.match(folded):
            break
        short = len(folded) <= 40 and not folded.endswith(("。", "；"))
        if _GROUP_CELL.match(folded) or (has_categories and short):
            out.insert(0, text)
            cells.pop()
        else:
            break
    return out
