import json

import pytest

from iccity.serving.storage import StaticStorage


def test_static_names_are_hashed_once_collected_and_plain_before(tmp_path):
    assert StaticStorage(location=tmp_path).url("iccity/iccity.css") == "/static/iccity/iccity.css"
    (tmp_path / "staticfiles.json").write_text(json.dumps(
        {"version": "1.1", "paths": {"iccity/iccity.css": "iccity/iccity.0123456789ab.css"}, "hash": "x"}))
    collected = StaticStorage(location=tmp_path)
    assert collected.url("iccity/iccity.css") == "/static/iccity/iccity.0123456789ab.css"
    with pytest.raises(ValueError):
        collected.url("iccity/missing.css")
