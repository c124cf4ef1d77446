"""Panel summaries for the report and scoring tests: of explained scores, and of a bare list."""

from __future__ import annotations

import pandas as pd

from vrurisk.reports import panel_summary


def panel_of(scores, reasons, explanations, manifest, **options) -> dict:
    """:func:`~vrurisk.reports.panel_summary` with the contributions and global importance of
    ``explanations`` (an :class:`~vrurisk.evaluation.Explanations`)."""
    return panel_summary(
        scores,
        reasons,
        explanations.contributions,
        global_importance=explanations.global_importance,
        manifest=manifest,
        **options,
    )


def bare_panel(current: pd.DataFrame, changes: dict, *, k: int = 10, as_of: str = "2025-06-30"):
    """``panel_summary`` of ``current`` (``key``, ``rank``) with ``changes`` and nothing else
    (ranks only, no explanations): for the change tests."""
    scores = current.assign(probability=0.5, percentile=50.0)
    empty = pd.DataFrame(columns=["row", "rank", "feature", "reason", "direction", "strength"])
    return panel_summary(
        scores,
        empty,
        pd.DataFrame(index=scores["key"]),
        global_importance=pd.Series(dtype=float),
        as_of=as_of,
        cohort_size=len(scores),
        k=k,
        changes=changes,
    )


def scored_panel(scored, *, k: int = 50, as_of: str | None = None, **extra) -> dict:
    """:func:`panel_of` a :class:`~vrurisk.scoring.ScoredCohort`'s first ``k`` people."""
    return panel_of(
        scored.scores,
        scored.reasons,
        scored.explanations,
        scored.manifest,
        as_of=as_of or str(scored.as_of.date()),
        cohort_size=len(scored.scores),
        k=k,
        **extra,
    )
