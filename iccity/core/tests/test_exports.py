"""Spreadsheet formula injection (issue 12 item 8): the one escaping function, and the audit export using it."""
from __future__ import annotations

import csv
import io

import duckdb
import pytest
from openpyxl import load_workbook

from iccity.core.exports import safe_cell, sql_safe_text, unescape_cell

from .test_audit_export import events, people  # noqa: F401 - the audit export tests' fixtures

HYPERLINK = '=HYPERLINK("http://evil.example/x","点击查看")'
SAMPLES = [HYPERLINK, "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", " =cmd|' /C calc'!A0", "＝1+1", "＋1", "－1", "＠x",
           "'=x", "''=x", "'abc", "abc", "", "-5", "+3%", "-12.5%", "1,234.5", "-", "完成=目标", "'-5"]


@pytest.mark.parametrize("value", [HYPERLINK, "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", " =cmd", "＝1", "＋1", "－1", "＠x"])
def test_formula_like_text_gets_a_leading_apostrophe(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["abc", "完成=目标", "-5", "+3%", "-12.5%", "1,234.5", "", None, 5, -5.5])
def test_plain_text_and_numbers_are_left_alone(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", SAMPLES)
def test_the_escape_is_undone_exactly_by_unescape(value):
    assert unescape_cell(safe_cell(value)) == value
    assert unescape_cell(value) == value or value.startswith("'")  # only what looks escaped is touched


@pytest.mark.parametrize("value", SAMPLES)
def test_the_sql_form_for_duckdb_exports_agrees_with_safe_cell(value):
    got = duckdb.connect().execute(f"SELECT {sql_safe_text('v')} FROM (SELECT ?::VARCHAR AS v)", [value]).fetchone()[0]
    assert got == safe_cell(value)


def test_audit_export_csv_and_xlsx_escape_a_hyperlink_note(client, people, events):  # noqa: F811
    client.force_login(people[0])
    body = b"".join(client.get("/audit/export.csv").streaming_content).decode("utf-8-sig")
    notes = [row[9] for row in csv.reader(io.StringIO(body))]
    assert "'=HYPERLINK(\"http://x\")" in notes and "=HYPERLINK(\"http://x\")" not in notes
    sheet = load_workbook(io.BytesIO(client.get("/audit/export.xlsx").content)).active
    cells = [row[9] for row in sheet.iter_rows(min_row=2)]
    note = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert note.value == "'=HYPERLINK(\"http://x\")" and note.data_type == "s"


def test_control_characters_no_workbook_can_hold_are_dropped_and_the_workbook_saves():
    import io

    from openpyxl import Workbook

    from iccity.core.exports import safe_cell

    text = "D\x1b$G\x00进展\tA\x0b"
    assert safe_cell(text) == "D$G进展\tA" and safe_cell("=\x01SUM(A1)") == "'=SUM(A1)"
    sheet = Workbook()
    sheet.active.append([safe_cell(text)])
    sheet.save(io.BytesIO())
