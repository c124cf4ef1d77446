"""The risk-factor-count baseline: what forces' ad-hoc tools count, explained exactly."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from pydantic import Field

from vrurisk._errors import ModelError
from vrurisk._section import non_empty
from vrurisk.models.kinds._base import ModelKind, Section, as_array, decision_margin, split_pipeline

NO_BASELINE_WEIGHTS = (
    "the baseline estimator {name} is not a fitted RiskFactorCountClassifier; cannot explain it"
)

#: The baseline's default risk factors (event type and role) and weights: what forces' ad-hoc
#: tools typically count.
DEFAULT_RISK_FACTORS = {
    "serious_violence_suspect": 2.0,
    "serious_violence_victim": 1.0,
    "violence_suspect": 1.0,
    "violence_victim": 1.0,
    "knife_possession_suspect": 2.0,
    "drug_supply_suspect": 1.0,
    "custody_subject": 1.0,
    "missing_episode_subject": 1.0,
    "school_exclusion_subject": 1.0,
    "ae_assault_victim": 1.0,
    "social_care_referral_subject": 1.0,
    "domestic_abuse_subject": 1.0,
    "parental_imprisonment_subject": 1.0,
}


class BaselineConfig(Section):
    """The risk-factor-count baseline: ``factors`` maps ``<event_type>_<role>`` to a weight; a
    factor is present when the person has such an event in the last ``window_days``."""

    factors: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_RISK_FACTORS))
    window_days: int = Field(365, gt=0)

    _weights = non_empty("factors", "models.baseline.factors must name at least one risk factor")


class Baseline(ModelKind):
    """The risk-factor-count baseline, always trained beside the grid."""

    name = "baseline"
    grid = BaselineConfig
    units = "log-odds"
    always_trained = True

    def build(self, params: Mapping, seed: int, n_jobs: int):
        from vrurisk.models._baseline import RiskFactorCountClassifier

        return RiskFactorCountClassifier(**params)

    def explain(self, estimator, X: pd.DataFrame):
        """Exact: each present factor adds ``slope * weight`` to the link's log-odds."""
        transform, final = split_pipeline(estimator)
        try:
            index, weight = final.factor_index_, final.factor_weight_
            slope = float(np.ravel(final.link_.coef_)[0])
            intercept = float(np.ravel(final.link_.intercept_)[0])
        except AttributeError as exc:
            raise ModelError(NO_BASELINE_WEIGHTS.format(name=type(final).__name__)) from exc
        Z = as_array(transform(X))
        values = np.zeros_like(Z)
        values[:, index] = (Z[:, index] > final.threshold) * (
            slope * np.asarray(weight, dtype=float)
        )
        return values, intercept, "risk_factor_count"

    def margin(self, final, Z) -> np.ndarray:
        return decision_margin(final, Z)

    def matches(self, final) -> bool:
        return any(word in type(final).__name__ for word in ("RiskFactor", "Baseline"))

    def grid_values(self, section: BaselineConfig) -> dict[str, tuple]:
        return {"factors": (dict(section.factors),)}


BASELINE = Baseline()
