"""vrurisk.evaluation (see DESIGN.md)."""

from vrurisk.evaluation._explanations import Explanations, explain
from vrurisk.evaluation._fairness_config import FairnessConfig
from vrurisk.evaluation._reasons import plain_language_reasons, reasons_by_person

__all__: list[str] = [
    "Explanations",
    "FairnessConfig",
    "explain",
    "plain_language_reasons",
    "reasons_by_person",
]
