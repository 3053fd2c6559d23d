"""Plan document → ``ParsedPlan``. No Django needed: ``iccity plan parse`` runs without a database.

Readers (``readers``) turn txt/docx/pdf into lines; ``structure`` finds goals, groups, tasks, measures and units;
``targets`` finds quantified commitments.
"""
from __future__ import annotations

import os

from .errors import PlanParseError, PlanReadError
from .result import ParsedPlan


def parse_bytes(data: bytes, filename: str) -> ParsedPlan:
    from .readers import read_bytes
    from .structure import parse_lines

    document = read_bytes(data, filename)
    plan = parse_lines(document.lines, source_format=document.source_format)
    plan.encoding = document.encoding
    plan.notes = list(document.notes) + plan.notes
    return plan


def parse_document(data: bytes, filename: str):
    """(reader's ``DocumentText``, ``ParsedPlan``): the review page shows the lines the items point at."""
    from .readers import read_bytes
    from .structure import parse_lines

    document = read_bytes(data, filename)
    plan = parse_lines(document.lines, source_format=document.source_format)
    plan.encoding = document.encoding
    plan.notes = list(document.notes) + plan.notes
    return document, plan


def parse_file(path: str | os.PathLike) -> ParsedPlan:
    from .readers import read_document
    from .structure import parse_lines

    document = read_document(path)
    plan = parse_lines(document.lines, source_format=document.source_format)
    plan.encoding = document.encoding
    plan.notes = list(document.notes) + plan.notes
    return plan


__all__ = ["ParsedPlan", "PlanParseError", "PlanReadError", "parse_bytes", "parse_document", "parse_file"]
