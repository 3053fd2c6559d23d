"""Shared fixtures of the consumption tests (owned by the data layer; the analysis tests may use them).

- ``consumption_dir`` (autouse): the data lake in a fresh temporary directory per test.
- ``lake``: a small 示例 lake — merchants, footfall and 20,000 transactions for 2024-01-01…2024-03-31
  (Spring Festival 2024-02-10 and the lantern festival 2024-02-24 inside), ingested through ``do_ingest``.
  Returns a dict with the generated input files and the three IngestionRuns.
"""
from __future__ import annotations

import datetime as dt

import pytest

LAKE_START, LAKE_END, LAKE_ROWS, LAKE_SEED = dt.date(2024, 1, 1), dt.date(2024, 3, 31), 20_000, 11


@pytest.fixture(autouse=True)
def consumption_dir(settings, tmp_path):
    path = tmp_path / "consumption-lake"
    settings.ICCITY_CONSUMPTION_DIR = path
    return path


@pytest.fixture
def lake(db, tmp_path):
    from iccity.consumption.actions.ingest import do_ingest
    from iccity.consumption.generate import generate

    files = generate(tmp_path / "generated", LAKE_ROWS, LAKE_SEED, LAKE_START, LAKE_END, chunk_rows=5_000)
    runs = {kind: do_ingest(files[kind], kind) for kind in ("merchants", "footfall", "transactions")}
    return {"files": files, "runs": runs}
