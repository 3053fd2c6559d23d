"""Each rule type of the light, judged by the pure ``judge`` function under the default rule value."""
from __future__ import annotations

import copy

from iccity.evaluation.lights import DEFAULT_VALUE, RuleSet, TaskInputs, judge

RULES = RuleSet(DEFAULT_VALUE, version=1)


def test_nothing_to_judge_is_grey_and_says_so():
    light = judge(TaskInputs(), RULES)
    assert (light.colour, light.label) == ("grey", "灰")
    assert "尚无" in light.explanation


def test_plan_not_started_is_grey_whatever_the_items():
    light = judge(TaskInputs(started=False, overdue_days=[30]), RULES)
    assert light.colour == "grey" and light.reasons[0].code == "not_started"


def test_items_on_time_give_green():
    light = judge(TaskInputs(open_items=3), RULES)
    assert light.colour == "green" and light.explanation == "绿：3 项事项按时推进"


def test_item_due_within_three_working_days_gives_blue():
    light = judge(TaskInputs(open_items=2, near_days=[2, 8]), RULES)
    assert light.colour == "blue" and light.explanation == "蓝：1 项事项2个工作日内到期"


def test_item_due_later_than_the_window_is_not_near():
    assert judge(TaskInputs(open_items=1, near_days=[4]), RULES).colour == "green"


def test_overdue_ladder_yellow_up_to_ten_red_beyond():
    assert judge(TaskInputs(open_items=1, overdue_days=[10]), RULES).colour == "yellow"
    light = judge(TaskInputs(open_items=3, overdue_days=[11, 25, 3]), RULES)
    assert light.colour == "red"
    assert light.explanation == "红：2 项事项逾期超过10个工作日"
    assert any(r.text == "1 项事项逾期1—10个工作日" and r.colour == "yellow" for r in light.reasons)


def test_progress_behind_elapsed_time_by_gap_thresholds():
    on_time = judge(TaskInputs(progress=45, elapsed=0.5), RULES)
    assert on_time.colour == "green"
    behind = judge(TaskInputs(progress=38, elapsed=0.5, progress_period="2026年10月"), RULES)
    assert behind.colour == "yellow" and "落后序时进度50% 达12个百分点" in behind.explanation
    far_behind = judge(TaskInputs(progress=20, elapsed=0.5), RULES)
    assert far_behind.colour == "red"


def test_indicator_trajectory_statuses_map_to_colours():
    light = judge(TaskInputs(open_items=1, indicators=[("社零", "limited_progress", "进展有限"),
                                                       ("客流", "on_track", "正常推进")]), RULES)
    assert light.colour == "yellow" and light.explanation == "黄：社零 轨迹进展有限"
    assert judge(TaskInputs(indicators=[("社零", "deterioration", "退步")]), RULES).colour == "red"


def test_indicator_without_enough_data_does_not_colour_the_light():
    light = judge(TaskInputs(indicators=[("社零", "insufficient_data", "数据不足")]), RULES)
    assert light.colour == "grey"


def test_worst_reason_wins_and_every_reason_is_kept():
    light = judge(TaskInputs(open_items=2, overdue_days=[15], progress=48, elapsed=0.5,
                             indicators=[("社零", "limited_progress", "进展有限")]), RULES)
    assert light.colour == "red"
    assert [r.colour for r in light.reasons] == ["red", "yellow", "green"]


def test_thresholds_and_labels_come_from_the_rule_value():
    value = copy.deepcopy(DEFAULT_VALUE)
    value["overdue"] = [{"after_working_days": 1, "colour": "red"}]
    value["colours"][-1]["label"] = "红色督办"
    light = judge(TaskInputs(open_items=1, overdue_days=[1]), RuleSet(value, version=2))
    assert (light.colour, light.label, light.rule_version) == ("red", "红色督办", 2)


def test_missing_holiday_data_is_noted_on_day_counts():
    light = judge(TaskInputs(open_items=1, overdue_days=[3], calendar_note="（缺少节假日数据，按自然日计）"), RULES)
    assert light.explanation.endswith("按自然日计）")
