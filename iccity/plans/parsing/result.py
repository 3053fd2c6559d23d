"""The parser's output: plain dataclasses, JSON-ready, independent of Django.

Every item keeps the 1-based line number where it starts in the text the reader produced, so warnings and
later reviews can point at the document.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

LEAD = "lead"
CO = "co"


@dataclass
class ParsedUnit:
    name: str                    # as listed, cleaned (line breaks and stray spaces removed)
    role: str                    # LEAD or CO
    position: int                # 1-based order in the document's list
    role_explicit: bool = False  # True when the text says 牵头/配合 (or similar) for this unit
    confidence: float = 0.9      # 0–1: how sure the parser is of this assignment (review below the threshold)
    reason: str = ""             # where it came from: the label, the phrase, the table column, a standing rule
    printed: bool = True         # False when not printed at the item (merged table cell, standing rule)


@dataclass
class ParsedTarget:
    text: str                        # the clause the target was read from
    subject: str                     # e.g. 津农精品品牌
    comparator: str                  # ">=", ">", "=", "<=", "<", "between", "x" (multiple of baseline), "sync" (tied to another series)
    value: Decimal | None            # 25, 5000, 2 (翻一番), 5 (per cent)…
    unit: str                        # 个, 亿元, %, 倍 …
    kind: str                        # absolute | threshold | relative | growth | percentage | sync | range
    year: int | None = None          # target year (到2027年)
    baseline_year: int | None = None # for relative targets (较2022年)
    upper: Decimal | None = None     # for ranges
    reference: str = ""              # for sync targets: the series it must keep pace with (GDP增速)
    line: int = 0
    task_number: int | None = None   # the task (or guarantee measure, see owner_kind) it belongs to
    owner_kind: str = "task"         # task | measure | goal


@dataclass
class ParsedTask:
    number: int
    title: str
    text: str                          # full text, lines joined, label included
    measures: list[str] = field(default_factory=list)   # the text's sentences, unit label removed
    units: list[ParsedUnit] = field(default_factory=list)
    group: int | None = None           # number of the group for tasks; None for guarantee measures
    line: int = 0
    printed_number: str = ""           # the number as printed (（三）, 38．, a table's 序号)
    deadline: str | None = None        # proposed work-item deadline (ISO date) from a completion time
    deadline_text: str = ""            # the words it was read from (2024年底前, 完成时限 column…)
    confidence: float = 0.9            # 0–1: how sure the parser is this is an item with these units
    reason: str = ""                   # why it is an item (level carrying units, table row, heading words…)


@dataclass
class ParsedGroup:
    number: int
    title: str
    line: int = 0


@dataclass
class ParsedGoal:
    year: int | None
    text: str
    line: int = 0


@dataclass
class ParsedMilestone:
    title: str                       # 第一阶段：集中攻坚 / 2023年—2025年为全面推进阶段
    start: str | None = None         # ISO date
    due: str | None = None           # ISO date
    text: str = ""
    line: int = 0


@dataclass
class ParseWarning:
    line: int
    message: str


@dataclass
class ParsedPlan:
    title: str | None = None
    issuer: str | None = None
    date: str | None = None          # ISO date
    goals: list[ParsedGoal] = field(default_factory=list)
    groups: list[ParsedGroup] = field(default_factory=list)
    tasks: list[ParsedTask] = field(default_factory=list)
    measures: list[ParsedTask] = field(default_factory=list)   # 保障措施, same shape as tasks
    targets: list[ParsedTarget] = field(default_factory=list)
    milestones: list[ParsedMilestone] = field(default_factory=list)   # phases of the plan
    warnings: list[ParseWarning] = field(default_factory=list)
    source_format: str = ""          # txt | docx | pdf
    encoding: str = ""               # for txt
    notes: list[str] = field(default_factory=list)   # what the reader noticed (encoding, restored numbering…)
    metadata: dict[str, str] = field(default_factory=dict)   # 政务公开 / web front matter fields (文号, 发布机构…)

    def to_dict(self) -> dict[str, Any]:
        def convert(value):
            if isinstance(value, Decimal):
                return int(value) if value == value.to_integral_value() else float(value)
            if isinstance(value, dict):
                return {k: convert(v) for k, v in value.items()}
            if isinstance(value, list):
                return [convert(v) for v in value]
            return value
        return convert(asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParsedPlan:
        """Inverse of ``to_dict`` (a reviewed draft is stored as a dict and committed from it)."""
        def item(d):
            return ParsedTask(**{**d, "units": [ParsedUnit(**u) for u in d.get("units") or []]})

        def target(d):
            return ParsedTarget(**{**d, **{k: Decimal(str(d[k])) for k in ("value", "upper") if d.get(k) is not None}})

        return cls(**{
            **data,
            "goals": [ParsedGoal(**g) for g in data.get("goals") or []],
            "groups": [ParsedGroup(**g) for g in data.get("groups") or []],
            "tasks": [item(t) for t in data.get("tasks") or []],
            "measures": [item(t) for t in data.get("measures") or []],
            "targets": [target(t) for t in data.get("targets") or []],
            "milestones": [ParsedMilestone(**m) for m in data.get("milestones") or []],
            "warnings": [ParseWarning(**w) for w in data.get("warnings") or []],
        })

    @property
    def assignment_count(self) -> int:
        return sum(len(t.units) for t in self.tasks)

    def distinct_unit_names(self) -> list[str]:
        seen: dict[str, None] = {}
        for item in [*self.tasks, *self.measures]:
            for unit in item.units:
                seen.setdefault(unit.name, None)
        return list(seen)
