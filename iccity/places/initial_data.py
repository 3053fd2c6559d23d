"""Bootstrap: the plan's business districts and venues (safe to run twice; the living-circle rule is declared in
rules.py)."""
from __future__ import annotations

from .actions import do_fill_sourced_coordinates, do_load_places


def load(stdout) -> None:
    places = do_load_places(note="iccity bootstrap")
    points = do_fill_sourced_coordinates(note="iccity bootstrap：载入有来源的坐标")
    stdout.write(f"商圈与场所：新增场所 {len(places)} 个，补充有来源的坐标 {len(points)} 个。\n")
