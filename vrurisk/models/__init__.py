"""Estimators, baselines, calibration, temporal cross-validation and training from a config.

Names are imported on first use (see :mod:`vrurisk._lazy`), so ``vrurisk.config`` can validate
a config without loading scikit-learn or LightGBM until it builds the model specs.
"""

from typing import TYPE_CHECKING

from vrurisk._lazy import lazy_exports

if TYPE_CHECKING:  # the lazy exports, typed for editors and type checkers
    from vrurisk.models._baseline import RiskFactorCountClassifier
    from vrurisk.models._models_config import CalibrationConfig, ModelsConfig, build_models_config
    from vrurisk.models._risk_model import (
        CALIBRATION_METHODS,
        RiskModel,
        check_training_outcomes,
        describe_dates,
        fit_risk_model,
        held_out_model,
        out_of_training_range,
    )
    from vrurisk.models._specs import KINDS, ModelSpec, build_model_specs
    from vrurisk.models._splits import TemporalSplit, refit_split, temporal_splits
    from vrurisk.models._tabular import (
        ScoreComparison,
        ScoreComparisonConfig,
        compare_with_existing_score,
        load_comparison_config,
    )
    from vrurisk.models._temporal import TemporalConfig, check_against_data, plan_splits
    from vrurisk.models._train import TrainingResult, selection_note, train_experiment

__all__ = [
    "CALIBRATION_METHODS",
    "KINDS",
    "CalibrationConfig",
    "ModelSpec",
    "ModelsConfig",
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
    "check_training_outcomes",
    "compare_with_existing_score",
    "describe_dates",
    "out_of_training_range",
    "fit_risk_model",
    "held_out_model",
    "load_comparison_config",
    "plan_splits",
    "refit_split",
    "selection_note",
    "temporal_splits",
    "train_experiment",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "_baseline": ("RiskFactorCountClassifier",),
        "_models_config": ("CalibrationConfig", "ModelsConfig", "build_models_config"),
        "_risk_model": (
            "CALIBRATION_METHODS",
            "RiskModel",
            "fit_risk_model",
            "held_out_model",
            "check_training_outcomes",
            "describe_dates",
            "out_of_training_range",
        ),
        "_specs": ("KINDS", "ModelSpec", "build_model_specs"),
        "_splits": ("TemporalSplit", "refit_split", "temporal_splits"),
        "_temporal": ("TemporalConfig", "check_against_data", "plan_splits"),
        "_tabular": (
            "ScoreComparison",
            "ScoreComparisonConfig",
            "compare_with_existing_score",
            "load_comparison_config",
        ),
        "_train": ("TrainingResult", "train_experiment", "selection_note"),
    },
    __all__,
)
