"""Estimators, baselines, calibration, temporal cross-validation and training from a config."""

from vrurisk.models._baseline import RiskFactorCountClassifier
from vrurisk.models._splits import TemporalSplit, refit_split, temporal_splits

__all__ = [
    "RiskFactorCountClassifier",
    "TemporalSplit",
    "refit_split",
    "temporal_splits",
]
