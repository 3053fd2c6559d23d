"""What apps above delivery add to its report lists without delivery importing them.

delivery sits below evaluation (quality flags), so it declares two kinds of contribution here and the higher app
fills them in its ``AppConfig.ready()``:

- a **report annotator** turns a list of reports into badges per report (e.g. 质量提示 on the revision under review);
  a badge that ``blocks_batch`` keeps its report out of batch acceptance (it must be read and decided one by one);
- a **queue filter** adds a filter to the review queue: a GET parameter, Chinese choices, and per choice a condition
  on ``Report`` rows (a ``Q`` or boolean expression), so the queue can filter and count every choice in one
  aggregate query.

With no contributor delivery works unchanged: no badges, no extra filter.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db.models import Q


@dataclass(frozen=True)
class Badge:
    label: str                 # Chinese, shown on the badge
    reason: str = ""           # Chinese, the why (shown beside or as the title)
    code: str = ""             # the contributor's code, for CSS classes only
    blocks_batch: bool = False


@dataclass(frozen=True)
class ReportAnnotator:
    key: str
    title: str                 # heading above the badges on a report page, e.g. 质量提示
    note: str                  # one Chinese sentence on what the badges mean
    annotate: Callable[[Sequence], dict[int, list[Badge]]]   # reports -> {report pk: badges}


@dataclass(frozen=True)
class QueueFilter:
    key: str                   # the GET parameter
    label: str                 # Chinese
    choices: Callable[[], list[tuple[str, str]]]             # [(value, Chinese label)]
    condition: Callable[[str], Q]                            # value -> condition on Report rows


@dataclass
class _Registry:
    annotators: dict[str, ReportAnnotator] = field(default_factory=dict)
    filters: dict[str, QueueFilter] = field(default_factory=dict)


_registry = _Registry()
RESERVED_KEYS = {"show", "cycle", "task", "unit", "state", "lateness", "page", "next", "partial"}


def register_annotator(annotator: ReportAnnotator) -> None:
    """Register (or replace, so ``ready()`` running twice is harmless) an annotator."""
    _registry.annotators[annotator.key] = annotator


def register_queue_filter(queue_filter: QueueFilter) -> None:
    if queue_filter.key in RESERVED_KEYS:
        raise ValueError(f"queue filter key {queue_filter.key!r} is taken by the review queue itself")
    _registry.filters[queue_filter.key] = queue_filter


def annotators() -> list[ReportAnnotator]:
    return list(_registry.annotators.values())


def queue_filters() -> list[QueueFilter]:
    return list(_registry.filters.values())


@dataclass
class BadgeGroup:
    title: str
    note: str
    badges: list[Badge]


def badges_for(reports: Sequence) -> dict[int, list[BadgeGroup]]:
    """{report pk: [BadgeGroup]} from every annotator (one call each, whatever the number of reports)."""
    out: dict[int, list[BadgeGroup]] = {}
    if not reports:
        return out
    for annotator in annotators():
        for pk, badges in annotator.annotate(reports).items():
            if badges:
                out.setdefault(pk, []).append(BadgeGroup(annotator.title, annotator.note, list(badges)))
    return out


def batch_refusal(groups: list[BadgeGroup]) -> str:
    """Why a report cannot be accepted in a batch ("" when it can): the badges that block it, by group."""
    parts = []
    for g in groups:
        blocking = [b.label for b in g.badges if b.blocks_batch]
        if blocking:
            parts.append(f"{g.title}（{'、'.join(blocking)}）")
    return f"有{'；'.join(parts)}，请打开报告逐份审核" if parts else ""


@contextmanager
def isolated() -> Iterator[_Registry]:
    """Tests: run with an empty registry (as if no app contributed), restoring the real one afterwards."""
    global _registry
    saved, _registry = _registry, _Registry()
    try:
        yield _registry
    finally:
        _registry = saved
