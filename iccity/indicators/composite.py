"""Composite-index maths, pure numpy (no Django), so every formula can be tested against hand-worked examples.

A matrix has one row per evaluated unit (town, 商圈, area or year) and one column per indicator. Choices, each
written down because an edition has to be explainable later:

- **Missing values** are never filled silently. ``missing="refuse"`` (default) raises with the list of missing cells;
  ``missing="mean"`` imputes the column mean of the observed units and adds a warning naming every imputed cell.
  A column with no value at all cannot be imputed and is refused.
- **Min–max** maps benefit indicators to (x − min)/(max − min) and cost indicators to (max − x)/(max − min).
  A constant column carries no information: every unit gets 0.5 (ranks unchanged) and a warning.
- **z-score** uses the population standard deviation (ddof=0): the units are all towns/商圈, not a sample. Cost
  indicators are negated; a constant column becomes 0 with a warning.
- **Entropy and CRITIC** weights are computed on the min–max normalised matrix (they need non-negative,
  comparable columns), whatever normalisation is used for scoring.
- **Geometric aggregation** needs positive values. Min–max values are shifted to [0.01, 1] (0.01 + 0.99·r, with a
  warning), since a single worst indicator would otherwise zero the whole score; z-scores are refused.
- **Dimensions**: within a dimension the indicator weights are renormalised; dimension weights are equal by default,
  ``"sum"`` gives each dimension the sum of its indicator weights (the usual entropy-method papers), or AHP / user /
  given numbers. Using the same aggregator at both levels equals a flat aggregation with the *effective* weights
  W_d · w_j / Σ_{k∈d} w_k, which is what sensitivity analysis perturbs.
- **TOPSIS** is the textbook form (Hwang & Yoon 1981): vector normalisation of the raw matrix, weighted, Euclidean
  distances to the ideal and anti-ideal; C_i = D⁻/(D⁺ + D⁻).
- Entropy, CRITIC, TOPSIS and z-scores compare units with each other: with fewer than 3 units, or with one area over
  years, a Chinese warning recommends target-based progress (目标进度法) instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import NamedTuple
from collections.abc import Sequence

import numpy as np

MIN_UNITS = 3  # below this a cross-section method is not meaningful
MAX_CR = 0.10  # Saaty: a consistency ratio above 0.10 means the judgements must be revised
GEOMETRIC_FLOOR = 0.01
CONSTANT_MINMAX = 0.5

# Saaty's random consistency index RI for n = 1..15 (Saaty 1980 for n ≤ 10; Saaty & Vargas for 11..15).
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
                11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59}

NORMALISATIONS = ("minmax", "zscore")
WEIGHTINGS = ("equal", "entropy", "critic", "ahp", "user", "given")
DIMENSION_WEIGHTINGS = ("equal", "sum", "ahp", "user", "given")
AGGREGATIONS = ("arithmetic", "geometric")
METHOD_LABELS = {"minmax": "min–max 标准化", "zscore": "z-score 标准化", "equal": "等权", "entropy": "熵权法",
                 "critic": "CRITIC 法", "ahp": "层次分析法（AHP）", "user": "用户评分权重", "given": "指定权重",
                 "sum": "维度内指标权重之和", "arithmetic": "加权算术平均", "geometric": "加权几何平均",
                 "topsis": "TOPSIS"}


class CompositeError(ValueError):
    """A computation that cannot be done as asked; the message is Chinese and shown as it is."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class InconsistentJudgements(CompositeError):
    def __init__(self, cr: float, lambda_max: float, ci: float, n: int):
        self.cr, self.lambda_max, self.ci = cr, lambda_max, ci
        super().__init__(f"判断矩阵一致性检验未通过：CR = {cr:.3f} > {MAX_CR:.2f}（n = {n}，λmax = {lambda_max:.3f}，"
                         f"CI = {ci:.3f}，RI = {RANDOM_INDEX[n]:.2f}）。请调整两两比较判断后重试。")


def _label(labels, j) -> str:
    return str(labels[j]) if labels is not None else f"第{j + 1}项"


def _note(notes: list[str] | None, text: str) -> None:
    if notes is not None and text not in notes:
        notes.append(text)


def cross_section_note(n_units: int, method: str, notes: list[str] | None) -> None:
    if n_units < MIN_UNITS:
        _note(notes, f"{METHOD_LABELS.get(method, method)}依赖多个评价单元之间的横截面比较，当前仅有 {n_units} 个评价单元，"
                     f"结果不稳定、不宜用于排名；建议改用目标进度法（对照目标值测算完成进度），或与天津市其他区横向比较。")


def time_series_note(methods: Sequence[str], notes: list[str] | None) -> None:
    names = "、".join(METHOD_LABELS.get(m, m) for m in methods)
    _note(notes, f"{names}需要横截面数据（多个地区）；当前是单一地区的多年数据，权重和得分反映的是年份间的波动而非地区差异，"
                 f"且每增加一年结果都会改变。建议改用目标进度法（对照目标值测算完成进度），或与天津市其他区横向比较。")


def _as_float(matrix) -> np.ndarray:
    x = np.array(matrix, dtype=float)
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise CompositeError("数据矩阵为空或形状不正确（应为 评价单元 × 指标）。")
    return x


def _finite(matrix) -> np.ndarray:
    x = _as_float(matrix)
    if not np.isfinite(x).all():
        raise CompositeError("数据中有缺失值：请先按缺失值规则处理（拒绝或均值插补）。")
    return x


def benefit_mask(directions, m: int) -> np.ndarray:
    """``directions``: "higher"/"benefit"/True for benefit indicators, "lower"/"cost"/False for cost ones."""
    if directions is None:
        return np.ones(m, dtype=bool)
    if len(directions) != m:
        raise CompositeError(f"指标方向个数（{len(directions)}）与指标个数（{m}）不一致。")
    out = []
    for d in directions:
        if d in ("higher", "benefit", True):
            out.append(True)
        elif d in ("lower", "cost", False):
            out.append(False)
        else:
            raise CompositeError(f"无法识别的指标方向：{d}（应为 higher 或 lower）。")
    return np.array(out, dtype=bool)


# ---------------------------------------------------------------- missing values

def impute(matrix, policy: str = "refuse", *, notes=None, unit_labels=None, labels=None):
    """Return (matrix, imputed cells as (row, column)). See the module docstring for the two policies."""
    x = _as_float(matrix)
    missing = ~np.isfinite(x)
    if not missing.any():
        return x, []
    cells = [(int(i), int(j)) for i, j in zip(*np.nonzero(missing))]
    names = "、".join(f"{_label(unit_labels, i)}·{_label(labels, j)}" for i, j in cells[:20])
    more = f"等（共 {len(cells)} 项）" if len(cells) > 20 else f"（共 {len(cells)} 项）"
    if policy == "refuse":
        raise CompositeError(f"以下数据缺失：{names}{more}。请补齐数据，或选择均值插补（missing=mean）后重新生成。")
    if policy != "mean":
        raise CompositeError(f"未知的缺失值处理方式：{policy}（应为 refuse 或 mean）。")
    empty = [j for j in range(x.shape[1]) if missing[:, j].all()]
    if empty:
        raise CompositeError("以下指标没有任何数据，无法插补：" + "、".join(_label(labels, j) for j in empty) + "。")
    x = x.copy()
    means = np.nanmean(x, axis=0)
    for i, j in cells:
        x[i, j] = means[j]
    _note(notes, f"以下缺失数据按该指标其他单位的均值插补：{names}{more}。插补值不是实际统计数据。")
    return x, cells


# ---------------------------------------------------------------- normalisation

def minmax(matrix, directions=None, *, notes=None, labels=None) -> np.ndarray:
    x = _finite(matrix)
    benefit = benefit_mask(directions, x.shape[1])
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = hi - lo
    constant = span == 0
    out = np.where(benefit, x - lo, hi - x) / np.where(constant, 1.0, span)
    out[:, constant] = CONSTANT_MINMAX
    for j in np.nonzero(constant)[0]:
        _note(notes, f"指标“{_label(labels, j)}”各评价单元数值相同，无区分度：标准化值统一取 {CONSTANT_MINMAX}，不影响排序。")
    return out


def zscore(matrix, directions=None, *, notes=None, labels=None) -> np.ndarray:
    x = _finite(matrix)
    cross_section_note(x.shape[0], "zscore", notes)
    benefit = benefit_mask(directions, x.shape[1])
    std = x.std(axis=0)  # ddof=0: the units are the whole population of towns/商圈
    constant = x.max(axis=0) == x.min(axis=0)  # exact; std of (0.1, 0.1, 0.1) is ~1e-17, not 0
    out = (x - x.mean(axis=0)) / np.where(constant, 1.0, std)
    out[:, constant] = 0.0
    out[:, ~benefit] *= -1
    for j in np.nonzero(constant)[0]:
        _note(notes, f"指标“{_label(labels, j)}”各评价单元数值相同，无区分度：z-score 统一取 0。")
    return out + 0.0  # turns -0.0 into 0.0 so stored results look clean


def normalise(matrix, directions, method: str, *, notes=None, labels=None) -> np.ndarray:
    if method == "minmax":
        return minmax(matrix, directions, notes=notes, labels=labels)
    if method == "zscore":
        return zscore(matrix, directions, notes=notes, labels=labels)
    raise CompositeError(f"未知的标准化方法：{method}（可选 {'、'.join(NORMALISATIONS)}）。")


# ---------------------------------------------------------------- weights

def equal(m: int) -> np.ndarray:
    return np.full(m, 1.0 / m)


class AHPResult(NamedTuple):
    weights: np.ndarray
    lambda_max: float
    ci: float
    cr: float


def _judgement(value) -> float:
    if isinstance(value, str):
        try:
            return float(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError):
            raise CompositeError(f"判断矩阵中的值无法识别：{value!r}（应为 1–9 或其倒数，如 1/3）。") from None
    return float(value)


def ahp(pairwise, *, max_cr: float | None = MAX_CR) -> AHPResult:
    """Principal-eigenvector weights of a 1–9 reciprocal matrix, with λmax, CI = (λmax − n)/(n − 1) and CR = CI/RI.

    Refuses (``InconsistentJudgements``) when CR > ``max_cr``; ``max_cr=None`` only reports.
    Entries may be numbers or strings such as "1/3".
    """
    try:
        a = np.array([[_judgement(v) for v in row] for row in pairwise], dtype=float)
    except TypeError:
        raise CompositeError("判断矩阵应为方阵（列表的列表）。") from None
    n = a.shape[0] if a.ndim == 2 else 0
    if a.ndim != 2 or a.shape != (n, n) or n == 0:
        raise CompositeError("判断矩阵应为 n × n 方阵。")
    if n > max(RANDOM_INDEX):
        raise CompositeError(f"判断矩阵阶数 {n} 超过 {max(RANDOM_INDEX)}，没有可用的随机一致性指标 RI；请分层比较。")
    if not np.isfinite(a).all() or (a <= 0).any():
        raise CompositeError("判断矩阵的元素必须为正数（1–9 标度及其倒数）。")
    if not np.allclose(np.diag(a), 1.0):
        raise CompositeError("判断矩阵对角线元素必须为 1。")
    # 1% tolerance: people type 0.333 for 1/3
    if not np.allclose(a * a.T, 1.0, rtol=0, atol=0.01):
        bad = [(i + 1, j + 1) for i in range(n) for j in range(i + 1, n) if abs(a[i, j] * a[j, i] - 1) > 0.01]
        raise CompositeError("判断矩阵不满足互反性 a_ji = 1/a_ij：" + "、".join(f"({i},{j})" for i, j in bad[:10]) + "。")
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    lambda_max = float(values[k].real)
    w = np.abs(vectors[:, k].real)  # Perron vector: one sign; abs() removes numpy's arbitrary sign
    w = w / w.sum()
    ci = max((lambda_max - n) / (n - 1), 0.0) if n > 2 else 0.0  # n ≤ 2 is consistent by construction
    cr = ci / RANDOM_INDEX[n] if RANDOM_INDEX[n] else 0.0
    if max_cr is not None and cr > max_cr:
        raise InconsistentJudgements(cr, lambda_max, ci, n)
    return AHPResult(w, lambda_max, ci, cr)


def entropy(matrix, *, notes=None, labels=None) -> np.ndarray:
    """Entropy weights of a non-negative matrix (normally min–max normalised).

    p_ij = x_ij / Σ_i x_ij; e_j = −(1/ln n) Σ_i p_ij ln p_ij (0·ln 0 = 0); d_j = 1 − e_j; w_j = d_j / Σ d_j.
    """
    x = _finite(matrix)
    n, m = x.shape
    if n < 2:
        raise CompositeError("熵权法至少需要 2 个评价单元；只有 1 个单元时请改用目标进度法。")
    cross_section_note(n, "entropy", notes)
    if (x < 0).any():
        raise CompositeError("熵权法要求非负数据：请先做 min–max 标准化。")
    sums = x.sum(axis=0)
    p = x / np.where(sums == 0, 1.0, sums)
    p[:, sums == 0] = 1.0 / n  # an all-zero column is as uninformative as a constant one
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    e = -plogp.sum(axis=0) / np.log(n)
    d = 1.0 - e
    d[d <= 1e-12] = 0.0  # ln rounding leaves ~1e-15 for a constant column; it must weigh exactly 0
    for j in np.nonzero(d == 0)[0]:
        _note(notes, f"指标“{_label(labels, j)}”各评价单元数值相同（或全为 0），熵权为 0。")
    if d.sum() == 0:
        _note(notes, "所有指标在各评价单元间都没有差异，熵权无法确定，改按等权处理。")
        return equal(m)
    return d / d.sum()


def critic(matrix, *, notes=None, labels=None) -> np.ndarray:
    """CRITIC weights (Diakoulaki et al. 1995) of a normalised matrix: C_j = σ_j Σ_k (1 − r_jk); w_j = C_j / Σ C.

    A constant column has σ = 0 and so weight 0; its undefined correlations are taken as 0.
    """
    x = _finite(matrix)
    n, m = x.shape
    if n < 2:
        raise CompositeError("CRITIC 法至少需要 2 个评价单元；只有 1 个单元时请改用目标进度法。")
    cross_section_note(n, "critic", notes)
    std = np.where(x.max(axis=0) == x.min(axis=0), 0.0, x.std(axis=0))
    if m == 1:
        r = np.ones((1, 1))
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.corrcoef(x, rowvar=False)
        r = np.nan_to_num(r, nan=0.0)
        np.fill_diagonal(r, 1.0)
    c = std * (1.0 - r).sum(axis=0)
    for j in np.nonzero(std == 0)[0]:
        _note(notes, f"指标“{_label(labels, j)}”各评价单元数值相同，CRITIC 权重为 0。")
    if c.sum() <= 1e-12:
        _note(notes, "CRITIC 信息量全为 0（指标无差异或完全相关），改按等权处理。")
        return equal(m)
    return c / c.sum()


def user(ratings=None, m: int | None = None, *, notes=None) -> np.ndarray:
    """OECD Better Life Index style: each item rated 0–5, weight = rating / Σ ratings. No ratings, or all zero → equal."""
    if ratings is None:
        if not m:
            raise CompositeError("未提供评分，也未给出指标个数。")
        return equal(m)
    r = np.array([float(v) for v in ratings], dtype=float)
    if r.size == 0:
        raise CompositeError("评分为空。")
    if not np.isfinite(r).all() or (r < 0).any() or (r > 5).any():
        raise CompositeError("用户评分须在 0–5 之间。")
    if r.sum() == 0:
        _note(notes, "所有评分均为 0，按等权处理。")
        return equal(r.size)
    return r / r.sum()


def given(values) -> np.ndarray:
    w = np.array([float(v) for v in values], dtype=float)
    if w.size == 0 or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise CompositeError("指定权重须为非负数且不全为 0。")
    return w / w.sum()


# ---------------------------------------------------------------- aggregation

def _weights(weights, m: int) -> np.ndarray:
    w = np.array(weights, dtype=float)
    if w.shape != (m,):
        raise CompositeError(f"权重个数（{w.size}）与指标个数（{m}）不一致。")
    return w / w.sum()


def arithmetic(values, weights) -> np.ndarray:
    x = _finite(values)
    return x @ _weights(weights, x.shape[1])


def geometric(values, weights) -> np.ndarray:
    """Weighted geometric mean ∏ x_j^{w_j}; refuses values ≤ 0 (see ``shift_positive``)."""
    x = _finite(values)
    if (x <= 0).any():
        raise CompositeError("几何平均合成要求所有标准化值为正数：min–max 结果请先平移到 [0.01, 1]，z-score 不能用几何合成。")
    return np.exp(np.log(x) @ _weights(weights, x.shape[1]))


def shift_positive(values, floor: float = GEOMETRIC_FLOOR) -> np.ndarray:
    """Map min–max values from [0, 1] to [floor, 1] (floor + (1 − floor)·r), keeping their order and spacing."""
    return floor + (1.0 - floor) * np.asarray(values, dtype=float)


def aggregate(values, weights, method: str) -> np.ndarray:
    if method == "arithmetic":
        return arithmetic(values, weights)
    if method == "geometric":
        return geometric(values, weights)
    raise CompositeError(f"未知的合成方法：{method}（可选 {'、'.join(AGGREGATIONS)}）。")


def rank(scores, decimals: int = 9) -> np.ndarray:
    """Competition ranks, 1 = highest score, ties share the best rank (1, 2, 2, 4). Rounded so float noise is no tie-break."""
    s = np.round(np.asarray(scores, dtype=float), decimals)
    return np.array([1 + int((s > v).sum()) for v in s], dtype=int)


def topsis(matrix, weights, directions=None, *, notes=None) -> np.ndarray:
    x = _finite(matrix)
    n, m = x.shape
    cross_section_note(n, "topsis", notes)
    benefit = benefit_mask(directions, m)
    norms = np.sqrt((x ** 2).sum(axis=0))
    v = x / np.where(norms == 0, 1.0, norms) * _weights(weights, m)
    ideal = np.where(benefit, v.max(axis=0), v.min(axis=0))
    anti = np.where(benefit, v.min(axis=0), v.max(axis=0))
    d_plus = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - anti) ** 2).sum(axis=1))
    total = d_plus + d_minus
    return np.where(total == 0, 0.5, d_minus / np.where(total == 0, 1.0, total))  # all units identical → 0.5


# ---------------------------------------------------------------- dimensions and the whole pipeline

def within_weights(weights, groups: Sequence[Sequence[int]], *, notes=None, dimension_labels=None) -> list[np.ndarray]:
    out = []
    w = np.asarray(weights, dtype=float)
    for d, cols in enumerate(groups):
        part = w[list(cols)]
        if part.sum() <= 0:
            _note(notes, f"维度“{_label(dimension_labels, d)}”内指标权重全为 0，维度内改按等权处理。")
            out.append(equal(len(cols)))
        else:
            out.append(part / part.sum())
    return out


def effective_weights(within: Sequence[np.ndarray], groups, dimension_weights, m: int) -> np.ndarray:
    eff = np.zeros(m)
    dw = np.asarray(dimension_weights, dtype=float)
    dw = dw / dw.sum()
    for d, cols in enumerate(groups):
        eff[list(cols)] += dw[d] * within[d]
    return eff


def sensitivity(normalised, weights, *, shift: float = 0.2, aggregation: str = "arithmetic", labels=None) -> dict:
    """One-at-a-time: each weight × (1 ± shift), all renormalised; which units change rank."""
    x = _finite(normalised)
    w = _weights(weights, x.shape[1])
    base = rank(aggregate(x, w, aggregation))
    cases = []
    for j in range(x.shape[1]):
        for sign in (1, -1):
            w2 = w.copy()
            w2[j] *= 1 + sign * shift
            ranks = rank(aggregate(x, w2 / w2.sum(), aggregation))
            cases.append({"indicator": _label(labels, j), "shift": sign * shift, "ranks": ranks.tolist(),
                          "changed": [int(i) for i in np.nonzero(ranks != base)[0]]})
    return {"base": base.tolist(), "shift": shift, "cases": cases}


def monte_carlo(normalised, weights, *, runs: int = 1000, spread: float = 0.2, seed: int = 0,
                aggregation: str = "arithmetic") -> dict:
    """Ranks under ``runs`` random perturbations (each weight × U(1 − spread, 1 + spread), renormalised).

    Seeded, so an edition's uncertainty band can be reproduced exactly."""
    x = _finite(normalised)
    w = _weights(weights, x.shape[1])
    rng = np.random.default_rng(seed)
    samples = w * rng.uniform(1 - spread, 1 + spread, size=(runs, w.size))
    samples /= samples.sum(axis=1, keepdims=True)
    if aggregation == "geometric":
        if (x <= 0).any():
            raise CompositeError("几何平均合成要求所有标准化值为正数。")
        scores = np.exp(np.log(x) @ samples.T)
    else:
        scores = x @ samples.T
    ranks = np.stack([rank(scores[:, k]) for k in range(runs)], axis=1)
    return {"runs": runs, "spread": spread, "seed": seed, "min": ranks.min(axis=1).tolist(),
            "median": np.median(ranks, axis=1).tolist(), "max": ranks.max(axis=1).tolist()}


@dataclass
class IndexResult:
    normalised: np.ndarray
    indicator_weights: np.ndarray
    dimension_weights: np.ndarray
    within: list[np.ndarray]
    effective: np.ndarray
    dimension_scores: np.ndarray
    overall: np.ndarray
    ranks: np.ndarray
    closeness: np.ndarray | None = None
    closeness_ranks: np.ndarray | None = None
    imputed: list[tuple[int, int]] = field(default_factory=list)
    ahp: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _resolve(kind: str, spec, count: int, level: str, *, minmax_matrix=None, notes=None, labels=None, ahp_out=None):
    if kind == "equal":
        return equal(count)
    if kind == "entropy":
        return entropy(minmax_matrix, notes=notes, labels=labels)
    if kind == "critic":
        return critic(minmax_matrix, notes=notes, labels=labels)
    if kind == "ahp":
        res = ahp(spec)
        if len(res.weights) != count:
            raise CompositeError(f"{level}判断矩阵阶数（{len(res.weights)}）与{level}个数（{count}）不一致。")
        ahp_out[level] = {"lambda_max": res.lambda_max, "ci": res.ci, "cr": res.cr}
        return res.weights
    if kind == "user":
        w = user(spec, count, notes=notes)
    elif kind == "given":
        w = given(spec)
    else:
        raise CompositeError(f"未知的{level}赋权方法：{kind}。")
    if len(w) != count:
        raise CompositeError(f"{level}权重个数（{len(w)}）与{level}个数（{count}）不一致。")
    return w


def compute(matrix, directions, groups: Sequence[Sequence[int]] | None = None, *, normalisation: str = "minmax",
            weighting: str = "equal", weighting_input=None, dimension_weighting: str = "equal", dimension_input=None,
            aggregation: str = "arithmetic", with_topsis: bool = False, missing: str = "refuse",
            time_series: bool = False, unit_labels=None, labels=None, dimension_labels=None) -> IndexResult:
    """The whole pipeline: missing values → normalisation → weights → dimension sub-indices → overall → ranks."""
    notes: list[str] = []
    raw = _as_float(matrix)
    m = raw.shape[1]
    groups = [list(range(m))] if groups is None else [list(g) for g in groups]
    if not groups or any(not g for g in groups) or any(j < 0 or j >= m for g in groups for j in g):
        raise CompositeError("维度分组为空或引用了不存在的指标。")
    if aggregation not in AGGREGATIONS:
        raise CompositeError(f"未知的合成方法：{aggregation}（可选 {'、'.join(AGGREGATIONS)}）。")
    if aggregation == "geometric" and normalisation == "zscore":
        raise CompositeError("z-score 含负值，不能用几何平均合成；请改用 min–max 标准化或算术平均。")
    if dimension_weighting in ("entropy", "critic"):
        raise CompositeError("维度权重不支持熵权/CRITIC：请在指标层使用，维度层选 equal 或 sum。")
    needing = [k for k in ("zscore", "entropy", "critic") if k in (normalisation, weighting)]
    needing += ["topsis"] if with_topsis else []
    if time_series and needing:
        time_series_note(needing, notes)
    raw, imputed = impute(raw, missing, notes=notes, unit_labels=unit_labels, labels=labels)
    benefit = benefit_mask(directions, m)
    scaled = normalise(raw, benefit, normalisation, notes=notes, labels=labels)
    mm = scaled if normalisation == "minmax" else minmax(raw, benefit)
    ahp_info: dict = {}
    w = _resolve(weighting, weighting_input, m, "指标", minmax_matrix=mm, notes=notes, labels=labels, ahp_out=ahp_info)
    if dimension_weighting == "sum":
        dw = np.array([w[g].sum() for g in groups])
        dw = dw / dw.sum() if dw.sum() > 0 else equal(len(groups))
    else:
        dw = _resolve(dimension_weighting, dimension_input, len(groups), "维度", notes=notes, ahp_out=ahp_info)
    if weighting in ("entropy", "critic") and dimension_weighting != "sum" and len(groups) > 1:
        _note(notes, f"{METHOD_LABELS[weighting]}权重只在维度内部起作用，维度之间按{METHOD_LABELS[dimension_weighting]}合成；"
                     "如需按客观权重直接合成总分，请把维度权重设为 sum（维度内指标权重之和）。")
    within = within_weights(w, groups, notes=notes, dimension_labels=dimension_labels)
    values = scaled
    if aggregation == "geometric":
        values = shift_positive(scaled)
        _note(notes, f"几何平均合成：min–max 标准化值已平移到 [{GEOMETRIC_FLOOR}, 1]（{GEOMETRIC_FLOOR} + {1 - GEOMETRIC_FLOOR}·r），"
                     "避免单项最低值使总分为 0。")
    dim_scores = np.column_stack([aggregate(values[:, g], within[d], aggregation) for d, g in enumerate(groups)])
    overall = aggregate(dim_scores, dw, aggregation)
    eff = effective_weights(within, groups, dw, m)
    result = IndexResult(normalised=values, indicator_weights=w, dimension_weights=dw / dw.sum(), within=within,
                         effective=eff, dimension_scores=dim_scores, overall=overall, ranks=rank(overall),
                         imputed=imputed, ahp=ahp_info, notes=notes)
    if with_topsis:
        result.closeness = topsis(raw, eff, benefit, notes=notes)
        result.closeness_ranks = rank(result.closeness)
    return result
