"""Scoring a cohort: calibrated scores shipped with explanations, reasons and a bias audit.

Names are imported on first use (see :mod:`vrurisk._lazy`).
"""

from vrurisk._lazy import lazy_exports

__all__ = [
    "DEFAULT_EXPLAIN_TOP",
    "ScoredCohort",
    "ScoringConfig",
    "default_as_of",
    "run_scoring",
    "score_cohort",
    "write_score_bundle",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "_bundle": ("write_score_bundle",),
        "_config": ("DEFAULT_EXPLAIN_TOP", "ScoringConfig"),
        "_run": ("run_scoring",),
        "_score": ("ScoredCohort", "default_as_of", "score_cohort"),
    },
    __all__,
)
