"""Formula injection in the indicator downloads and templates (issue 12 item 8)."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from iccity.indicators.importing import template_xlsx
from iccity.indicators.models import Indicator, Observation

from .test_views import world  # noqa: F401 - the views tests' fixture

HYPERLINK = '=HYPERLINK("http://evil.example","点击")'


def test_series_csv_and_xlsx_escape_a_hyperlink_note(world, client):  # noqa: F811
    Observation.objects.filter(indicator__code="jinnong_brands").update(note=HYPERLINK)  # hostile data, however it came
    text = client.get("/indicators/jinnong_brands/data.csv").content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + HYPERLINK in cells and HYPERLINK not in cells
    sheet = load_workbook(io.BytesIO(client.get("/indicators/jinnong_brands/data.xlsx").content))["数据"]
    values = [c for row in sheet.iter_rows() for c in row]
    assert any(c.value == "'" + HYPERLINK for c in values) and not any(c.data_type == "f" for c in values)
    assert any(isinstance(c.value, float) for c in values)  # numbers stay numbers


def test_template_help_sheet_escapes_a_hyperlink_indicator_name(world):  # noqa: F811
    Indicator.objects.filter(code="jinnong_brands").update(name=HYPERLINK)
    book = load_workbook(io.BytesIO(template_xlsx(Indicator.objects.all())))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert any(c.value == "'" + HYPERLINK for c in cells) and not any(c.data_type == "f" for c in cells)
