"""vrurisk.evaluation (see DESIGN.md)."""

from vrurisk.evaluation._fairness_config import FairnessConfig

__all__: list[str] = [
    "FairnessConfig",
]
