"""Estimators, baselines, calibration, temporal splits and the choice of a champion.

Names are imported on first use (see :mod:`vrurisk._lazy`), so ``vrurisk.config`` can validate
a config without loading scikit-learn or LightGBM until it builds the model specs. Training
from a config (the job) is :func:`vrurisk.training.train_experiment`.
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
        grows_with_the_data,
        held_out_model,
        out_of_training_range,
    )
    from vrurisk.models._specs import KINDS, ModelSpec, build_model_specs
    from vrurisk.models._splits import TemporalSplit, refit_split, temporal_splits
    from vrurisk.models._temporal import TemporalConfig, check_against_data, plan_splits
    from vrurisk.models._train import (
        TrainingResult,
        baseline_factors,
        choose_champion,
        constant_feature_warnings,
        selection_note,
        synthetic_input_example,
        with_baseline_factors,
    )

__all__ = [
    "CALIBRATION_METHODS",
    "KINDS",
    "CalibrationConfig",
    "ModelSpec",
    "ModelsConfig",
    "RiskFactorCountClassifier",
    "RiskModel",
    "TemporalConfig",
    "TemporalSplit",
    "TrainingResult",
    "baseline_factors",
    "build_model_specs",
    "build_models_config",
    "check_against_data",
    "check_training_outcomes",
    "choose_champion",
    "constant_feature_warnings",
    "describe_dates",
    "out_of_training_range",
    "fit_risk_model",
    "grows_with_the_data",
    "held_out_model",
    "plan_splits",
    "refit_split",
    "selection_note",
    "synthetic_input_example",
    "temporal_splits",
    "with_baseline_factors",
]

__getattr__, __dir__ = lazy_exports(__name__, __all__)
