"""一刻钟便民生活圈 coverage is computed from the rule in force and the points' positions, never typed in."""
from __future__ import annotations

import datetime as dt
import io
import math

import pytest

from iccity.core.actions import do_ensure_rules
from iccity.core.rules import declared_row, do_ensure_declared_rules
from iccity.places.rules import RULE_KEY
from iccity.places import coverage, demo_data
from iccity.places.actions import do_create_community, do_create_service_point
from iccity.places.models import Community, Place

pytestmark = pytest.mark.django_db
LAT, LON = 39.13000, 117.01417


def east(metres: float) -> tuple[float, float]:
    """A point ``metres`` east of the community (straight line)."""
    return LAT, LON + math.degrees(metres / (6_371_008.8 * math.cos(math.radians(LAT))))


@pytest.fixture
def rules():
    do_ensure_declared_rules(keys=[RULE_KEY])


@pytest.fixture
def community(rules):
    return do_create_community(name="柳霞社区", town="杨柳青镇", latitude=LAT, longitude=LON)


def add(name, kind, metres):
    lat, lon = east(metres)
    return do_create_service_point(name=name, service_kind=kind, latitude=lat, longitude=lon)


def test_three_points_with_the_basic_kinds_within_the_walk_cover_the_community(community):
    add("便利店甲", "convenience", 300)
    add("菜市场乙", "fresh_food", 500)
    add("药店丙", "pharmacy", 700)  # 700 × 1.3 = 910 m walk
    row = coverage.compute().rows[0]
    assert row.covered and row.status_label == "已覆盖"
    assert [p.name for p, _ in row.points] == ["便利店甲", "菜市场乙", "药店丙"]
    assert row.points[2][1] == pytest.approx(910, abs=2)


def test_a_point_whose_walk_exceeds_the_limit_does_not_count(community):
    add("便利店甲", "convenience", 300)
    add("菜市场乙", "fresh_food", 500)
    add("药店丙", "pharmacy", 800)  # 800 × 1.3 = 1040 m > 1000 m
    row = coverage.compute().rows[0]
    assert not row.covered and "少于3个" in row.status_label


def test_a_missing_basic_kind_is_named(community):
    for i, metres in enumerate((100, 200, 300)):
        add(f"便利店{i}", "convenience", metres)
    row = coverage.compute().rows[0]
    assert not row.covered and "菜市场/生鲜店" in row.status_label


def test_a_new_rule_version_changes_the_result_without_code(community):
    add("便利店甲", "convenience", 300)
    add("菜市场乙", "fresh_food", 500)
    assert not coverage.compute(dt.date(2026, 6, 1)).rows[0].covered
    value = dict(declared_row(RULE_KEY)["value"], min_points=2)
    do_ensure_rules([dict(declared_row(RULE_KEY), version=2, value=value, effective_from=dt.date(2026, 1, 1))])
    assert coverage.compute(dt.date(2025, 6, 1)).rows[0].covered is False
    assert coverage.compute(dt.date(2026, 6, 1)).rows[0].covered is True


def test_unpublished_points_do_not_count(community):
    add("便利店甲", "convenience", 300)
    add("菜市场乙", "fresh_food", 500)
    add("药店丙", "pharmacy", 600)
    Place.objects.filter(name="药店丙").update(is_published=False)
    assert not coverage.compute().rows[0].covered


def test_coverage_page_shows_status_and_rule_source(client, community):
    add("便利店甲", "convenience", 300)
    html = client.get("/places/coverage/").content.decode()
    assert "柳霞社区" in html and "未覆盖" in html and "GB 50180" in html
    assert "已覆盖社区 0 / 1 个" in html


def test_coverage_page_without_rule_explains_in_chinese(client, db):
    assert "尚未配置生活圈判定规则" in client.get("/places/coverage/").content.decode()


def test_demo_data_is_marked_and_removable(rules):
    demo_data.generate(io.StringIO(), months=1, seed=3)
    assert Community.objects.filter(is_demo=True).count() == 16
    assert Place.objects.filter(is_demo=True).count() == 60
    assert not Community.objects.filter(is_demo=False).exists()
    report = coverage.compute()
    assert 0 <= report.covered_count <= 16
    demo_data.reset(io.StringIO())
    assert not Community.objects.exists() and not Place.objects.exists()
