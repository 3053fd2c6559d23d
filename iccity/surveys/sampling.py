"""Sample size and the satisfaction index (pure functions, no database).

Sample size (domain-public-services.md §3): n = z²·p(1−p)/e² × deff, rounded up. z is the exact two-sided normal
quantile (``NormalDist().inv_cdf``), not a two-decimal table value: at 90 % z = 1.6449 gives 271 at ±5 % and 752 at
±3 % (1.64 gave 269 and 748, a margin of 5.014 %, not 5 %); 99 % is 2.5758. The reference's worked example still
gives 538: 1.959964² × 0.25 / 0.05² = 384.15, × 1.4 = 537.8 → 538.

Index method (stated on the index page):
- item score = (x − 1)/(k − 1) × 100 for an answer x on a 1…k scale; "不清楚" (NULL) is left out;
- a response's dimension score = the weighted mean of its answered items (item weights re-normalised over the
  items answered); its index = the weighted mean of its dimension scores (dimension weights re-normalised over the
  dimensions with at least one answer); a response with no scored answer is counted but not scored;
- an area's index = the mean of its responses' indices; the overall index pools all responses (each response has
  the same weight: the population/社零 weights of the national survey are not available for 商圈);
- margin of error = z × √(deff × s²/n), s² the sample variance of the response indices (n ≥ 2).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist


def z_value(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError("置信水平应在0与1之间")
    return NormalDist().inv_cdf((1 + confidence) / 2)


@dataclass(frozen=True)
class SamplePlan:
    z: float
    base: float  # z²·p(1−p)/e², before the design effect
    with_deff: float
    n: int  # rounded up


def sample_size(*, margin: float, confidence: float = 0.95, deff: float = 1.0, p: float = 0.5) -> SamplePlan:
    if not 0 < margin < 1:
        raise ValueError("允许误差应在0与1之间（如0.05）")
    if deff < 1:
        raise ValueError("设计效应不应小于1")
    if not 0 < p < 1:
        raise ValueError("预期比例应在0与1之间")
    z = z_value(confidence)
    base = z * z * p * (1 - p) / (margin * margin)
    with_deff = base * deff
    # round() first guards against 537.0000000001-style float noise turning into an extra respondent
    return SamplePlan(z=z, base=base, with_deff=with_deff, n=math.ceil(round(with_deff, 6)))


def item_score(x: int, k: int) -> float:
    return (x - 1) / (k - 1) * 100


def response_index(scores: dict[str, int | None], structure: dict[str, tuple[float, dict[str, float]]],
                   k: int) -> tuple[float | None, dict[str, float]]:
    """(index, {dimension: score}) for one response. ``structure`` = {dimension: (weight, {item: weight})}."""
    dims: dict[str, float] = {}
    for dim, (_, items) in structure.items():
        answered = [(w, item_score(scores[i], k)) for i, w in items.items() if scores.get(i) is not None]
        total = sum(w for w, _ in answered)
        if answered and total > 0:
            dims[dim] = sum(w * s for w, s in answered) / total
    total = sum(structure[d][0] for d in dims)
    if not dims or total <= 0:
        return None, dims
    return sum(structure[d][0] * s for d, s in dims.items()) / total, dims


@dataclass(frozen=True)
class Estimate:
    n: int
    mean: float | None
    margin: float | None

    def as_dict(self) -> dict:
        return {"n": self.n, "index": None if self.mean is None else round(self.mean, 1),
                "margin": None if self.margin is None else round(self.margin, 1)}


def estimate(values: list[float], *, z: float, deff: float) -> Estimate:
    n = len(values)
    if n == 0:
        return Estimate(0, None, None)
    mean = sum(values) / n
    if n < 2:
        return Estimate(n, mean, None)
    variance = sum((v - mean) ** 2 for v in values) / (n - 1)
    return Estimate(n, mean, z * math.sqrt(deff * variance / n))
