"""The composite-index maths against published and hand-worked examples (no database)."""
import math

import numpy as np
import pytest

from iccity.indicators import composite as c

# ---------------------------------------------------------------- AHP

# Saaty, T.L. (1990) "How to make a decision: The analytic hierarchy process", European Journal of Operational
# Research 48, 9–26 — the house-buying example. Criteria: size, transportation, neighbourhood, age, yard space,
# modern facilities, general condition, financing. Published: priorities .173 .054 .188 .018 .031 .036 .167 .333,
# λmax = 9.669, CI = 0.238, CR = 0.169 (RI = 1.41 for n = 8) — an inconsistent matrix by the 0.10 rule.
SAATY_1990_CRITERIA = [
    [1, 5, 3, 7, 6, 6, "1/3", "1/4"],
    ["1/5", 1, "1/3", 5, 3, 3, "1/5", "1/7"],
    ["1/3", 3, 1, 6, 3, 4, 6, "1/5"],
    ["1/7", "1/5", "1/6", 1, "1/3", "1/4", "1/7", "1/8"],
    ["1/6", "1/3", "1/3", 3, 1, "1/2", "1/5", "1/6"],
    ["1/6", "1/3", "1/4", 4, 2, 1, "1/5", "1/6"],
    [3, 5, "1/6", 7, 5, 5, 1, "1/2"],
    [4, 7, 5, 8, 6, 6, 2, 1],
]
# Same paper, houses A, B, C compared on yard space. Published: .674 .101 .226, λmax = 3.086, CI = 0.043, CR = 0.074.
SAATY_1990_YARD = [[1, 5, 4], [1 / 5, 1, 1 / 3], [1 / 4, 3, 1]]


def test_ahp_matches_saatys_published_yard_space_example():
    weights, lambda_max, ci, cr = c.ahp(SAATY_1990_YARD)
    assert np.round(weights, 3).tolist() == [0.674, 0.101, 0.226]
    assert (round(lambda_max, 3), round(ci, 3), round(cr, 3)) == (3.086, 0.043, 0.074)


def test_ahp_refuses_saatys_inconsistent_criteria_matrix_and_shows_the_cr():
    with pytest.raises(c.InconsistentJudgements) as exc:
        c.ahp(SAATY_1990_CRITERIA)
    assert round(exc.value.cr, 3) == 0.169
    assert "CR = 0.169 > 0.10" in exc.value.message and "一致性检验未通过" in exc.value.message
    # reported without refusing: the published numbers
    weights, lambda_max, ci, cr = c.ahp(SAATY_1990_CRITERIA, max_cr=None)
    assert np.round(weights, 3).tolist() == [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    assert (round(lambda_max, 3), round(ci, 3), round(cr, 3)) == (9.669, 0.238, 0.169)


def test_ahp_consistent_matrix_has_cr_zero_and_exact_weights():
    # a_ij = w_i / w_j with w = (4, 2, 1)/7: λmax = n = 3, CI = 0
    weights, lambda_max, ci, cr = c.ahp([[1, 2, 4], ["1/2", 1, 2], ["1/4", "1/2", 1]])
    assert np.allclose(weights, [4 / 7, 2 / 7, 1 / 7]) and lambda_max == pytest.approx(3) and cr == pytest.approx(0, abs=1e-9)


def test_ahp_random_index_table_and_bad_matrices():
    assert len(c.RANDOM_INDEX) == 15 and c.RANDOM_INDEX[3] == 0.58 and c.RANDOM_INDEX[10] == 1.49
    assert c.ahp([[1, 3], ["1/3", 1]]).weights.tolist() == pytest.approx([0.75, 0.25])  # n = 2: always consistent
    with pytest.raises(c.CompositeError, match="互反性"):
        c.ahp([[1, 3], [3, 1]])
    with pytest.raises(c.CompositeError, match="方阵"):
        c.ahp([[1, 3, 1]])
    with pytest.raises(c.CompositeError, match="无法识别"):
        c.ahp([[1, "x"], [1, 1]])


# ---------------------------------------------------------------- entropy and CRITIC

def test_entropy_weights_by_hand():
    # units A, B, C (rows) × indicators 1, 2, 3 (columns), already non-negative
    x = [[2, 1, 1],
         [2, 2, 0],
         [4, 1, 1]]
    # p_i1 = (2, 2, 4)/8 = (.25, .25, .5);  Σ p ln p = 2·.25·ln .25 + .5·ln .5 = −1.039721
    #   e_1 = 1.039721 / ln 3 (1.098612) = 0.946395;  d_1 = 0.053605
    # p_i2 = (1, 2, 1)/4 = (.25, .5, .25): same e_2 = 0.946395;  d_2 = 0.053605
    # p_i3 = (1, 0, 1)/2 = (.5, 0, .5) with 0·ln 0 = 0:  Σ = ln .5 = −0.693147;  e_3 = 0.630930;  d_3 = 0.369070
    # Σ d = 0.476280 → w = (0.112550, 0.112550, 0.774900)
    notes = []
    w = c.entropy(x, notes=notes)
    assert np.round(w, 5).tolist() == [0.11255, 0.11255, 0.7749]
    assert notes == []  # 3 units: no cross-section warning
    e1 = -(0.5 * math.log(0.25) + 0.5 * math.log(0.5)) / math.log(3)
    assert w[0] == pytest.approx((1 - e1) / (2 * (1 - e1) + 1 - math.log(2) / math.log(3)))


def test_entropy_constant_column_gets_zero_weight_and_all_constant_falls_back_to_equal():
    notes = []
    w = c.entropy([[1, 5], [2, 5], [3, 5]], notes=notes, labels=["社零", "客流"])
    assert w[1] == 0 and w[0] == pytest.approx(1)
    assert any("客流" in n and "熵权为 0" in n for n in notes)
    notes = []
    assert c.entropy([[1, 5], [1, 5], [1, 5]], notes=notes).tolist() == [0.5, 0.5]
    assert any("等权" in n for n in notes)


def test_critic_weights_by_hand():
    # normalised columns a = (0, .5, 1), b = (1, .5, 0), c = (0, 1, 0)
    # σ (ddof 0): σ_a = σ_b = √(1/6) = 0.408248, σ_c = √(2/9) = 0.471405
    # r_ab = −1, r_ac = r_bc = 0 (centred a·c = −.5·(−1/3) + .5·(−1/3) = 0)
    # C_a = σ_a·(0 + 2 + 1) = 1.224745, C_b = 1.224745, C_c = σ_c·(1 + 1 + 0) = 0.942809; Σ = 3.392299
    # w = (0.361037, 0.361037, 0.277926)
    w = c.critic([[0, 1, 0], [0.5, 0.5, 1], [1, 0, 0]])
    assert np.round(w, 6).tolist() == [0.361037, 0.361037, 0.277926]


# ---------------------------------------------------------------- normalisation

def test_minmax_inverts_cost_indicators():
    # benefit (10, 20, 30): (x − 10)/20 = (0, .5, 1); cost (5, 3, 1): (5 − x)/4 = (0, .5, 1)
    assert c.minmax([[10, 5], [20, 3], [30, 1]], ["higher", "lower"]).tolist() == [[0, 0], [0.5, 0.5], [1, 1]]


def test_minmax_constant_column_is_half_with_a_warning():
    notes = []
    out = c.minmax([[1, 7], [3, 7]], ["higher", "higher"], notes=notes, labels=["社零", "品牌数"])
    assert out[:, 1].tolist() == [0.5, 0.5] and "品牌数" in notes[0] and "无区分度" in notes[0]


def test_zscore_population_sd_and_cost_negated():
    # (1, 2, 3): mean 2, σ = √(2/3) = 0.816497 → (−1.224745, 0, 1.224745); cost (10, 20, 30) → negated
    out = c.zscore([[1, 10], [2, 20], [3, 30]], ["higher", "lower"])
    assert np.round(out, 6).tolist() == [[-1.224745, 1.224745], [0, 0], [1.224745, -1.224745]]


# ---------------------------------------------------------------- TOPSIS

def test_topsis_matches_hwang_yoon_fighter_aircraft_example():
    # Hwang & Yoon (1981) Multiple Attribute Decision Making, the fighter-aircraft example: max speed, ferry range,
    # max payload, acquisition cost (cost), reliability, manoeuvrability; w = (.2, .1, .1, .1, .2, .3).
    # Published C* = 0.643 (A1) and 0.268 (A2); order A1 > A3 > A4 > A2.
    x = [[2.0, 1500, 20000, 5.5, 5, 9],
         [2.5, 2700, 18000, 6.5, 3, 5],
         [1.8, 2000, 21000, 4.5, 7, 7],
         [2.2, 1800, 20000, 5.0, 5, 5]]
    closeness = c.topsis(x, [0.2, 0.1, 0.1, 0.1, 0.2, 0.3], ["higher"] * 3 + ["lower"] + ["higher"] * 2)
    assert round(closeness[0], 3) == 0.643 and round(closeness[1], 3) == 0.268
    assert c.rank(closeness).tolist() == [1, 4, 2, 3]


def test_topsis_on_two_units_warns():
    notes = []
    c.topsis([[1, 2], [2, 1]], [0.5, 0.5], notes=notes)
    assert "仅有 2 个评价单元" in notes[0] and "目标进度法" in notes[0]


# ---------------------------------------------------------------- aggregation, user weights

def test_geometric_penalises_imbalance_where_arithmetic_compensates():
    # unit 1 = (.25, 1), unit 2 = (.6, .6), equal weights
    # arithmetic: (.625, .6) → unit 1 first;  geometric: (√.25 = .5, .6) → unit 2 first
    values = [[0.25, 1.0], [0.6, 0.6]]
    assert c.arithmetic(values, [1, 1]).tolist() == pytest.approx([0.625, 0.6])
    assert c.geometric(values, [1, 1]).tolist() == pytest.approx([0.5, 0.6])
    with pytest.raises(c.CompositeError, match="正数"):
        c.geometric([[0, 1]], [1, 1])


def test_pipeline_geometric_shifts_minmax_and_refuses_zscore():
    r = c.compute([[1, 2], [2, 1], [3, 3]], None, aggregation="geometric")
    assert r.normalised.min() == pytest.approx(0.01) and any("平移" in n for n in r.notes)
    with pytest.raises(c.CompositeError, match="z-score"):
        c.compute([[1, 2], [2, 1], [3, 3]], None, normalisation="zscore", aggregation="geometric")


def test_user_weights_like_the_better_life_index():
    assert c.user([5, 3, 2, 0]).tolist() == [0.5, 0.3, 0.2, 0.0]
    notes = []
    assert c.user([0, 0, 0, 0], notes=notes).tolist() == [0.25] * 4 and "等权" in notes[0]
    assert c.user(None, 3).tolist() == pytest.approx([1 / 3] * 3)  # default: equal ratings
    with pytest.raises(c.CompositeError, match="0–5"):
        c.user([6, 1])


def test_dimensions_hierarchy_equals_flat_aggregation_with_effective_weights():
    x = [[1, 2, 3], [2, 3, 1], [3, 1, 2], [4, 4, 4]]
    for aggregation in ("arithmetic", "geometric"):
        r = c.compute(x, None, [[0, 1], [2]], weighting="entropy", aggregation=aggregation)
        # dimension weights equal (.5, .5); within the first dimension the two entropy weights renormalised
        assert r.dimension_weights.tolist() == [0.5, 0.5] and r.effective[2] == pytest.approx(0.5)
        assert r.overall == pytest.approx(c.aggregate(r.normalised, r.effective, aggregation))
    # "sum": dimensions weigh the sum of their indicator weights → overall = Σ_j w_j r_ij
    r = c.compute(x, None, [[0, 1], [2]], weighting="given", weighting_input=[1, 1, 2], dimension_weighting="sum")
    assert r.effective.tolist() == pytest.approx([0.25, 0.25, 0.5])


def test_ranks_share_ties():
    assert c.rank([0.5, 0.9, 0.5, 0.1]).tolist() == [2, 1, 2, 4]


# ---------------------------------------------------------------- sensitivity

SWAP = [[1.0, 0.0], [0.0, 0.8], [0.2, 0.2]]  # A, B, C; equal weights → .5, .4, .2 → A 1st, B 2nd


def test_sensitivity_shows_a_rank_swap_only_when_the_shift_is_large_enough():
    # ±10 %: w = (.5, .55)/1.05 → A .476, B .419: no change
    small = c.sensitivity(SWAP, [0.5, 0.5], shift=0.1)
    assert small["base"] == [1, 2, 3] and all(case["changed"] == [] for case in small["cases"])
    # +30 % on indicator 2: w = (.5, .65)/1.15 → A .4348, B .8 × .5652 = .4522: A and B swap
    large = c.sensitivity(SWAP, [0.5, 0.5], shift=0.3, labels=["社零", "客流"])
    swap = next(case for case in large["cases"] if case["indicator"] == "客流" and case["shift"] > 0)
    assert swap["ranks"] == [2, 1, 3] and swap["changed"] == [0, 1]


def test_monte_carlo_is_reproducible_with_the_same_seed():
    a = c.monte_carlo(SWAP, [0.5, 0.5], runs=300, spread=0.5, seed=7)
    b = c.monte_carlo(SWAP, [0.5, 0.5], runs=300, spread=0.5, seed=7)
    assert a == b
    # ±50 % can put B ahead of A (needs w_2/w_1 > 1.25), never C ahead of either
    assert a["min"][:2] == [1, 1] and a["max"][:2] == [2, 2] and a["min"][2] == a["max"][2] == 3


# ---------------------------------------------------------------- missing values and cross-section warnings

def test_missing_values_are_refused_by_default_naming_the_cell():
    x = [[1, 2], [np.nan, 3], [2, 4]]
    with pytest.raises(c.CompositeError) as exc:
        c.compute(x, None, unit_labels=["杨柳青镇", "张家窝镇", "精武镇"], labels=["社零", "客流"])
    assert "张家窝镇·社零" in exc.value.message and "missing=mean" in exc.value.message


def test_missing_values_mean_imputed_with_a_warning():
    r = c.compute([[1, 2], [np.nan, 3], [2, 4]], None, missing="mean", unit_labels=["甲", "乙", "丙"], labels=["社零", "客流"])
    assert r.imputed == [(1, 0)] and r.normalised[1, 0] == pytest.approx(0.5)  # imputed 1.5 = mean(1, 2)
    assert any("乙·社零" in n and "均值插补" in n for n in r.notes)
    with pytest.raises(c.CompositeError, match="没有任何数据"):
        c.impute([[np.nan, 1], [np.nan, 2]], "mean")


def test_entropy_on_two_units_warns_in_chinese():
    r = c.compute([[1, 2], [2, 1]], None, weighting="entropy")
    assert any("仅有 2 个评价单元" in n and "目标进度法" in n for n in r.notes)


def test_entropy_on_one_district_over_years_warns_even_with_many_years():
    years = [[1, 2], [2, 3], [3, 5], [4, 4], [5, 6]]
    r = c.compute(years, None, weighting="entropy", with_topsis=True, time_series=True)
    assert any("单一地区的多年数据" in n and "熵权法" in n and "TOPSIS" in n for n in r.notes)
    assert c.compute(years, None, time_series=True).notes == []  # min–max + equal weights need no cross-section


def test_zscore_and_critic_need_two_units():
    notes = []
    c.zscore([[1], [2]], notes=notes)
    assert "z-score" in notes[0]
    with pytest.raises(c.CompositeError, match="至少需要 2 个"):
        c.critic([[1, 2]])
