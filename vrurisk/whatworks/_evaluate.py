"""``evaluate_programme``: the three estimates side by side, with what they can and cannot say."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd

from vrurisk.data import Dataset
from vrurisk.features import OutcomeConfig
from vrurisk.whatworks._estimates import (
    EffectEstimate,
    doubly_robust,
    naive_difference,
    regression_discontinuity,
)
from vrurisk.whatworks._sample import build_sample

METHODS = ("regression_discontinuity", "doubly_robust", "naive")


@dataclass
class ProgrammeEvaluation:
    """The evaluation of one programme: estimates, balance, RD plot data and plain findings.

    ``rows`` is the evaluation sample (one row per person per closed list) the estimates rest
    on; it holds person ids and is never written to reports or tracking.
    """

    programme: str
    outcome: dict
    horizon_days: int
    estimates: list[EffectEstimate]
    balance: pd.DataFrame
    rd_plot: dict
    sample: dict
    findings: dict
    seconds: float = 0.0
    extraction_date: str = ""
    warnings: list[str] = field(default_factory=list)
    rows: pd.DataFrame | None = field(default=None, repr=False)

    def estimate(self, method: str) -> EffectEstimate:
        """The estimate of ``method`` (one of :data:`METHODS`)."""
        return next(e for e in self.estimates if e.method == method)

    def to_dict(self) -> dict:
        """JSON-safe: ``{"programme", "estimates": [{"method", "estimate", ...}], ...}``."""
        return {
            "programme": self.programme,
            "outcome": self.outcome,
            "horizon_days": self.horizon_days,
            "effect_scale": "risk difference in the outcome within the horizon (negative = fewer "
            "people with the outcome); risk_ratio beside it",
            "estimates": [e.to_dict() for e in self.estimates],
            "balance": [
                {k: _float(v) for k, v in row.items()}
                for row in self.balance.to_dict(orient="records")
            ],
            "sample": self.sample,
            "rd_plot": self.rd_plot,
            "findings": self.findings,
            "warnings": self.warnings,
            "extraction_date": self.extraction_date,
            "seconds": round(self.seconds, 2),
        }


def _float(value):
    return value if isinstance(value, str) else (None if pd.isna(value) else float(value))


def evaluate_programme(
    dataset: Dataset,
    programme: str,
    outcome: OutcomeConfig | None = None,
    *,
    seed: int = 0,
    referral_window_days: int = 31,
) -> ProgrammeEvaluation:
    """Estimate a programme's effect on the outcome three ways: RD, doubly robust and naive.

    Parameters
    ----------
    dataset : Dataset
        With ``interventions`` and ``lists`` tables (the lists the panel saw).
    programme : str
        A value of ``interventions.programme``.
    outcome : OutcomeConfig, optional
        The outcome and its horizon (default: serious violence as suspect or victim, 365 days).
        Only lists whose horizon closed by the extraction date are used.
    seed : int
        Seed of the cross-fitting folds and models.
    referral_window_days : int
        A person counts as referred from a list if they started the programme within this
        many days of its date.

    Returns
    -------
    ProgrammeEvaluation

    Examples
    --------
    >>> from vrurisk.data import simulate_population
    >>> from vrurisk.whatworks import evaluate_programme
    >>> pop = simulate_population(4000, seed=3, years=4, interventions=True)
    >>> result = evaluate_programme(pop.dataset, "mentoring")
    >>> [e.method for e in result.estimates]
    ['regression_discontinuity', 'doubly_robust', 'naive']
    """
    started = time.perf_counter()
    outcome = outcome or OutcomeConfig()
    sample = build_sample(dataset, programme, outcome, referral_window_days=referral_window_days)
    rd, plot = regression_discontinuity(sample)
    dr, balance = doubly_robust(sample, seed=seed)
    naive = naive_difference(sample)
    estimates = [rd, dr, naive]
    warnings = _warnings(sample.counts, rd, dr)
    return ProgrammeEvaluation(
        programme=programme,
        outcome={
            "event_types": list(outcome.event_types),
            "roles": None if outcome.roles is None else list(outcome.roles),
        },
        horizon_days=int(outcome.horizon_days),
        estimates=estimates,
        balance=balance,
        rd_plot=plot,
        sample=sample.counts,
        findings=_findings(estimates, sample.counts),
        seconds=time.perf_counter() - started,
        extraction_date=str(dataset.extraction_date.date()),
        warnings=warnings,
        rows=sample.rows,
    )


def _pct(value: float) -> str:
    return f"{100 * value:+.1f} percentage points"


def _warnings(counts: dict, rd: EffectEstimate, dr: EffectEstimate) -> list[str]:
    out = []
    if counts["lists_not_closed"]:
        out.append(
            f"{counts['lists_not_closed']} recent list(s) are left out: their outcome window has "
            "not closed yet."
        )
    if counts["referrals_outside_lists"]:
        out.append(
            f"{counts['referrals_outside_lists']} referral(s) did not come from a list "
            "(another agency, or more than the referral window after the list): no estimate "
            "here covers them."
        )
    if counts["controls_referred_later"]:
        out.append(
            f"{counts['controls_referred_later']} listed people not referred at the time "
            "started the programme later within the outcome window; they count as not "
            "referred, which pulls every estimate towards zero."
        )
    if counts["rows_already_referred"]:
        out.append(
            f"{counts['rows_already_referred']} list row(s) of people who had already started "
            "the programme are left out."
        )
    density = rd.details["density_test"]
    if density["manipulation_flag"]:
        out.append(
            f"The density of scores jumps at the cut-off (p = {density['p_value']:.3f}): scores "
            "may have been nudged across it. Read this as a prompt to look, not as proof: a "
            "lumpy score (a few weighted events) has steps in its density that the test "
            "cannot tell from a nudge; on synthetic lists where nobody nudged anything it "
            "flagged 16 of 40 populations (benchmarks/what_works.py)."
        )
    first = rd.details["first_stage"]
    if first["ci_low"] <= 0:
        out.append(
            "Making the list did not clearly raise the chance of referral, so the regression "
            "discontinuity has nothing to work with."
        )
    if dr.details["max_abs_smd_after"] > 0.1:
        out.append(
            f"After weighting, a feature still differs by {dr.details['max_abs_smd_after']:.2f} "
            "standard deviations between referred and not: the doubly robust estimate leans "
            "on its outcome model."
        )
    if dr.details["propensity_capped"]:
        out.append(
            f"{dr.details['propensity_capped']} row(s) had a modelled chance of referral above "
            "0.95 (capped): some referred people have hardly any unreferred counterparts."
        )
    return out


def _findings(estimates: list[EffectEstimate], counts: dict) -> dict:
    """What the evidence can and cannot say, in plain words."""
    can, cannot = [], []
    for e in estimates:
        if e.biased:
            continue
        name = e.label.split(" (")[0]
        if e.ci_high < 0:
            can.append(
                f"{name}: the programme reduced the outcome (estimate {_pct(e.estimate)}, 95% "
                f"interval {_pct(e.ci_low)} to {_pct(e.ci_high)}), if its assumptions hold."
            )
        elif e.ci_low > 0:
            can.append(
                f"{name}: the outcome was more common among the referred than without the "
                f"programme (estimate {_pct(e.estimate)}, 95% interval {_pct(e.ci_low)} to "
                f"{_pct(e.ci_high)}), if its assumptions hold."
            )
        else:
            cannot.append(
                f"{name}: cannot tell whether the programme helped, harmed or did nothing: the "
                f"interval runs from {_pct(e.ci_low)} to {_pct(e.ci_high)}. With this much data "
                f"it would find an effect of about {100 * e.minimum_detectable_effect:.1f} "
                "percentage points 80% of the time."
            )
    naive = next(e for e in estimates if e.biased)
    cannot.append(
        f"The naive difference ({_pct(naive.estimate)}) says nothing about the programme: the "
        "referred were chosen for being at higher risk."
    )
    cannot.append(
        "Nothing here covers people referred from outside the lists, other outcomes or effects "
        "beyond the horizon; the regression discontinuity speaks only for people near the "
        "cut-off."
    )
    return {"can_say": can, "cannot_say": cannot}
