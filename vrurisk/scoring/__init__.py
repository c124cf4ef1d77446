"""Scoring a cohort: calibrated scores shipped with explanations, reasons and a bias audit."""

from vrurisk.scoring._bundle import write_score_bundle
from vrurisk.scoring._run import run_scoring
from vrurisk.scoring._score import ScoredCohort, default_as_of, score_cohort

__all__ = ["ScoredCohort", "default_as_of", "run_scoring", "score_cohort", "write_score_bundle"]
