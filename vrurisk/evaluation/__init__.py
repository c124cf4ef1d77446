"""vrurisk.evaluation: list and calibration metrics, the bias audit and explanations.

Names are imported on first use (see :mod:`vrurisk._lazy`), so reading a config does not load
scikit-learn, fairlearn or shap.
"""

from vrurisk._lazy import lazy_exports

__all__ = [
    "FAIRNESS_RATE",
    "FAIRNESS_RATES",
    "BiasAudit",
    "EvaluationConfig",
    "Explanations",
    "FairnessConfig",
    "FairnessRate",
    "OperatingPoint",
    "audit_scores",
    "average_precision",
    "base_rate",
    "bootstrap_intervals",
    "brier_score",
    "evaluate_predictions",
    "expected_calibration_error",
    "explain",
    "plain_language_reasons",
    "precision_at_k",
    "reasons_by_person",
    "recall_at_k",
    "resolve_k",
    "roc_auc",
    "top_k_flags",
    "top_k_overlap",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "_evaluation_config": ("EvaluationConfig",),
        "_explanations": ("Explanations", "explain"),
        "_fairness": ("BiasAudit", "audit_scores"),
        "_fairness_config": ("FairnessConfig",),
        "_fairness_metrics": ("OperatingPoint", "top_k_flags"),
        "_fairness_rates": ("FAIRNESS_RATE", "FAIRNESS_RATES", "FairnessRate"),
        "_metrics": (
            "average_precision",
            "base_rate",
            "bootstrap_intervals",
            "brier_score",
            "evaluate_predictions",
            "expected_calibration_error",
            "precision_at_k",
            "recall_at_k",
            "resolve_k",
            "roc_auc",
            "top_k_overlap",
        ),
        "_reasons": ("plain_language_reasons", "reasons_by_person"),
    },
    __all__,
)
