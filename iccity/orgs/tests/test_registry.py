import pytest

from iccity.core.models import AuditEvent
from iccity.orgs.actions import do_ensure_units, do_load_registry, do_update_unit
from iccity.orgs.models import CollectiveRule, LeadingGroup, Unit, UnitType
from iccity.orgs.registry import UnitMatcher, canonical_key, guess_unit_type

PLAN_UNIT_COUNT = 49
EXTRA_DIVISIONS = {"王稳庄镇政府", "李七庄街道办事处", "赤龙南街道办事处"}


@pytest.fixture
def registry(db):
    do_load_registry()
    return Unit.objects.all()


def test_registry_holds_the_plans_49_units_plus_three_unverified_divisions(registry):
    assert registry.count() == PLAN_UNIT_COUNT + len(EXTRA_DIVISIONS)
    assert set(registry.filter(verified=False).values_list("name", flat=True)) == EXTRA_DIVISIONS
    assert registry.filter(unit_type=UnitType.TOWN).count() == 7
    assert registry.filter(unit_type=UnitType.SUBDISTRICT).count() == 4


def test_every_unit_carries_a_source(registry):
    assert not registry.filter(source="").exists()


def test_loading_twice_adds_nothing_and_keeps_admin_edits(registry):
    unit = Unit.objects.get(name="区商务局")
    do_update_unit(unit, {"notes": "管理员备注"}, actor=None)
    result = do_load_registry()
    assert result.created == [] and result.aliases_added == 0
    assert Unit.objects.get(name="区商务局").notes == "管理员备注"


@pytest.mark.parametrize("written, canonical", [
    ("西青区商务局", "区商务局"),
    ("区 商务局", "区商务局"),
    ("中北镇人民政府", "中北镇政府"),
    ("中北镇", "中北镇政府"),
    ("津门湖街道", "津门湖街道办事处"),
    ("区发改委", "区发展改革委"),
    ("各街镇", "各镇人民政府和街道办事处"),
])
def test_aliases_resolve_to_the_canonical_unit(registry, written, canonical):
    assert UnitMatcher().match(written).name == canonical


def test_canonical_key_does_not_merge_different_units():
    assert canonical_key("区商务局") != canonical_key("市商务局")
    assert canonical_key("杨柳青镇政府") != canonical_key("杨柳青镇政府办公室")


def test_all_towns_collective_expands_to_every_town_and_subdistrict(registry):
    collective = Unit.objects.get(name="各镇人民政府和街道办事处")
    assert collective.collective_rule == CollectiveRule.ALL_TOWNS
    names = {u.name for u in collective.resolve_members()}
    assert len(names) == 11 and "杨柳青镇政府" in names and "津门湖街道办事处" in names


def test_agriculture_collective_follows_the_editable_flag(registry):
    collective = Unit.objects.get(name="涉农镇人民政府和街道办事处")
    assert len(collective.resolve_members()) == 7  # default: every town, no sub-district (unverified)
    do_update_unit(Unit.objects.get(name="大寺镇政府"), {"agriculture_related": False}, actor=None)
    assert "大寺镇政府" not in {u.name for u in collective.resolve_members()}


def test_leading_group_collective_is_its_member_list(registry):
    collective = Unit.objects.get(name="领导小组各成员单位")
    assert collective.resolve_members() == []  # the member list is not published
    group = LeadingGroup.objects.get()
    group.members.add(*Unit.objects.filter(name__in=["区商务局", "区文旅局"]))
    assert {u.name for u in collective.resolve_members()} == {"区商务局", "区文旅局"}


def test_unknown_names_become_unverified_units_with_a_guessed_type_and_audit(registry):
    mapping, created = do_ensure_units(["区商务局", "市交通委（市道运局）", "王顶堤镇人民政府"], context="测试导入")
    assert created == ["市交通委（市道运局）", "王顶堤镇人民政府"]
    assert mapping["区商务局"].verified
    new = Unit.objects.get(name="王顶堤镇人民政府")
    assert (new.unit_type, new.verified, new.source) == (UnitType.TOWN, False, "测试导入")
    assert AuditEvent.objects.filter(action="orgs.unit.created", object_repr="王顶堤镇人民政府").exists()


@pytest.mark.parametrize("name, unit_type", [
    ("区商务局", UnitType.BUREAU), ("区委宣传部", UnitType.PARTY), ("公安西青分局", UnitType.CITY_BRANCH),
    ("市交通委（市道运局）", UnitType.CITY_BRANCH), ("辛口镇人民政府", UnitType.TOWN), ("李七庄街道", UnitType.SUBDISTRICT),
    ("西青经开集团", UnitType.COMPANY), ("区招商专班", UnitType.TASK_FORCE), ("各有关部门", UnitType.COLLECTIVE),
    ("区融媒体中心", UnitType.DISTRICT_BODY),
])
def test_guess_unit_type(name, unit_type):
    assert guess_unit_type(name) == unit_type


def test_unit_update_is_audited_with_before_and_after(registry):
    unit = Unit.objects.get(name="王稳庄镇政府")
    do_update_unit(unit, {"verified": True}, actor=None)
    event = AuditEvent.objects.filter(action="orgs.unit.updated").latest("id")
    assert event.before["verified"] is False and event.after["verified"] is True


def test_update_refuses_unknown_fields(registry):
    with pytest.raises(ValueError):
        do_update_unit(Unit.objects.first(), {"pk": 5}, actor=None)
