"""Small plans built directly through the ORM, for view and API tests that must not depend on the parser.

``make_plan()`` gives 2 groups, 4 tasks, 1 guarantee measure, a few units and one collective expanded into its member
towns (child assignments with ``parent`` set), as the importer would store them. ``scale`` multiplies tasks and units
so query-count tests can compare a plan 10× bigger.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from iccity.orgs.models import CollectiveRule, Unit, UnitAlias, UnitType
from iccity.plans.models import (
    Assignment, AssignmentRole, Goal, Measure, Plan, PlanVersion, RoleSource, Target, Task, TaskGroup, TaskKind,
)

COLLECTIVE_NAME = "各镇人民政府和街道办事处"

# name, type; order = registry order (sort_order)
BASE_UNITS = [
    ("区商务局", UnitType.BUREAU),
    ("区文旅局", UnitType.BUREAU),
    ("区委宣传部", UnitType.PARTY),
    ("区体育局", UnitType.BUREAU),
    ("南站公司", UnitType.COMPANY),
    ("中北镇政府", UnitType.TOWN),
    ("杨柳青镇政府", UnitType.TOWN),
    ("津门湖街道办事处", UnitType.SUBDISTRICT),
]

# (group index, title, [unit names; first = lead])
BASE_TASKS = [
    (1, "做强区域核心商圈", ["区商务局", "区文旅局", "中北镇政府", "南站公司"]),
    (1, "打造便民社区商圈", ["区商务局", "区体育局", COLLECTIVE_NAME]),
    (2, "激活民俗文化资源", ["区文旅局", "区委宣传部", "杨柳青镇政府"]),
    (2, "挖掘精武文化资源", ["区文旅局", "区委宣传部", "区体育局"]),
]
GROUP_TITLES = ["提升载体能级，打造区域地标商圈", "发挥资源优势，打造知名旅游目的地"]
MEASURE_TITLE = "坚持统筹推动"


def make_units(extra: int = 0) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for order, (name, unit_type) in enumerate(BASE_UNITS, start=1):
        units[name], _ = Unit.objects.get_or_create(
            name=name, defaults={"unit_type": unit_type, "verified": True, "sort_order": order,
                                 "source": "测试数据", "agriculture_related": unit_type == UnitType.TOWN},
        )
    units[COLLECTIVE_NAME], _ = Unit.objects.get_or_create(
        name=COLLECTIVE_NAME,
        defaults={"unit_type": UnitType.COLLECTIVE, "collective_rule": CollectiveRule.ALL_TOWNS, "verified": True,
                  "sort_order": 900},
    )
    UnitAlias.objects.get_or_create(alias="各街镇", defaults={"unit": units[COLLECTIVE_NAME]})
    for i in range(1, extra + 1):
        name = f"测试单位{i:03d}"
        units[name], _ = Unit.objects.get_or_create(
            name=name, defaults={"unit_type": UnitType.BUREAU if i % 2 else UnitType.DISTRICT_BODY, "sort_order": 100 + i},
        )
    return units


def _assign(task: Task, names: list[str], units: dict[str, Unit]) -> None:
    for position, name in enumerate(names, start=1):
        unit = units[name]
        role = AssignmentRole.LEAD if position == 1 else AssignmentRole.CO
        parent = Assignment.objects.create(task=task, unit=unit, listed_name=name, position=position, role=role,
                                           role_source=RoleSource.DEFAULT)
        if unit.is_collective:
            Assignment.objects.bulk_create([
                Assignment(task=task, unit=m, position=position, role=role, role_source=RoleSource.EXPANDED, parent=parent)
                for m in unit.resolve_members() if m.pk != unit.pk
            ])


def make_plan(slug: str = "test-plan", *, scale: int = 1, number: int = 1, plan: Plan | None = None,
              title: str = "测试区加快建设国际消费中心城市行动方案（2023—2027年）") -> PlanVersion:
    """One complete version. ``scale`` > 1 repeats the task list and adds units (for query-count tests)."""
    units = make_units(extra=8 * (scale - 1))
    extra_names = [n for n in units if n.startswith("测试单位")]
    if plan is None:
        plan, _ = Plan.objects.get_or_create(slug=slug, defaults={"name": title})
    version = PlanVersion.objects.create(
        plan=plan, number=number, title=title, issuer="测试区人民政府办公室", issued_on=dt.date(2023, 12, 29),
        source_filename=f"{slug}-v{number}.txt", source_format="txt", source_sha256=f"{slug}{number}".ljust(64, "0"),
        parsed={}, warnings=[],
    )
    Goal.objects.create(version=version, year=2025, position=1, text="到2025年，消费繁荣度全面提升。")
    Goal.objects.create(version=version, year=2027, position=2, text="到2027年，消费能级大幅跃升。")
    groups = [TaskGroup.objects.create(version=version, number=i, title=t) for i, t in enumerate(GROUP_TITLES, start=1)]
    number_ = 0
    for rep in range(scale):
        for group_index, title, names in BASE_TASKS:
            number_ += 1
            if rep:
                title = f"{title}（{rep + 1}）"
                names = names + extra_names[(rep - 1) * 8:(rep - 1) * 8 + 8][: 2 + number_ % 6]
            task = Task.objects.create(
                version=version, kind=TaskKind.TASK, key=f"T{number_}", number=number_, group=groups[group_index - 1],
                title=title, text=f"{number_}. {title}。第一句举措。第二句举措，到2027年达到10个。",
                source_line=number_ * 10,
            )
            Measure.objects.bulk_create([
                Measure(task=task, position=1, text="第一句举措。"),
                Measure(task=task, position=2, text="第二句举措，到2027年达到10个。"),
            ])
            _assign(task, names, units)
            Target.objects.create(version=version, task=task, text="到2027年达到10个", subject="举措", kind="absolute",
                                  comparator=">=", value=Decimal(10), unit="个", year=2027)
    for m in range(1, scale + 1):
        measure = Task.objects.create(
            version=version, kind=TaskKind.GUARANTEE, key=f"M{m}", number=m, group=None,
            title=MEASURE_TITLE if m == 1 else f"{MEASURE_TITLE}（{m}）", text="（一）坚持统筹推动。发挥领导小组作用。",
        )
        Measure.objects.create(task=measure, position=1, text="发挥领导小组作用。")
        _assign(measure, ["区商务局", "区文旅局"], units)
    return version
