"""Estimators, baselines, calibration, temporal cross-validation and training from a config.

Names are imported on first use (see :mod:`vrurisk._lazy`), so ``vrurisk.config`` can validate
a config without loading scikit-learn or LightGBM until it builds the model specs.
"""

from vrurisk._lazy import lazy_exports

__all__ = [
    "CALIBRATION_METHODS",
    "KINDS",
    "CalibrationConfig",
    "ModelsConfig",
    "ModelSpec",
    "RiskFactorCountClassifier",
    "RiskModel",
    "ScoreComparison",
    "ScoreComparisonConfig",
    "TemporalConfig",
    "TemporalSplit",
    "TrainingResult",
    "build_model_specs",
    "build_models_config",
    "check_against_data",
    "compare_with_existing_score",
    "fit_risk_model",
    "held_out_model",
    "load_comparison_config",
    "plan_splits",
    "refit_split",
    "temporal_splits",
    "train_experiment",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "_baseline": ("RiskFactorCountClassifier",),
        "_models_config": ("CalibrationConfig", "ModelsConfig", "build_models_config"),
        "_risk_model": ("CALIBRATION_METHODS", "RiskModel", "fit_risk_model", "held_out_model"),
        "_specs": ("KINDS", "ModelSpec", "build_model_specs"),
        "_splits": ("TemporalSplit", "refit_split", "temporal_splits"),
        "_temporal": ("TemporalConfig", "check_against_data", "plan_splits"),
        "_tabular": (
            "ScoreComparison",
            "ScoreComparisonConfig",
            "compare_with_existing_score",
            "load_comparison_config",
        ),
        "_train": ("TrainingResult", "train_experiment"),
    },
    __all__,
)
