"""Demo data: invented communities and 便民 service points around the 杨柳青镇 seat and 天津南站, so the
living-circle coverage page has something to compute. Everything is created inside ``demo.marking()`` (示例)."""
from __future__ import annotations

import math
import random

from django.db import transaction

from iccity.core import demo
from iccity.core.models import AuditEvent

from .actions import do_create_community, do_create_service_point
from .models import Community, Place, ServiceKind

# Real anchors (xiqing-facts.md §2 the 杨柳青镇 seat, §3 天津南站 in 张家窝镇); the points around them are invented.
ANCHORS = [("杨柳青镇", 39.13000, 117.01417), ("张家窝镇", 39.05583, 117.05500)]
SOURCE = "示例数据（随机生成，非真实社区）"


def _offset(rng: random.Random, lat: float, lon: float, radius_m: float) -> tuple[float, float]:
    r, angle = radius_m * math.sqrt(rng.random()), rng.random() * 2 * math.pi
    dlat = r * math.cos(angle) / 111_320
    dlon = r * math.sin(angle) / (111_320 * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def generate(stdout, *, months: int = 18, seed: int = 1) -> None:
    if Community.objects.filter(is_demo=True).exists():
        stdout.write("商圈与场所示例：已有示例数据\n")
        return
    rng = random.Random(seed)
    kinds = list(ServiceKind.values)
    with demo.marking():
        for town, lat, lon in ANCHORS:
            for i in range(1, 9):
                plat, plon = _offset(rng, lat, lon, 2500)
                do_create_community(name=f"示例社区{i:02d}", town=town, latitude=plat, longitude=plon,
                                    households=rng.randrange(300, 3000), source=SOURCE, note="示例数据")
            for i in range(1, 31):
                plat, plon = _offset(rng, lat, lon, 3000)
                kind = kinds[i % len(kinds)] if i > 6 else kinds[i % 2]  # the basic kinds are common
                do_create_service_point(name=f"示例网点·{town}{i:02d}", service_kind=kind, latitude=plat,
                                        longitude=plon, town=town, note="示例数据")
    stdout.write("商圈与场所示例：已生成示例社区与便民网点\n")


def reset(stdout) -> None:
    with transaction.atomic():
        Community.objects.filter(is_demo=True).delete()
        Place.objects.filter(is_demo=True).delete()
        AuditEvent.objects.filter(is_demo=True, action__startswith="places.").delete()
    stdout.write("商圈与场所示例：已删除全部示例数据\n")
