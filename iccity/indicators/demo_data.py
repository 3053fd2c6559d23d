"""Demo series for the indicators module: plausible annual values 2019–2025 for indicators that have no real
Xiqing data, by town where the indicator allows it, plus one composite-index edition across towns. Everything goes
through the normal import path into one release titled （示例）, and every row is marked is_demo. No number here is
real; real figures are in ``data/observations.toml`` with their sources."""
from __future__ import annotations


import random

from django.db import transaction

from iccity.core import clock
from iccity.core.models import AuditEvent
from iccity.orgs.models import Unit, UnitType

from .actions.editions import do_create_edition
from .actions.observations import do_push_observations
from .models import Framework, IndexEdition, Indicator, IndicatorTarget, Observation, Release

DEMO_TITLE = "（示例）iccity 生成的演示数据"
YEARS = range(2019, 2026)
# code: (value in 2019, yearly growth, by town?) — shapes only, chosen to look like a growing district
SHAPES = {
    "jinnong_brands": (6, 0.16, True),
    "convenience_circles": (12, 0.12, True),
    "convenience_circle_coverage": (55, 0.05, True),
    "boutique_homestays": (20, 0.10, True),
    "ev_chargers": (1800, 0.22, True),
    "ecny_scenarios": (900, 0.30, True),
    "consumer_satisfaction": (76, 0.01, False),
    "star_hotels": (9, 0.03, False),
    "night_clusters": (1, 0.20, False),
    "exhibition_count": (40, 0.04, False),
}


def _towns() -> list[str]:
    """Town names as people write them in data (中北镇, 津门湖街道), from the registry."""
    names = []
    for unit in Unit.objects.filter(unit_type__in=[UnitType.TOWN, UnitType.SUBDISTRICT], active=True):
        names.append(unit.name.removesuffix("政府").removesuffix("办事处"))
    return names


def _rows(rng: random.Random, indicators: dict[str, Indicator], towns: list[str]) -> list[dict]:
    rows = []
    for code, (start, growth, by_town) in SHAPES.items():
        indicator = indicators.get(code)
        if indicator is None:
            continue
        is_count = indicator.value_kind == "count"
        is_share = indicator.unit in ("%", "分")
        for i, year in enumerate(YEARS):
            level = start * (1 + growth) ** i * rng.uniform(0.96, 1.04)
            value = min(level, 99.0) if is_share else level
            rows.append({"code": code, "period": str(year), "value": str(round(value) if is_count else round(value, 1)),
                         "note": "示例"})
            if by_town and "town" in (indicator.breakdowns or []):
                weights = [rng.uniform(0.5, 1.5) for _ in towns]
                for town, weight in zip(towns, weights):
                    part = value * (weight if is_share else weight / sum(weights))
                    part = min(part, 99.0) if is_share else part
                    rows.append({"code": code, "period": str(year), "breakdown_kind": "town", "breakdown_value": town,
                                 "value": str(round(part) if is_count else round(part, 1)), "note": "示例"})
    return rows


def generate(stdout, *, months: int, seed: int) -> None:
    if Release.objects.filter(is_demo=True).exists():
        stdout.write("指标示例：已有示例数据（如需重新生成，请加 --reset）")
        return
    rng = random.Random(seed)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=SHAPES)}
    towns = _towns()
    today = clock.today()
    release_fields = {"title": DEMO_TITLE, "publisher": "iccity demo（示例）", "published_on": today.isoformat(),
                      "status": "final", "note": "演示用生成数据，不是真实统计"}
    outcome = do_push_observations(_rows(rng, indicators, towns), release_fields=release_fields, source_label="iccity demo")
    if not outcome.report.ok:
        stdout.write("指标示例：生成的数据未通过校验：" + "；".join(e.message for e in outcome.report.errors[:5]))
        return
    framework = Framework.objects.filter(code="xiqing-2023").first()
    edition = None
    if framework is not None and towns:
        edition = do_create_edition(framework=framework, name=f"（示例）{today.year - 1}年各镇街消费环境综合指数",
                                    areas_or_breakdowns=towns, year=today.year - 1, as_of=today,
                                    method={"by": "town", "missing": "mean"}, weights={"indicators": "entropy"})
    stdout.write(f"指标示例：生成 {outcome.created} 条示例观测值"
                 + (f"，综合指数示例版次“{edition.name}”" if edition else ""))


def reset(stdout) -> None:
    with transaction.atomic():
        IndexEdition.objects.filter(is_demo=True).delete()
        IndicatorTarget.objects.filter(is_demo=True).delete()
        Observation.objects.filter(is_demo=True).delete()
        Release.objects.filter(is_demo=True).delete()
        AuditEvent.objects.filter(is_demo=True, action__startswith="indicators.").delete()
    stdout.write("指标示例：已删除全部示例数据")



