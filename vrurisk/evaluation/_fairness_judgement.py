"""How a disparity ratio is judged: simultaneous intervals, the expected-count rule, power.

Every rate in the audit is a share ``x / d`` of one group; its uncertainty is the Jeffreys
distribution ``Beta(x + 1/2, d - x + 1/2)`` (see :mod:`._fairness_metrics`). The ratio of a
group's rate to its reference's is the ratio ``R = B1 / B2`` of two independent such Betas, whose
distribution function has no closed form but is one smooth integral::

    P(R <= c) = P(B1 <= c * B2) = integral over u in (0, 1) of F1(c * F2^-1(u)) du

computed here by quadrature on nodes that crowd the ends of ``(0, 1)`` (the tails matter: an
audit of 50 comparisons needs the 0.05% quantiles). Exact quantiles let the audit use
*simultaneous* intervals: with ``m`` judged comparisons, each interval has coverage
``1 - alpha / m`` (Bonferroni), so the chance that *any* interval misses its true ratio, and
hence that any equal-rate comparison is flagged, is at most ``alpha`` across the whole audit.

A comparison is judged only if the 2x2 table (group and reference, events and non-events) has
at least ``min_expected`` cases expected in each cell if the two groups shared one rate: below
that, no ratio can be told apart from chance and a verdict would be noise.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import brentq
from scipy.special import betainc, betaincinv

if TYPE_CHECKING:
    from vrurisk.evaluation._fairness_config import FairnessConfig

_NODES = 256
_S = (np.arange(_NODES) + 0.5) / _NODES
#: Quadrature in u = (1 - cos(pi s)) / 2: nodes crowd both ends of (0, 1), where tails live.
_U = (1.0 - np.cos(np.pi * _S)) / 2.0
_W = (np.pi / 2.0) * np.sin(np.pi * _S) / _NODES
_LOG_LIMIT = math.log(1e6)


def jeffreys(events: float, total: float) -> tuple[float, float]:
    """Beta parameters of the Jeffreys distribution of the share ``events / total``."""
    return events + 0.5, total - events + 0.5


@lru_cache(maxsize=4096)
def _quantile_nodes(a: float, b: float) -> np.ndarray:
    """``F^-1(u)`` of ``Beta(a, b)`` at the quadrature nodes (cached: references repeat)."""
    nodes = betaincinv(a, b, _U)
    nodes.setflags(write=False)
    return nodes


class RatioDistribution:
    """The distribution of ``B1 / B2`` for independent ``B1 ~ Beta(a1, b1)``, ``B2 ~ Beta(a2, b2)``.

    Examples
    --------
    >>> ratio = RatioDistribution(*jeffreys(30, 100), *jeffreys(15, 100))
    >>> round(ratio.cdf(1.0), 4)
    0.0053
    >>> low, high = ratio.interval(0.95)
    >>> bool(1.1 < low < 2.0 < high < 3.6)
    True
    """

    def __init__(self, a1: float, b1: float, a2: float, b2: float) -> None:
        self.a1, self.b1 = a1, b1
        self._reference = _quantile_nodes(float(a2), float(b2))

    def cdf(self, c: float) -> float:
        """``P(B1 / B2 <= c)``."""
        if c <= 0:
            return 0.0
        x = np.minimum(c * self._reference, 1.0)
        return float(np.clip(np.sum(_W * betainc(self.a1, self.b1, x)), 0.0, 1.0))

    def interval(self, level: float) -> tuple[float, float]:
        """Equal-tailed interval with coverage ``level`` (0 or inf beyond a millionfold ratio).

        A coarse grid of log-ratios brackets each quantile; a root finder then solves
        ``cdf = q`` to within 0.01% of the ratio.
        """
        tail = (1.0 - level) / 2.0
        x = np.minimum(_GRID[:, None] * self._reference[None, :], 1.0)
        cdf = np.maximum.accumulate(np.clip(betainc(self.a1, self.b1, x) @ _W, 0.0, 1.0))
        return self._quantile(cdf, tail), self._quantile(cdf, 1.0 - tail)

    def _quantile(self, cdf: np.ndarray, q: float) -> float:
        if cdf[0] >= q:
            return 0.0
        if cdf[-1] <= q:
            return math.inf
        i = int(np.searchsorted(cdf, q, side="left"))  # cdf[i - 1] < q <= cdf[i]
        root = brentq(
            lambda z: self.cdf(math.exp(z)) - q, _LOG_GRID[i - 1], _LOG_GRID[i], xtol=1e-4
        )
        return math.exp(root)


_LOG_GRID = np.linspace(-_LOG_LIMIT, _LOG_LIMIT, 29)
_GRID = np.exp(_LOG_GRID)


def simultaneous_level(ci_level: float, n_comparisons: int) -> float:
    """Per-comparison coverage giving ``ci_level`` jointly over ``n_comparisons`` (Bonferroni)."""
    return 1.0 - (1.0 - ci_level) / max(int(n_comparisons), 1)


def too_few_expected(
    events: float, total: float, ref_events: float, ref_total: float, minimum: float
) -> bool:
    """True if a cell of the group-by-outcome 2x2 table expects fewer than ``minimum`` cases.

    The expectation is under no disparity: both groups at their pooled rate.
    """
    pooled = (events + ref_events) / (total + ref_total)
    expected = [total * pooled, total * (1 - pooled), ref_total * pooled, ref_total * (1 - pooled)]
    return min(expected) < minimum


def _margin(group_rate, total, ref_events, ref_total, band_high, level) -> float:
    """``P(ratio <= band_high) - tail``: negative when a group at ``group_rate`` is flagged."""
    events = min(group_rate * total, total)
    ratio = RatioDistribution(*jeffreys(events, total), *jeffreys(ref_events, ref_total))
    return ratio.cdf(band_high) - (1.0 - level) / 2.0


def flaggable(
    group_rate: float,
    total: float,
    ref_events: float,
    ref_total: float,
    band_high: float,
    level: float,
) -> bool:
    """Would a group at ``group_rate`` (of ``total``) be flagged above ``band_high``?"""
    return _margin(group_rate, total, ref_events, ref_total, band_high, level) < 0


def smallest_flaggable_ratio(
    total: float, ref_events: float, ref_total: float, band_high: float, level: float
) -> float:
    """The smallest ratio above the band that would be flagged had it been observed.

    The group keeps its denominator ``total`` and the reference its observed rate; the group's
    rate is set to ``ratio * reference rate`` and the interval at ``level`` must clear
    ``band_high``. ``inf`` if even a group rate of 100% would not be flagged.
    """
    if ref_total <= 0 or total <= 0 or ref_events <= 0:
        return math.inf
    ref_rate = ref_events / ref_total
    args = (total, ref_events, ref_total, band_high, level)
    if not flaggable(1.0, *args):
        return math.inf
    if flaggable(band_high * ref_rate, *args):
        return band_high
    return brentq(lambda r: _margin(r * ref_rate, *args), band_high, 1.0 / ref_rate, xtol=1e-3)


def lists_to_pool(
    ratio: float,
    total: float,
    ref_events: float,
    ref_total: float,
    band_high: float,
    level: float,
    *,
    most: int = 60,
) -> int | None:
    """How many lists like this one must be pooled for ``ratio`` to be flaggable (None: > most).

    Pooling ``n`` lists multiplies every count by ``n`` (lists of the same size and make-up).
    """
    if ref_total <= 0 or total <= 0 or ref_events <= 0:
        return None
    rate = ratio * ref_events / ref_total

    def enough(n: int) -> bool:
        return flaggable(rate, n * total, n * ref_events, n * ref_total, band_high, level)

    if not enough(most):
        return None
    low, high = 1, most
    while low < high:
        middle = (low + high) // 2
        if enough(middle):
            high = middle
        else:
            low = middle + 1
    return low


#: Verdicts given before any interval is looked at, in the order they are checked.
UNJUDGED = ("degenerate", "small group", "too few to judge", "too few expected", "not computable")


def judge_disparities(
    rows: list[dict], config: FairnessConfig, degenerate: dict[str, list[str]]
) -> dict:
    """Give every comparison of an audit its verdict, interval and power, all at once.

    ``rows`` are disparity rows (mutated in place). Comparisons that pass the size rules
    form the audit-wide family of ``m`` judged comparisons; each gets the interval whose
    coverage is ``1 - (1 - ci_level) / m``. Returns what was controlled, for the report.
    """
    band_low, band_high = config.disparity_band
    for row in rows:
        row["verdict"] = _pre_verdict(row, config, degenerate)
    judged = [r for r in rows if r["verdict"] is None]
    level = simultaneous_level(config.ci_level, len(judged))
    for row in rows:
        row["ci_low"], row["ci_high"] = math.nan, math.nan
        row["smallest_flaggable_ratio"], row["lists_to_pool"] = math.nan, None
        row["flaggable"] = None
        if row["verdict"] == "degenerate" or not row["denominator"]:
            continue
        if not row["reference_denominator"]:
            continue
        ratio = RatioDistribution(
            *jeffreys(row["events"], row["denominator"]),
            *jeffreys(row["reference_events"], row["reference_denominator"]),
        )
        row["ci_low"], row["ci_high"] = ratio.interval(level)
        if row["verdict"] != "not computable":
            args = (row["reference_events"], row["reference_denominator"], band_high, level)
            row["smallest_flaggable_ratio"] = smallest_flaggable_ratio(row["denominator"], *args)
            row["flaggable"] = math.isfinite(row["smallest_flaggable_ratio"])
            if row["metric"] != "selection_rate":
                continue  # the board's power statement is about who is selected
            if row["smallest_flaggable_ratio"] > config.power_ratio:
                row["lists_to_pool"] = lists_to_pool(config.power_ratio, row["denominator"], *args)
            else:
                row["lists_to_pool"] = 1
    for row in judged:
        low, high = row["ci_low"], row["ci_high"]
        if high < band_low or low > band_high:
            row["verdict"] = "flagged"
        elif low >= band_low and high <= band_high:
            row["verdict"] = "within band"
        else:
            row["verdict"] = "inconclusive"
    return {
        "method": "Bonferroni simultaneous intervals",
        "joint_level": config.ci_level,
        "n_judged": len(judged),
        "per_comparison_level": level,
        "min_expected": config.min_expected,
    }


def _pre_verdict(row: dict, config: FairnessConfig, degenerate: dict[str, list[str]]) -> str | None:
    if degenerate.get(row["operating_point"]):
        return "degenerate"
    if row["small_group"]:
        return "small group"
    if min(row["denominator"], row["reference_denominator"]) < config.min_denominator:
        return "too few to judge"
    args = (row["events"], row["denominator"], row["reference_events"])
    if too_few_expected(*args, row["reference_denominator"], config.min_expected):
        return "too few expected"
    ratio = row["ratio"]
    if math.isnan(ratio) or math.isinf(ratio):
        return "not computable"
    return None


def power_summary(disparities, points, config: FairnessConfig) -> list[dict]:
    """Per operating point: what selection-rate disparity it could have flagged, in words.

    The smallest flaggable ratio of a comparison is the ratio that, observed with these group
    sizes and this reference rate, would have had its simultaneous interval clear the band.
    """
    target = config.power_ratio
    out = []
    for point in points:
        rows = disparities[
            (disparities["operating_point"] == point.name)
            & (disparities["metric"] == "selection_rate")
            & (disparities["verdict"] != "degenerate")
        ]
        entry = {"operating_point": point.name, "power_ratio": target, "metric": "selection_rate"}
        if rows.empty:
            entry["sentence"] = (
                f"At {point.name} nothing could be judged, so nothing could be seen."
            )
            out.append(entry)
            continue
        ratios = rows["smallest_flaggable_ratio"].astype(float)
        blind = rows[~(ratios <= target)]
        pools = [p for p in rows["lists_to_pool"] if p is not None and not _isnan(p)]
        never = int(sum(p is None or _isnan(p) for p in rows["lists_to_pool"]))
        entry.update(
            n_compared=len(rows),
            n_blind=len(blind),
            smallest=_extreme(rows, ratios, min),
            largest=_extreme(rows, ratios, max),
            lists_to_pool=int(max(pools)) if pools and not never else None,
            n_never=never,
        )
        entry["sentence"] = _power_sentence(point.name, entry, target)
        out.append(entry)
    return out


def _isnan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _extreme(rows, ratios, pick) -> dict | None:
    finite = ratios[np.isfinite(ratios)]
    if finite.empty:
        return None
    index = finite.idxmin() if pick is min else finite.idxmax()
    row = rows.loc[index]
    return {
        "ratio": float(finite[index]),
        "comparison": f"{row['attribute']} = {row['group']} vs {row['reference']}",
    }


def _times(value: float) -> str:
    return f"{value:.1f}x"


def _power_sentence(name: str, entry: dict, target: float) -> str:
    n, blind = entry["n_compared"], entry["n_blind"]
    low, high = entry["smallest"], entry["largest"]
    if low is None:
        reach = "no selection-rate disparity of any size could have been flagged"
    elif low["ratio"] == high["ratio"]:
        reach = (
            "the smallest selection-rate disparity this audit could have flagged was "
            f"{_times(low['ratio'])} ({low['comparison']})"
        )
    else:
        reach = (
            "the smallest selection-rate disparity this audit could have flagged was "
            f"{_times(low['ratio'])} for {low['comparison']} and as much as "
            f"{_times(high['ratio'])} for {high['comparison']}"
        )
    if blind == 0:
        return (
            f"At {name}, {reach}: a {_times(target)} selection-rate disparity would be flagged "
            f"for every one of the {n} groups compared."
        )
    sentence = (
        f"At {name}, {reach}: an inconclusive verdict here cannot see even a "
        f"{_times(target)} disparity ({blind} of the {n} groups compared)."
    )
    if entry["lists_to_pool"] is not None:
        sentence += (
            f" Pooling {entry['lists_to_pool']} lists of this size and make-up would let a "
            f"{_times(target)} selection-rate disparity be flagged for every group compared."
        )
    elif entry["n_never"] < n:
        sentence += (
            " Even pooling 60 lists of this size (five years of monthly lists) would leave "
            f"{entry['n_never']} of the {n} groups unable to show a {_times(target)} disparity."
        )
    else:
        sentence += (
            f" Even pooling 60 lists of this size would not show a {_times(target)} disparity."
        )
    return sentence
