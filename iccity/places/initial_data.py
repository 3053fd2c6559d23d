"""Bootstrap: the plan's business districts and venues (safe to run twice; the living-circle rule is declared in
rules.py)."""
from __future__ import annotations

from .actions import do_load_places


def load(stdout) -> None:
    places = do_load_places(note="iccity bootstrap")
    stdout.write(f"商圈与场所：新增场所 {len(places)} 个。\n")
