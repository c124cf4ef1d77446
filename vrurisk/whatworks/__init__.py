"""vrurisk.whatworks: what works, honestly: the effect of programmes the panel refers people to.

Regression discontinuity at the list cut-off, doubly robust weighting and the naive comparison
(labelled biased), side by side. Names are imported on first use (see :mod:`vrurisk._lazy`).
"""

from typing import TYPE_CHECKING

from vrurisk._lazy import lazy_exports

if TYPE_CHECKING:
    from vrurisk.whatworks._estimates import (
        EffectEstimate,
        covariate_balance,
        doubly_robust,
        naive_difference,
        regression_discontinuity,
    )
    from vrurisk.whatworks._evaluate import METHODS, ProgrammeEvaluation, evaluate_programme
    from vrurisk.whatworks._run import run_evaluation
    from vrurisk.whatworks._sample import EvaluationSample, build_sample
    from vrurisk.whatworks._truth import planted_effect

__all__ = [
    "run_evaluation",
    "METHODS",
    "EffectEstimate",
    "EvaluationSample",
    "ProgrammeEvaluation",
    "build_sample",
    "covariate_balance",
    "doubly_robust",
    "evaluate_programme",
    "naive_difference",
    "planted_effect",
    "regression_discontinuity",
]

__getattr__, __dir__ = lazy_exports(__name__, __all__)
