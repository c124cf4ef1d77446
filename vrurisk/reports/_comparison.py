"""The score comparison report: vrurisk's models beside an existing score (e.g. COMPAS)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from matplotlib.ticker import NullFormatter

from vrurisk._text import level_label
from vrurisk.evaluation import FAIRNESS_RATE
from vrurisk.reports._render import PALETTE, figure_to_data_uri, new_figure, render_template

COMPARISON_JSON = "comparison.json"
COMPARISON_HTML = "comparison.html"
#: Metrics shown side by side (error rates first: what ProPublica's argument was about).
COMPARED = ("false_positive_rate", "false_negative_rate", "selection_rate", "precision")


def comparison_summary(comparison) -> dict:
    """The JSON-safe summary plus a side-by-side table and plain-language findings."""
    summary = comparison.to_dict()
    scorers = [row["scorer"] for row in summary["metrics"]]
    side = {}
    for row in summary["disparities"]:
        if row["metric"] not in COMPARED:
            continue
        key = (row["attribute"], row["group"], row["reference"], row["metric"])
        side.setdefault(key, {})[row["scorer"]] = row
    summary["side_by_side"] = [
        {
            "attribute": attribute,
            "group": group,
            "reference": reference,
            "metric": metric,
            "label": FAIRNESS_RATE[metric].label,
            "cells": [cells.get(s) for s in scorers],
        }
        for (attribute, group, reference, metric), cells in sorted(
            side.items(), key=lambda item: (item[0][0], item[0][1], COMPARED.index(item[0][3]))
        )
    ]
    summary["scorers"] = scorers
    summary["ci_label"] = level_label(summary.get("ci_level", 0.95))
    summary["findings"] = _findings(summary)
    return summary


def _findings(summary: dict) -> list[str]:
    existing = summary["existing_score"]
    metrics = {row["scorer"]: row for row in summary["metrics"]}
    aucs = "; ".join(
        f"{name} {_num(row['roc_auc'])} ({_num(row.get('roc_auc_low'))} to "
        f"{_num(row.get('roc_auc_high'))})"
        for name, row in metrics.items()
    )
    findings = [
        f"On {summary['n_test']:,} test rows ({summary['test_dates'][0]} to "
        f"{summary['test_dates'][1]}), ROC AUC with {summary['ci_label']} intervals: {aucs}.",
        f"Every list has {summary['k']:,} people, as many as {existing} flags, so error rates "
        "are compared at the same operating point.",
    ]
    for row in summary["side_by_side"]:
        if row["metric"] not in ("false_positive_rate", "false_negative_rate"):
            continue
        cells = [c for c in row["cells"] if c is not None]
        if not any(c["verdict"] == "flagged" for c in cells):
            continue
        parts = "; ".join(
            f"{c['scorer']} {_num(c['ratio'])} ({_num(c['ci_low'])} to {_num(c['ci_high'])}, "
            f"{c['verdict']})"
            for c in cells
        )
        findings.append(
            f"{row['label'].capitalize()} of {row['attribute']} = {row['group']} relative to "
            f"{row['reference']}: {parts}."
        )
    return findings


def render_score_comparison(comparison) -> str:
    """One self-contained HTML page: findings, metrics table, side-by-side disparities, chart."""
    from vrurisk import __version__

    summary = comparison_summary(comparison)
    return render_template(
        "score_comparison.html",
        s=summary,
        chart=_ratio_chart(summary),
        version=__version__,
    )


def write_score_comparison(comparison, directory: str | Path) -> dict[str, Path]:
    """Write ``comparison.json`` and ``comparison.html`` into an existing directory."""
    directory = Path(directory)
    paths = {"json": directory / COMPARISON_JSON, "html": directory / COMPARISON_HTML}
    summary = comparison_summary(comparison)
    paths["json"].write_text(
        json.dumps(summary, indent=2, allow_nan=False, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    paths["html"].write_text(render_score_comparison(comparison), encoding="utf-8")
    return paths


def _ratio_chart(summary: dict) -> str | None:
    rows = [
        r
        for r in summary["side_by_side"]
        if r["metric"] in ("false_positive_rate", "false_negative_rate")
        and all(
            c is not None and c["verdict"] not in ("small group", "degenerate") for c in r["cells"]
        )
    ]
    if not rows:
        return None
    scorers = summary["scorers"]
    figure = new_figure(8.0, 1.0 + 0.5 * len(rows))
    ax = figure.subplots()
    height = 0.8 / len(scorers)
    for i, scorer in enumerate(scorers):
        for j, row in enumerate(rows):
            cell = row["cells"][i]
            ratio, low, high = cell["ratio"], cell["ci_low"], cell["ci_high"]
            if ratio is None or low is None or high is None or math.isinf(high) or ratio <= 0:
                continue
            low, high = max(low, 0.2), min(high, 5.0)
            y = j + (i - (len(scorers) - 1) / 2) * height
            ax.errorbar(
                ratio,
                y,
                xerr=[[max(ratio - low, 0)], [max(high - ratio, 0)]],
                fmt="o",
                color=PALETTE[i % len(PALETTE)],
                capsize=2,
                markersize=4,
                label=scorer if j == 0 else None,
            )
    band = summary["audits"][scorers[0]]["config"]["disparity_band"]
    ax.axvspan(band[0], band[1], color="#e8f3e8", zorder=0)
    ax.axvline(1.0, color="#777777", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_xlim(0.2, 5)
    ticks = [0.25, 0.5, 0.8, 1, 1.25, 2, 4]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_yticks(
        np.arange(len(rows)), [f"{r['label']}: {r['group']} vs {r['reference']}" for r in rows]
    )
    ax.invert_yaxis()
    ax.tick_params(labelsize=8)
    ax.set_xlabel("ratio to the reference group (log scale; green: the band)", fontsize=9)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, frameon=False, loc="best")
    return figure_to_data_uri(figure)


def _num(value, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.{digits}f}" if not math.isinf(value) else "inf"
