"""vrurisk's models beside an existing score, on a flat table (``vrurisk compare``).

A *score comparison* config (``kind: score_comparison``) names a table, its date, outcome and
input columns, a temporal split, the existing score and the model grid; the model sections are
an experiment config's (:class:`~vrurisk.config.ModelSettings`). This is a job: it trains
(``models``), audits (``evaluation``) and writes reports (``reports``).

Names are imported on first use (see :mod:`vrurisk._lazy`).
"""

from typing import TYPE_CHECKING

from vrurisk._lazy import lazy_exports

if TYPE_CHECKING:  # the lazy exports, typed for editors and type checkers
    from vrurisk.comparison._compare import (
        ScoreComparison,
        ScoreComparisonConfig,
        compare_with_existing_score,
        load_comparison_config,
    )
    from vrurisk.comparison._run import AUDITS, SCORE_COMPARISON, run_compare

__all__ = [
    "AUDITS",
    "SCORE_COMPARISON",
    "ScoreComparison",
    "ScoreComparisonConfig",
    "compare_with_existing_score",
    "load_comparison_config",
    "run_compare",
]

__getattr__, __dir__ = lazy_exports(__name__, __all__)
