"""The fairness-rate table: one row per rate the bias audit reports.

Each :class:`FairnessRate` says how the rate is computed from a group's confusion counts
(``tp, fp, fn, tn``; a rate is always ``events / (events + others)``), what it is a share of,
which direction is unfavourable to a group, and how a governance board reads it. The audit
(rates, intervals, disparities), its findings and the reports iterate :data:`FAIRNESS_RATES`;
adding a rate is one row here.

Examples
--------
>>> rate = FAIRNESS_RATE["false_positive_rate"]
>>> rate.value(tp=3, fp=2, fn=1, tn=8)
0.2
>>> [r.name for r in FAIRNESS_RATES if r.compared]
['selection_rate', 'false_positive_rate', 'false_negative_rate', 'precision']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

#: ``(tp, fp, fn, tn) -> count``.
Count = Callable[[int, int, int, int], int]


@dataclass(frozen=True)
class FairnessRate:
    """One rate of the bias audit.

    Parameters
    ----------
    name : str
        Column and metric name in the audit's tables.
    events, others : callable
        ``f(tp, fp, fn, tn)``: the numerator, and the rest of the denominator.
    denominator : str
        What the rate is a share of: ``"n"``, ``"negatives"``, ``"positives"`` or ``"flagged"``.
    worse_when : {"higher", "lower", None}
        Which direction is unfavourable to a group (``None``: context, not a property of the
        list).
    label, meaning : str
        The short name and what it is a share of, in a governance board's words.
    needs_outcome : bool
        Needs outcomes (a current-list audit takes it from the closed outcome window).
    compared : bool
        Compared between groups (disparity ratios against the reference group).
    """

    name: str
    events: Count
    others: Count
    denominator: Literal["n", "negatives", "positives", "flagged"]
    worse_when: Literal["higher", "lower"] | None
    label: str
    meaning: str
    needs_outcome: bool
    compared: bool

    def value(self, *, tp: int, fp: int, fn: int, tn: int) -> float:
        """The rate for these counts (NaN when its denominator is empty)."""
        events = self.events(tp, fp, fn, tn)
        total = events + self.others(tp, fp, fn, tn)
        return events / total if total else float("nan")


#: Every rate of the audit, in display order.
FAIRNESS_RATES: tuple[FairnessRate, ...] = (
    FairnessRate(
        "selection_rate",
        events=lambda tp, fp, fn, tn: tp + fp,
        others=lambda tp, fp, fn, tn: fn + tn,
        denominator="n",
        worse_when="higher",
        label="selection rate",
        meaning="the share of people who were flagged",
        needs_outcome=False,
        compared=True,
    ),
    FairnessRate(
        "false_positive_rate",
        events=lambda tp, fp, fn, tn: fp,
        others=lambda tp, fp, fn, tn: tn,
        denominator="negatives",
        worse_when="higher",
        label="false positive rate",
        meaning="the share of people without the outcome who were flagged",
        needs_outcome=True,
        compared=True,
    ),
    FairnessRate(
        "false_negative_rate",
        events=lambda tp, fp, fn, tn: fn,
        others=lambda tp, fp, fn, tn: tp,
        denominator="positives",
        worse_when="higher",
        label="false negative rate",
        meaning="the share of people with the outcome who were not flagged",
        needs_outcome=True,
        compared=True,
    ),
    FairnessRate(
        "precision",
        events=lambda tp, fp, fn, tn: tp,
        others=lambda tp, fp, fn, tn: fp,
        denominator="flagged",
        worse_when="lower",
        label="precision",
        meaning="the share of flagged people who had the outcome",
        needs_outcome=True,
        compared=True,
    ),
    FairnessRate(
        "base_rate",
        events=lambda tp, fp, fn, tn: tp + fn,
        others=lambda tp, fp, fn, tn: fp + tn,
        denominator="n",
        worse_when=None,
        label="outcome rate",
        meaning="the share of people who had the outcome",
        needs_outcome=True,
        compared=False,
    ),
)
#: The rates by name.
FAIRNESS_RATE: dict[str, FairnessRate] = {rate.name: rate for rate in FAIRNESS_RATES}

#: What each rate is a share of (views of the table, kept for the audit's column logic).
RATE_DENOMINATORS = {rate.name: rate.denominator for rate in FAIRNESS_RATES}
#: Rates compared between groups (base rate is context, not a property of the list).
DISPARITY_METRICS = tuple(rate.name for rate in FAIRNESS_RATES if rate.compared)
#: Rates that need outcomes (they come from the closed outcome window in a current-list audit).
OUTCOME_METRICS = tuple(rate.name for rate in FAIRNESS_RATES if rate.needs_outcome)
#: Short names and meanings of the rates, in the words a board would use.
METRIC_LABELS = {rate.name: rate.label for rate in FAIRNESS_RATES}
METRIC_MEANINGS = {rate.name: rate.meaning for rate in FAIRNESS_RATES}
