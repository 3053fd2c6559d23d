"""Bootstrap: the living-circle rule and the plan's business districts and venues (safe to run twice)."""
from __future__ import annotations

from iccity.core.actions import do_ensure_rules

from .actions import do_fill_sourced_coordinates, do_load_places
from .coverage import DEFAULT_RULES


def load(stdout) -> None:
    rules = do_ensure_rules(DEFAULT_RULES, note="places 初始规则")
    places = do_load_places(note="iccity bootstrap")
    points = do_fill_sourced_coordinates(note="iccity bootstrap：载入有来源的坐标")
    stdout.write(f"商圈与场所：新增规则 {len(rules)} 条、场所 {len(places)} 个，补充有来源的坐标 {len(points)} 个。\n")
