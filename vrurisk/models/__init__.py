"""Estimators, baselines, calibration, temporal cross-validation and training from a config."""

from vrurisk.models._baseline import RiskFactorCountClassifier
from vrurisk.models._risk_model import CALIBRATION_METHODS, RiskModel, fit_risk_model
from vrurisk.models._specs import KINDS, ModelSpec, build_model_specs
from vrurisk.models._splits import TemporalSplit, refit_split, temporal_splits

__all__ = [
    "CALIBRATION_METHODS",
    "KINDS",
    "ModelSpec",
    "RiskFactorCountClassifier",
    "RiskModel",
    "TemporalSplit",
    "TrainingResult",
    "build_model_specs",
    "fit_risk_model",
    "refit_split",
    "temporal_splits",
    "train_experiment",
]


def __getattr__(name):
    # Training pulls in the config and feature builders; load it on first use so that
    # ``vrurisk.config`` can import the model specs without a cycle.
    if name in ("train_experiment", "TrainingResult"):
        from vrurisk.models import _train

        return getattr(_train, name)
    raise AttributeError(f"module 'vrurisk.models' has no attribute {name!r}")
