"""Formula injection in the handlers' case export (issue 12 item 8): a respondent named =HYPERLINK( is text."""
from __future__ import annotations

import csv
import io

from .factories import register, site  # noqa: F401

HYPERLINK = '=HYPERLINK("http://evil.example","点击")'


def test_case_export_escapes_a_hyperlink_respondent_name(client, site):  # noqa: F811
    register(respondent_name=HYPERLINK)
    client.force_login(site.handler)
    response = client.get("/complaints/cases/export.csv")
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + HYPERLINK in cells and HYPERLINK not in cells
