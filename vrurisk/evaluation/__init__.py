"""vrurisk.evaluation: list and calibration metrics, the bias audit and explanations.

Names are imported on first use (see :mod:`vrurisk._lazy`), so reading a config does not load
scikit-learn, fairlearn or shap.
"""

from typing import TYPE_CHECKING

from vrurisk._lazy import lazy_exports

if TYPE_CHECKING:  # the lazy exports, typed for editors and type checkers
    from vrurisk.evaluation._evaluation_config import EvaluationConfig
    from vrurisk.evaluation._explanations import EXPLANATION_METHODS, Explanations, explain
    from vrurisk.evaluation._fairness import VERDICTS, BiasAudit, audit_scores
    from vrurisk.evaluation._fairness_config import (
        INTERSECTION_SEPARATOR,
        FairnessConfig,
        audited_top_k,
        check_sensitive_columns,
    )
    from vrurisk.evaluation._fairness_inputs import binary_outcomes
    from vrurisk.evaluation._fairness_metrics import OperatingPoint, top_k_flags
    from vrurisk.evaluation._fairness_rates import FAIRNESS_RATE, FAIRNESS_RATES, FairnessRate
    from vrurisk.evaluation._families import (
        family_contributions,
        family_reasons_by_person,
        main_families,
    )
    from vrurisk.evaluation._k import parse_k
    from vrurisk.evaluation._metrics import (
        average_precision,
        base_rate,
        bootstrap_intervals,
        brier_score,
        evaluate_predictions,
        expected_calibration_error,
        k_label,
        precision_at_k,
        recall_at_k,
        resolve_k,
        roc_auc,
        top_k_overlap,
    )
    from vrurisk.evaluation._reasons import plain_language_reasons, reasons_by_person

__all__ = [
    "EXPLANATION_METHODS",
    "FAIRNESS_RATE",
    "FAIRNESS_RATES",
    "INTERSECTION_SEPARATOR",
    "VERDICTS",
    "BiasAudit",
    "EvaluationConfig",
    "Explanations",
    "FairnessConfig",
    "FairnessRate",
    "OperatingPoint",
    "audit_scores",
    "audited_top_k",
    "average_precision",
    "base_rate",
    "binary_outcomes",
    "bootstrap_intervals",
    "brier_score",
    "check_sensitive_columns",
    "evaluate_predictions",
    "expected_calibration_error",
    "explain",
    "k_label",
    "parse_k",
    "family_contributions",
    "family_reasons_by_person",
    "main_families",
    "plain_language_reasons",
    "precision_at_k",
    "reasons_by_person",
    "recall_at_k",
    "resolve_k",
    "roc_auc",
    "top_k_flags",
    "top_k_overlap",
]

__getattr__, __dir__ = lazy_exports(__name__, __all__)
