"""Estimators, baselines, calibration, temporal cross-validation and training from a config.

Names are imported on first use (see :mod:`vrurisk._lazy`), so ``vrurisk.config`` can validate
a config without loading scikit-learn or LightGBM until it builds the model specs.
"""

from vrurisk._lazy import lazy_exports

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

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "_baseline": ("RiskFactorCountClassifier",),
        "_risk_model": ("CALIBRATION_METHODS", "RiskModel", "fit_risk_model"),
        "_specs": ("KINDS", "ModelSpec", "build_model_specs"),
        "_splits": ("TemporalSplit", "refit_split", "temporal_splits"),
        "_train": ("TrainingResult", "train_experiment"),
    },
    __all__,
)
