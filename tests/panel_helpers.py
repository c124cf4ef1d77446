"""The panel summary of explained scores: one call for the report and scoring tests."""

from __future__ import annotations

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
