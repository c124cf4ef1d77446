"""The what-works report for the board: ``evaluation.html`` and ``evaluation.json``.

The summary is :meth:`ProgrammeEvaluation.to_dict` (no person ids); the HTML adds two charts
(estimates with their intervals; the regression-discontinuity plot) and the balance table.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from vrurisk.reports._render import MUTED, PALETTE, figure_to_data_uri, new_figure, render_template

EVALUATION_HTML = "evaluation.html"
EVALUATION_JSON = "evaluation.json"
FEATURE_LABELS = {
    "score": "List score",
    "score_gap": "Score minus the list's cut-off score",
    "running": "Place relative to the cut-off (in places)",
    "on_list": "Within the list's places",
    "age": "Age at the list date",
    "male": "Male",
    "deprivation_decile": "Area deprivation decile",
    "outcome_events_90d": "Outcome events, last 90 days",
    "events_90d": "Any recorded events, last 90 days",
    "outcome_events_365d": "Outcome events, last year",
    "events_365d": "Any recorded events, last year",
    "events_ever": "Any recorded events, ever",
}


def render_evaluation(summary: dict, *, version: str = "") -> str:
    """The HTML report from an evaluation summary (``ProgrammeEvaluation.to_dict()``)."""
    return render_template(
        "evaluation.html",
        s=summary,
        labels=FEATURE_LABELS,
        estimates_chart=_estimates_chart(summary),
        rd_chart=_rd_chart(summary.get("rd_plot")),
        version=version,
    )


def write_evaluation(summary: dict, directory: str | Path, *, version: str = "") -> list[Path]:
    """Write ``evaluation.json`` and ``evaluation.html`` into ``directory``; return the paths."""
    directory = Path(directory)
    json_path = directory / EVALUATION_JSON
    json_path.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    html_path = directory / EVALUATION_HTML
    html_path.write_text(render_evaluation(summary, version=version), encoding="utf-8")
    return [json_path, html_path]


def _estimates_chart(summary: dict) -> str:
    estimates = summary["estimates"]
    figure = new_figure(8.5, 1.0 + 0.7 * len(estimates))
    ax = figure.add_subplot()
    for i, e in enumerate(reversed(estimates)):
        colour = MUTED if e["biased"] else PALETTE[i % len(PALETTE)]
        point = 100 * (e["estimate"] or 0)
        low, high = 100 * (e["ci_low"] or 0), 100 * (e["ci_high"] or 0)
        ax.plot([low, high], [i, i], color=colour, linewidth=3, solid_capstyle="butt")
        ax.plot([point], [i], "o", color=colour, markersize=8)
    ax.axvline(0, color="#333333", linewidth=1)
    ax.set_yticks(range(len(estimates)))
    ax.set_yticklabels([e["label"] for e in reversed(estimates)])
    ax.set_ylim(-0.6, len(estimates) - 0.4)
    ax.set_xlabel("Effect on the outcome rate, percentage points (below 0: fewer people)")
    ax.grid(axis="x", color="#dddddd")
    ax.spines[["top", "right"]].set_visible(False)
    return figure_to_data_uri(figure)


def _rd_chart(plot: dict | None) -> str | None:
    if not plot or not plot.get("bins"):
        return None
    figure = new_figure(7.5, 3.2)
    outcome, referral = figure.subplots(1, 2)
    for side, colour in (("below", PALETTE[0]), ("above", PALETTE[1])):
        bins = [b for b in plot["bins"] if b["side"] == side]
        if not bins:
            continue
        x = np.array([b["x"] for b in bins])
        outcome.scatter(x, [100 * b["outcome_rate"] for b in bins], color=colour, s=18)
        referral.scatter(x, [100 * b["referral_rate"] for b in bins], color=colour, s=18)
    for fit in plot.get("fits", []):
        colour = PALETTE[0] if fit["side"] == "below" else PALETTE[1]
        outcome.plot(fit["x"], [100 * v for v in fit["y"]], color=colour, linewidth=2)
    for ax, title in (
        (outcome, "Outcome rate (%)"),
        (referral, "Referred (%)"),
    ):
        ax.axvline(0, color="#333333", linewidth=1, linestyle="--")
        h = plot["bandwidth"]
        ax.axvspan(-h, h, color="#eeeeee", zorder=0)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("Place relative to the cut-off (share of places)")
        ax.set_ylim(bottom=0)
        ax.spines[["top", "right"]].set_visible(False)
    return figure_to_data_uri(figure)
