"""ruff and mypy run with every `make test`: no (file, rule) count may rise above lint-baseline.json."""
from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _ratchet():
    spec = importlib.util.spec_from_file_location("lint_ratchet", ROOT / "tools" / "lint_ratchet.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_finding_above_the_baseline_is_a_regression_and_fewer_are_not():
    ratchet = _ratchet()
    baseline = {"ruff:iccity/x.py": {"E501": 2}}
    assert ratchet.regressions(Counter({("ruff:iccity/x.py", "E501"): 2}), baseline) == []
    assert ratchet.regressions(Counter({("ruff:iccity/x.py", "E501"): 1}), baseline) == []
    assert ratchet.regressions(Counter({("ruff:iccity/x.py", "E501"): 3}), baseline) == [
        "ruff:iccity/x.py E501: 3 (baseline 2)"]
    assert ratchet.regressions(Counter({("mypy:iccity/new.py", "arg-type"): 1}), baseline) == [
        "mypy:iccity/new.py arg-type: 1 (baseline 0)"]


def test_ruff_and_mypy_find_nothing_above_the_baseline(capsys):
    ratchet = _ratchet()
    status = ratchet.main(["lint_ratchet", "check"])
    out = capsys.readouterr().out
    assert status == 0, out
