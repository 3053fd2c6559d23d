"""Sample size and margin of error: the reference's worked example (domain-public-services.md §3)."""
import math

import pytest

from ..sampling import estimate, item_score, response_index, sample_size, z_value


def test_reference_worked_example_gives_538_per_city():
    plan = sample_size(margin=0.05, confidence=0.95, deff=1.4, p=0.5)
    assert round(plan.z, 4) == 1.96
    assert round(plan.base, 1) == 384.1  # 1.959964² × 0.25 / 0.05² (the exact quantile)
    assert round(plan.with_deff, 1) == 537.8
    assert plan.n == 538


def test_without_design_effect_the_classic_385():
    assert sample_size(margin=0.05, deff=1.0).n == 385


def test_tighter_margin_and_higher_confidence_need_more():
    assert sample_size(margin=0.03, deff=1.4).n > 538
    assert round(z_value(0.99), 4) == 2.5758 and sample_size(margin=0.05, confidence=0.99, deff=1.4).n > 538


@pytest.mark.parametrize("margin, n", [(0.05, 271), (0.03, 752)])
def test_ninety_percent_confidence_uses_the_exact_quantile(margin, n):
    plan = sample_size(margin=margin, confidence=0.90, deff=1.0)
    assert round(plan.z, 4) == 1.6449 and plan.n == n  # z = 1.64 gave 269 and 748
    achieved = plan.z * math.sqrt(0.25 / plan.n)
    assert achieved <= margin  # the sample really reaches the margin asked for


def test_ninety_nine_percent_confidence():
    plan = sample_size(margin=0.05, confidence=0.99, deff=1.0)
    assert round(plan.z, 4) == 2.5758 and plan.n == math.ceil(2.5758293035489 ** 2 * 0.25 / 0.05 ** 2) == 664


@pytest.mark.parametrize("kwargs", [{"margin": 0}, {"margin": 0.05, "deff": 0.5}, {"margin": 0.05, "p": 1}])
def test_impossible_parameters_are_refused(kwargs):
    with pytest.raises(ValueError):
        sample_size(**kwargs)


def test_item_score_maps_1_to_0_and_10_to_100():
    assert item_score(1, 10) == 0 and item_score(10, 10) == 100 and item_score(4, 10) == pytest.approx(100 / 3)


def test_response_index_renormalises_weights_over_answered_items_and_dimensions():
    structure = {"a": (0.5, {1: 0.5, 2: 0.5}), "b": (0.5, {3: 1.0})}
    index, dims = response_index({1: 10, 2: None, 3: 1}, structure, 10)  # item 2 "不清楚"
    assert dims == {"a": 100, "b": 0} and index == 50
    index, dims = response_index({1: 10, 2: None, 3: None}, structure, 10)  # dimension b all "不清楚"
    assert dims == {"a": 100} and index == 100
    assert response_index({1: None, 2: None, 3: None}, structure, 10) == (None, {})


def test_margin_of_error_uses_sample_variance_and_design_effect():
    values = [40.0, 60.0, 50.0, 70.0]
    result = estimate(values, z=1.96, deff=1.4)
    s2 = sum((v - 55) ** 2 for v in values) / 3
    assert result.mean == 55 and result.margin == pytest.approx(1.96 * math.sqrt(1.4 * s2 / 4))
    assert estimate([50.0], z=1.96, deff=1.4).margin is None  # one answer: no variance, no margin
