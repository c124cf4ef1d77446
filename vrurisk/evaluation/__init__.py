"""vrurisk.evaluation (see DESIGN.md)."""

from vrurisk.evaluation._explanations import Explanations, explain
from vrurisk.evaluation._fairness import BiasAudit, audit_scores
from vrurisk.evaluation._fairness_config import FairnessConfig
from vrurisk.evaluation._fairness_metrics import OperatingPoint, top_k_flags
from vrurisk.evaluation._metrics import (
    average_precision,
    base_rate,
    bootstrap_intervals,
    brier_score,
    evaluate_predictions,
    expected_calibration_error,
    precision_at_k,
    recall_at_k,
    resolve_k,
    roc_auc,
    top_k_overlap,
)
from vrurisk.evaluation._reasons import plain_language_reasons, reasons_by_person

__all__: list[str] = [
    "BiasAudit",
    "OperatingPoint",
    "audit_scores",
    "top_k_flags",
    "Explanations",
    "FairnessConfig",
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
    "explain",
    "plain_language_reasons",
    "reasons_by_person",
]
