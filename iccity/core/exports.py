"""Spreadsheet formula injection: the one escaping function every Excel/CSV export uses.

Why: a text that starts with = + - @ (or a tab/CR, or the full-width ＝ ＋ － ＠ an IME types) is taken as a formula by
Excel/WPS/LibreOffice when the export is opened — ``=HYPERLINK("http://evil", "点击")`` in a 台账 narrative became a live
link, and DDE formulas can run programs. ``safe_cell`` puts a leading apostrophe before such text (Excel's own
"this is text" marker; it works in CSV and in .xlsx). Numbers stay numbers: non-strings are returned unchanged and
a string that is just a signed number ("-12.5", "+3%") is not a formula.

The escape is reversible: ``unescape_cell(safe_cell(v)) == v`` for every v (a text that already starts with an
apostrophe before a formula character gets one more), so imports of our own exports (the 台账 round trip) read back
exactly what was exported.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")
_NUMBER = re.compile(r"[+-]?(\d[\d,]*)?(\.\d+)?%?")


def _is_formula_like(text: str) -> bool:
    head = text.lstrip(" ")  # some readers trim leading spaces before deciding
    if head[:1] == "'":
        return _is_formula_like(head[1:])
    if head[:1] not in FORMULA_STARTS:
        return False
    return not (_NUMBER.fullmatch(head) and any(ch.isdigit() for ch in head))


# C0 control characters other than tab, line feed and carriage return: XML 1.0 (so xlsx) cannot hold them, and
# openpyxl refuses the whole workbook for one of them in any cell.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(value):
    """``value`` made safe for a spreadsheet cell (CSV or xlsx): formula-like text gets a leading apostrophe, and
    control characters that no workbook can hold are dropped."""
    if isinstance(value, str):
        value = _CONTROL.sub("", value)
        if _is_formula_like(value):
            return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [safe_cell(v) for v in values]


def unescape_cell(value):
    """Undo ``safe_cell`` on a value read back from one of our exports."""
    if isinstance(value, str) and value[:1] == "'" and _is_formula_like(value[1:]):
        return value[1:]
    return value


def sql_safe_text(expr: str) -> str:
    """The same rule as ``safe_cell`` as a DuckDB SQL expression over a VARCHAR ``expr``, for exports written by
    ``COPY … TO 'x.csv'`` without passing rows through Python (the consumption rejects files)."""
    return (f"CASE WHEN regexp_matches(ltrim({expr}, ' '), '^''*[=+\\-@\\t\\r\\n＝＋－＠]') "
            f"AND NOT regexp_matches(ltrim({expr}, ' '), '^''*[+-]?[0-9][0-9,]*(\\.[0-9]+)?%?$') "
            f"THEN '''' || {expr} ELSE {expr} END")
