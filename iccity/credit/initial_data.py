"""Default credit rules (run by ``iccity bootstrap``; safe to run again)."""
from __future__ import annotations

from .rules import ensure_default_rules


def load(stdout) -> None:
    created = ensure_default_rules()
    stdout.write(f"信用公示规则：新增 {len(created)} 条\n")
