"""Matching unit names as written in documents to registry units.

Documents write the same unit many ways (区商务局 / 西青区商务局, 中北镇政府 / 中北镇人民政府 / 中北镇). We never segment
names into words (jieba splits 中北镇 wrongly); we compare whole names after a few safe rewrites.
"""
from __future__ import annotations

import re

from .models import Unit, UnitAlias, UnitType

DISTRICT = "西青"
_SPACES = re.compile(r"\s+")

# Suffix rewrites that keep identity: the key is what we compare on.
_TOWN_SUFFIXES = ("人民政府", "政府")
_SUBDISTRICT_SUFFIXES = ("街道办事处", "街道办", "街道")
_SHORT_FORMS = (("经济技术开发区", "经开区"), ("高新技术产业开发区", "高新区"), ("管理委员会", "管委会"))


def canonical_key(name: str) -> str:
    """A comparison key: spaces removed, 西青区 prefix folded to 区, town/sub-district suffixes folded."""
    key = _SPACES.sub("", name)
    key = key.replace("(", "（").replace(")", "）")
    if key.startswith(DISTRICT + "区"):
        key = key[len(DISTRICT):]
    # plans (issue 14): the usual short forms of one body (经开区 / 经济技术开发区, 管委会 / 管理委员会, X政府 /
    # X人民政府) compare equal, so variants in other authorities' plans meet the same registry unit
    for long, short in _SHORT_FORMS:
        key = key.replace(long, short)
    if key.endswith("人民政府") and not key.endswith("镇人民政府"):
        key = key[: -len("人民政府")] + "政府"
    for suffix in _TOWN_SUFFIXES:
        if key.endswith("镇" + suffix):
            return key[: -len(suffix)]
    for suffix in _SUBDISTRICT_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)] + "街道"
    return key


def alias_candidates(name: str) -> set[str]:
    """Other spellings a document may use for a registry name; stored as aliases when the registry loads."""
    out = {canonical_key(name)}
    if name.startswith("区"):
        out.add(DISTRICT + name)
    key = canonical_key(name)
    if key.endswith("镇"):
        out |= {key, key + "政府", key + "人民政府"}
    if key.endswith("街道"):
        out |= {key, key + "办事处", key + "办"}
    out.discard(name)
    return out


def guess_unit_type(name: str) -> str:
    """Type for a unit first met in a document; an administrator confirms it (the unit is created unverified)."""
    key = canonical_key(name)
    if key.startswith(("各", "涉农", "领导小组")) or key.endswith(("成员单位", "有关部门", "有关单位")):
        return UnitType.COLLECTIVE
    if key.endswith("镇"):
        return UnitType.TOWN
    if key.endswith("街道"):
        return UnitType.SUBDISTRICT
    if key.endswith(("公司", "集团")):
        return UnitType.COMPANY
    if key.endswith("专班"):
        return UnitType.TASK_FORCE
    if key.startswith("区委") or key.endswith(("宣传部", "组织部", "统战部")):
        return UnitType.PARTY
    if key.startswith("市") or "分局" in key or key.endswith("税务局"):
        return UnitType.CITY_BRANCH
    if key.endswith(("中心", "站区办")):
        return UnitType.DISTRICT_BODY
    return UnitType.BUREAU


class UnitMatcher:
    """Resolves many names with two queries, whatever their number (used by plan import)."""

    def __init__(self) -> None:
        self.by_key: dict[str, Unit] = {}
        units = list(Unit.objects.all())
        for unit in units:
            self.by_key.setdefault(canonical_key(unit.name), unit)
        for alias in UnitAlias.objects.select_related("unit"):
            self.by_key.setdefault(canonical_key(alias.alias), alias.unit)
        # exact names win over folded aliases
        for unit in units:
            self.by_key[canonical_key(unit.name)] = unit

    def match(self, name: str) -> Unit | None:
        return self.by_key.get(canonical_key(name))

    def remember(self, unit: Unit) -> None:
        self.by_key[canonical_key(unit.name)] = unit
