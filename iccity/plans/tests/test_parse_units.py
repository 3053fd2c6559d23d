"""Unit labels: variants, nested brackets, collectives, roles, open-ended lists, truncation warnings."""
import pytest

from iccity.plans.parsing.result import CO, LEAD
from iccity.plans.parsing.units import extract_units, find_unit_labels, is_collective, parse_unit_list


def names(text):
    return [u.name for u in extract_units(text).units]


def roles(text):
    return [(u.name, u.role, u.role_explicit) for u in extract_units(text).units]


@pytest.mark.parametrize("text", [
    "推进建设。（责任单位：区商务局、区文旅局）",
    "推进建设。(责任单位:区商务局,区文旅局)",
    "推进建设。（责任部门：区商务局；区文旅局）",
    "推进建设。〔责任单位:区商务局、区文旅局〕",
    "推进建设。【责任单位：区商务局、区文旅局】",
    "推进建设。[责任单位：区商务局、区文旅局]",
    "推进建设。责任单位：区商务局、区文旅局。",
    "推进建设。（責任單位：区商务局、区文旅局）",
    "推进建设。（ 责任单位 ：区商务局、区文旅局 ）",
])
def test_label_variants_positional(text):
    assert roles(text) == [("区商务局", LEAD, False), ("区文旅局", CO, False)]


@pytest.mark.parametrize("text", [
    "推进建设。（牵头单位：区商务局；配合单位：区文旅局、区体育局）",
    "推进建设。（牵头单位：区商务局，配合单位：区文旅局、区体育局）",
    "推进建设。(牵头单位:区商务局;配合单位:区文旅局,区体育局)",
    "推进建设。区商务局牵头，区文旅局、区体育局配合。",
    "推进建设。由区商务局牵头，区文旅局、区体育局按职责分工负责。",
    "推进建设。（区商务局牵头，区文旅局、区体育局配合）",
    "推进建设。（责任单位：区商务局牵头，区文旅局、区体育局参与）",
    "推进建设。（责任单位：区商务局（牵头）、区文旅局（配合）、区体育局（配合））",
])
def test_explicit_roles(text):
    assert roles(text) == [("区商务局", LEAD, True), ("区文旅局", CO, True), ("区体育局", CO, True)]


def test_several_leads():
    assert roles("推进建设。区商务局、区文旅局牵头，区体育局协办。") == [
        ("区商务局", LEAD, True), ("区文旅局", LEAD, True), ("区体育局", CO, True)]


def test_nested_brackets_stay_one_unit_and_do_not_end_the_label():
    text = "推进建设。（责任单位：市交通委（市道运局）、区商务局）"
    assert names(text) == ["市交通委（市道运局）", "区商务局"]
    assert names("推进建设。(责任单位:市交通委(市道运局),区商务局)") == ["市交通委（市道运局）", "区商务局"]
    label = find_unit_labels(text)[0]
    assert text[label.start:label.end] == "（责任单位：市交通委（市道运局）、区商务局）"


@pytest.mark.parametrize("name", ["各镇人民政府和街道办事处", "涉农镇人民政府和街道办事处", "领导小组各成员单位",
                                  "各街镇", "各有关部门"])
def test_collectives_are_one_unit(name):
    assert is_collective(name)
    assert names(f"推进。（责任单位：区商务局、{name}）") == ["区商务局", name]


def test_and_split_only_between_whole_names():
    assert names("推进。（责任单位：区商务局和区文旅局、区民政局及区卫健委）") == [
        "区商务局", "区文旅局", "区民政局", "区卫健委"]
    # 和 inside a name is not a separator
    assert names("推进。（责任单位：区住房和城乡建设委员会、区文化和旅游局）") == [
        "区住房和城乡建设委员会", "区文化和旅游局"]


@pytest.mark.parametrize("tail", ["等", "等部门", "等单位", "等相关部门"])
def test_open_ended_lists(tail):
    result = extract_units(f"推进。（责任单位：区商务局、区文旅局{tail}）", line=7)
    assert [u.name for u in result.units] == ["区商务局", "区文旅局"]
    assert len(result.warnings) == 1 and result.warnings[0].line == 7 and "名单不完整" in result.warnings[0].message


def test_truncated_name_warns():
    result = extract_units("推进。（责任单位：区商务局、区农业农）", line=3)
    assert [u.name for u in result.units] == ["区商务局", "区农业农"]
    assert any("截断" in w.message for w in result.warnings)


def test_unknown_label_keyword_is_taken_with_warning():
    result = extract_units("推进。（承担单位：区商务局、区文旅局）")
    assert [u.name for u in result.units] == ["区商务局", "区文旅局"]
    assert any("未知的责任单位标注" in w.message for w in result.warnings)


def test_deadline_segment_is_not_a_unit():
    assert names("推进。（责任单位：区商务局；完成时限：2025年底前）") == ["区商务局"]


def test_duplicates_are_dropped_with_warning():
    result = extract_units("推进。（责任单位：区商务局、区文旅局、区商务局）")
    assert [u.name for u in result.units] == ["区商务局", "区文旅局"]
    assert any("重复" in w.message for w in result.warnings)


def test_sub_item_labels_are_merged():
    result = extract_units("①甲。（责任单位：区商务局）②乙。（责任单位：区商务局、区财政局）")
    assert [(u.name, u.role, u.position) for u in result.units] == [("区商务局", LEAD, 1), ("区财政局", CO, 2)]


@pytest.mark.parametrize("text", [
    "居住（小）区基本补齐养老服务设施。",
    "由区商务局牵头，制定实施方案。",             # a lead verb followed by an action, not a unit list
    "推动重点村（镇）积极创建国家级品牌。",
    "建立“一办八专班”（领导小组办公室）工作机制。",
])
def test_no_false_labels(text):
    assert find_unit_labels(text) == []


def test_parse_unit_list_direct():
    units, warnings = parse_unit_list("区商务局、 区 文旅局，区体育局；区民政局")
    assert [u.name for u in units] == ["区商务局", "区文旅局", "区体育局", "区民政局"]
    assert warnings == []


def test_etc_followed_by_collective_is_not_open_ended():
    result = extract_units("推进。（责任单位：市商务局、河西区政府等各区人民政府）")
    assert [u.name for u in result.units] == ["市商务局", "河西区政府", "各区人民政府"]
    assert result.warnings == []
