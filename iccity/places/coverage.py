"""一刻钟便民生活圈 coverage: which communities reach enough service points within a 15-minute walk.

The walk is approximated as great-circle distance × a detour factor (street networks are longer than straight
lines), compared with the maximum walking distance of the rule in force. All numbers come from the
``places.living_circle`` rule row, never from code.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from iccity.core.models import Rule
from iccity.core.rules import rule_in_force

from .geo import haversine_m
from .models import Community, Place, PlaceKind, ServiceKind
from .rules import RULE_KEY

@dataclass
class CommunityCoverage:
    community: Community
    points: list[tuple[Place, float]] = field(default_factory=list)  # (service point, walking metres), nearest first
    missing_kinds: list[str] = field(default_factory=list)
    min_points: int = 0

    @property
    def covered(self) -> bool:
        return len(self.points) >= self.min_points and not self.missing_kinds

    @property
    def status_label(self) -> str:
        if self.covered:
            return "已覆盖"
        reasons = []
        if len(self.points) < self.min_points:
            reasons.append(f"步行范围内网点{len(self.points)}个，少于{self.min_points}个")
        if self.missing_kinds:
            reasons.append("缺少" + "、".join(self.missing_kinds))
        return "未覆盖：" + "；".join(reasons)


@dataclass
class CoverageReport:
    rule: Rule
    rows: list[CommunityCoverage]

    @property
    def covered_count(self) -> int:
        return sum(1 for row in self.rows if row.covered)

    @property
    def share(self) -> float | None:
        return self.covered_count / len(self.rows) if self.rows else None

    @property
    def share_percent(self) -> str:
        return "" if self.share is None else f"{self.share * 100:.1f}%"


def compute(as_of: date | None = None, communities=None, points=None) -> CoverageReport:
    rule = rule_in_force(RULE_KEY, as_of).row
    value = rule.value
    max_walk, detour = float(value["max_walk_m"]), float(value["detour_factor"])
    min_points, required = int(value["min_points"]), list(value.get("required_kinds", []))
    labels = dict(ServiceKind.choices)
    if communities is None:
        communities = Community.objects.all()
    if points is None:
        points = Place.objects.filter(kind=PlaceKind.SERVICE_POINT, is_published=True).located()
    located = [(p, float(p.latitude), float(p.longitude)) for p in points]
    reach_m = max_walk / detour  # straight-line radius that still fits the walk
    lat_margin = math.degrees(reach_m / 6_371_008.8)
    rows = []
    for community in communities:
        lat, lon = float(community.latitude), float(community.longitude)
        lon_margin = lat_margin / max(math.cos(math.radians(lat)), 1e-6)
        near = []
        for point, plat, plon in located:
            if abs(plat - lat) > lat_margin or abs(plon - lon) > lon_margin:
                continue  # cheap box test before the trigonometry
            walk = haversine_m(lat, lon, plat, plon) * detour
            if walk <= max_walk:
                near.append((point, round(walk)))
        near.sort(key=lambda item: item[1])
        kinds = {p.service_kind for p, _ in near}
        missing = [str(labels.get(k, k)) for k in required if k not in kinds]
        rows.append(CommunityCoverage(community, near, missing, min_points))
    return CoverageReport(rule, rows)
