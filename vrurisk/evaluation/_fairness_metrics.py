"""Group rates, operating points and the stratified bootstrap behind the bias audit.

Groups are disaggregated by fairlearn's :class:`~fairlearn.metrics.MetricFrame`, with one metric
of our own returning a group's confusion counts; rates are derived from those counts so that a
rate whose denominator is empty is ``NaN`` (fairlearn's ``false_positive_rate`` returns 0.0 for a
group without negatives, which would read as "no false positives" in a report).

Intervals hold the list fixed (who is flagged does not change between draws) and treat groups
as independent. Every rate in the audit is a share ``x / d`` of one group's 2x2 table of
(flagged, outcome) counts; we draw it from ``Beta(x + 1/2, d - x + 1/2)`` (the Bayesian bootstrap
of a proportion with Jeffreys' prior), whose percentile interval is the Jeffreys interval: good
coverage even for small groups and, unlike the resampling bootstrap, not collapsed to a point
when a group has no events. A ratio's interval comes from the ratio of the two groups' draws.
fairlearn's own bootstrap (``MetricFrame(n_boot=...)``) resamples the whole table, has no
ratio against a chosen reference group and takes seconds per attribute, so it is not used.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame

from vrurisk.evaluation._fairness_rates import (  # noqa: F401 - the audit's names for them
    DISPARITY_METRICS,
    FAIRNESS_RATES,
    OUTCOME_METRICS,
    RATE_DENOMINATORS,
)


@dataclass(frozen=True)
class OperatingPoint:
    """Which people count as flagged: the top ``k`` scores, scores >= a threshold, or a column."""

    kind: str  # "top_k" | "threshold" | "flag"
    value: int | float | tuple[str, ...] | None
    column: str

    @property
    def name(self) -> str:
        if self.kind == "top_k":
            return f"top {self.value}"
        if self.kind == "threshold":
            return f"{self.column} >= {self.value:g}"
        if self.value:
            return f"{self.column} in {{{', '.join(self.value)}}}"
        return f"{self.column} flagged"

    def to_dict(self) -> dict:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"name": self.name, "kind": self.kind, "value": value, "column": self.column}


def top_k_flags(scores: np.ndarray, k: int, *, seed: int = 0) -> np.ndarray:
    """Flag the ``k`` highest scores; ties at the boundary are broken by a seeded shuffle.

    A seeded shuffle (rather than row order) keeps the choice among equal scores deterministic
    yet unrelated to how the table happens to be sorted, which could follow a sensitive column.

    Examples
    --------
    >>> top_k_flags(np.array([0.1, 0.9, 0.5, 0.9]), 2).tolist()
    [False, True, False, True]
    """
    scores = np.asarray(scores, dtype=float)
    k = min(int(k), len(scores))
    tiebreak = np.random.default_rng(seed).permutation(len(scores))
    order = np.lexsort((tiebreak, -scores))
    flags = np.zeros(len(scores), dtype=bool)
    flags[order[:k]] = True
    return flags


def operating_point_flags(point: OperatingPoint, frame: pd.DataFrame, scores, *, seed: int):
    """Boolean flags of ``frame``'s rows at ``point`` (``scores`` already validated numeric)."""
    if point.kind == "top_k":
        return top_k_flags(scores, point.value, seed=seed)
    if point.kind == "threshold":
        return np.asarray(scores, dtype=float) >= point.value
    column = frame[point.column]
    if point.value:
        return column.astype("string").isin(point.value).fillna(False).to_numpy(dtype=bool)
    return column.to_numpy(dtype=bool)


CELLS = ("tp", "fp", "fn", "tn")


def confusion_counts(y_true, y_pred, score) -> np.ndarray:
    """``[tp, fp, fn, tn]`` per operating point (columns of ``y_pred``), then the score sum.

    This is the one metric MetricFrame disaggregates: fairlearn stacks every argument element
    by element on each metric call, so one call returning every count for every operating point
    is far faster than one metric per rate.
    """
    truth = np.asarray(y_true, dtype=bool)[:, None]
    flags = np.asarray(y_pred, dtype=bool).reshape(len(truth), -1)
    cells = np.stack(
        [
            (flags & truth).sum(axis=0),
            (flags & ~truth).sum(axis=0),
            (~flags & truth).sum(axis=0),
            (~flags & ~truth).sum(axis=0),
        ],
        axis=1,
    )
    return np.concatenate([cells.ravel(), [np.sum(score)]]).astype(float)


def rates_from_counts(counts) -> dict[str, float]:
    """Group size, rates and mean score from ``tp, fp, fn, tn, score_sum`` (NaN if 0/0)."""
    tp, fp, fn, tn, score_sum = (float(c) for c in counts)
    n = tp + fp + fn + tn
    rates = {rate.name: rate.value(tp=tp, fp=fp, fn=fn, tn=tn) for rate in FAIRNESS_RATES}
    return {"n": int(n), **rates, "mean_score": score_sum / n if n else float("nan")}


def disaggregated_counts(sensitive: pd.DataFrame, flags, labels=None, scores=None) -> pd.DataFrame:
    """Confusion counts per cell of the full intersection of ``sensitive``, per operating point.

    fairlearn's MetricFrame disaggregates once over every combination of the sensitive columns;
    counts add up, so any attribute or coarser intersection is a sum of these cells
    (:func:`group_cells`). ``flags`` is ``(n_rows, n_points)``; without ``labels`` (a current
    list) everyone counts as a negative. Returns one row per cell, columns ``(point, cell)`` and
    ``score_sum``.
    """
    flags = np.asarray(flags, dtype=int).reshape(len(sensitive), -1)
    n = len(flags)
    y_true = np.zeros(n, dtype=int) if labels is None else np.asarray(labels, dtype=int)
    scores = np.zeros(n) if scores is None else np.nan_to_num(np.asarray(scores, dtype=float))
    frame = MetricFrame(
        metrics={"counts": confusion_counts},
        y_true=y_true,
        y_pred=flags,
        sensitive_features=sensitive.reset_index(drop=True),
        sample_params={"counts": {"score": scores}},
    )
    by_cell = frame.by_group["counts"].dropna()
    columns = pd.MultiIndex.from_product([range(flags.shape[1]), CELLS])
    table = pd.DataFrame(
        [np.asarray(v)[:-1] for v in by_cell], index=by_cell.index, columns=columns
    )
    table[("score_sum", "sum")] = [np.asarray(v)[-1] for v in by_cell]
    return table


def group_cells(counts: pd.DataFrame, columns: list[str], point: int, separator: str):
    """``tp, fp, fn, tn, score_sum`` per group of ``columns`` at operating point ``point``."""
    cells = counts[point].copy()
    cells["score_sum"] = counts[("score_sum", "sum")].to_numpy()
    cells.columns = [*CELLS, "score_sum"]
    cells = cells.groupby(level=columns, sort=True).sum()
    if len(columns) > 1:
        cells.index = [separator.join(map(str, key)) for key in cells.index]
    cells.index = cells.index.astype(str)
    cells[list(CELLS)] = cells[list(CELLS)].astype(np.int64)
    return cells


def rates_by_group(cells: pd.DataFrame) -> pd.DataFrame:
    """Rates per group (rows) from :func:`group_cells`."""
    return pd.DataFrame.from_dict(
        {group: rates_from_counts(row) for group, row in cells.iterrows()}, orient="index"
    )


def denominators(cells: pd.Series) -> dict[str, int]:
    """The denominator of each rate for one group's cell counts."""
    tp, fp, fn, tn = (int(cells[c]) for c in CELLS)
    return {"n": tp + fp + fn + tn, "negatives": fp + tn, "positives": tp + fn, "flagged": tp + fp}


def bootstrap_rates(cells: pd.Series, n_samples: int, *, seed: int, key: str) -> dict:
    """Draws of every rate for one group, from its cell counts (Jeffreys Bayesian bootstrap).

    Each rate ``x / d`` is drawn from ``Beta(x + 1/2, d - x + 1/2)``. A rate with no events
    (``x = 0``) still gets an honest interval, where the resampling bootstrap collapses to
    ``[0, 0]`` and would flag a 0/25 false positive rate as a certain disparity. Rates whose
    denominator is zero are NaN. ``key`` names the group (and operating point) so each group
    gets its own reproducible stream whatever other groups exist.
    """
    counts = tuple(int(cells[c]) for c in ("tp", "fp", "fn", "tn"))
    rng = np.random.default_rng([seed, zlib.crc32(key.encode("utf-8"))])
    draws = {}
    for rate in FAIRNESS_RATES:
        events, others = rate.events(*counts), rate.others(*counts)
        if events + others == 0:
            draws[rate.name] = np.full(n_samples, np.nan)
        else:
            draws[rate.name] = rng.beta(events + 0.5, others + 0.5, size=n_samples)
    return draws


def percentile_interval(draws: np.ndarray, level: float) -> tuple[float, float]:
    """Percentile interval of bootstrap draws, ignoring undefined (NaN) draws."""
    draws = np.asarray(draws, dtype=float)
    draws = draws[~np.isnan(draws)]
    if draws.size == 0:
        return float("nan"), float("nan")
    tail = (1 - level) / 2
    # Interpolating between two infinite draws gives NaN: quantile finite stand-ins instead.
    finite = np.where(np.isinf(draws), np.sign(draws) * _HUGE, draws)
    low, high = np.quantile(finite, [tail, 1 - tail])
    return _restore_inf(low), _restore_inf(high)


_HUGE = 1e300


def _restore_inf(value: float) -> float:
    return float(np.sign(value) * np.inf) if abs(value) >= _HUGE / 2 else float(value)


def ratio_draws(group_draws: np.ndarray, reference_draws: np.ndarray) -> np.ndarray:
    """Elementwise ratio of two groups' independent draws (x/0 is inf, 0/0 is NaN)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(group_draws, dtype=float) / np.asarray(reference_draws, dtype=float)
