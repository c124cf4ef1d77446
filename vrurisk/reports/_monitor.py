"""The monitoring report for the governance board: ``monitor.html`` and ``monitor.json``.

The summary comes from :func:`vrurisk.monitor.monitor_lists` (aggregates only, no keys); the
page puts the findings first, then charts a board would rather look at than read: precision
and calibration of the closed lists against cross-validation, feature drift by family and list,
and selection rates by group over time, each with its table.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from vrurisk.reports._render import MUTED, PALETTE, figure_to_data_uri, new_figure, render_template

MONITOR_HTML = "monitor.html"
MONITOR_JSON = "monitor.json"
LEVEL_WORDS = {"act": "Act", "watch": "Watch", "ok": "OK"}


def render_monitor(summary: dict, *, version: str = "") -> str:
    """The HTML report from a monitoring summary."""
    charts = {
        "performance_chart": _performance_chart(summary),
        "drift_chart": _drift_chart(summary),
        "selection_charts": _selection_charts(summary),
    }
    return render_template(
        "monitor.html", s=summary, level_words=LEVEL_WORDS, version=version, **charts
    )


def write_monitor(summary: dict, directory: str | Path, *, version: str = "") -> list[Path]:
    """Write ``monitor.json`` and ``monitor.html`` into ``directory``; return the paths."""
    if not version:
        from vrurisk import __version__ as version
    paths = [Path(directory) / MONITOR_JSON, Path(directory) / MONITOR_HTML]
    paths[0].write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    paths[1].write_text(render_monitor(summary, version=version), encoding="utf-8")
    return paths


def _nan(value) -> float:
    return math.nan if value is None else float(value)


def _performance_chart(summary: dict) -> str | None:
    """Precision on the list and the top band's observed vs predicted rate, closed lists."""
    closed = [e for e in summary["lists"] if e["closed"]]
    if not closed:
        return None
    figure = new_figure(9.0, 3.2)
    precision, calibration = figure.subplots(1, 2)
    x = np.arange(len(closed))
    labels = [e["as_of"] for e in closed]
    p = [e["precision_at_k"] for e in closed]
    rate = np.array([100 * _nan(r["rate"]) for r in p])
    low = np.array([100 * _nan(r["low"]) for r in p])
    high = np.array([100 * _nan(r["high"]) for r in p])
    precision.errorbar(
        x,
        rate,
        yerr=[rate - low, high - rate],
        fmt="o",
        color=PALETTE[0],
        capsize=3,
        label="on the list (95% interval)",
    )
    cv = [e["cross_validation"].get("precision_at_k") for e in closed]
    if any(cv):
        values = [100 * c["value"] if c else math.nan for c in cv]
        precision.plot(x, values, "s--", color=PALETTE[1], label="cross-validation")
    precision.set_title("Precision on the list (%)", fontsize=10)
    predicted = [100 * _nan(e["bands"][0]["predicted"]) for e in closed]
    observed = [100 * _nan(e["bands"][0]["rate"]) for e in closed]
    o_low = [100 * _nan(e["bands"][0]["low"]) for e in closed]
    o_high = [100 * _nan(e["bands"][0]["high"]) for e in closed]
    calibration.errorbar(
        x,
        observed,
        yerr=[np.subtract(observed, o_low), np.subtract(o_high, observed)],
        fmt="o",
        color=PALETTE[0],
        capsize=3,
        label="observed (95% interval)",
    )
    calibration.plot(x, predicted, "^:", color=PALETTE[5], label="predicted (mean score)")
    calibration.set_title("Top band (the listed): outcome rate (%)", fontsize=10)
    for ax in (precision, calibration):
        ax.set_xticks(x)
        ax.set_xticklabels(labels, rotation=45, ha="right", fontsize=8)
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8, frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
    return figure_to_data_uri(figure)


def _drift_chart(summary: dict) -> str | None:
    """Families x lists: the PSI written in each cell, shaded by the thresholds."""
    lists = [e for e in summary["lists"] if e["drift"]["available"]]
    if not lists:
        return None
    labels = []
    for e in lists:
        for fam in e["drift"]["families"]:
            if fam["label"] not in labels:
                labels.append(fam["label"])
    grid = np.full((len(labels), len(lists)), np.nan)
    raw = grid.copy()
    for j, e in enumerate(lists):
        for fam in e["drift"]["families"]:
            grid[labels.index(fam["label"]), j] = fam.get("psi_unexplained", fam["psi"])
            raw[labels.index(fam["label"]), j] = fam["psi"]
    figure = new_figure(min(max(7.5, 3.5 + 0.75 * len(lists)), 11.0), 1.2 + 0.36 * len(labels))
    ax = figure.add_subplot()
    shade = np.where(grid >= 0.25, 2, np.where(grid >= 0.1, 1, 0))
    from matplotlib.colors import ListedColormap

    ax.imshow(
        shade, cmap=ListedColormap(["#f2f2f2", "#ffd27f", "#e8736b"]), vmin=0, vmax=2, aspect="auto"
    )
    for i in range(len(labels)):
        for j in range(len(lists)):
            if not math.isnan(grid[i, j]):
                mark = "!!" if grid[i, j] >= 0.25 else ("!" if grid[i, j] >= 0.1 else "")
                text = f"{grid[i, j]:.2f}{mark}"
                if raw[i, j] >= 0.1 and raw[i, j] - grid[i, j] >= 0.005:
                    text += f" ({raw[i, j]:.2f})"
                ax.text(j, i, text, ha="center", va="center", fontsize=7)
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels([label.split(" (")[0] for label in labels], fontsize=8)
    ax.set_xticks(range(len(lists)))
    ax.set_xticklabels([e["as_of"] for e in lists], rotation=45, ha="right", fontsize=8)
    ax.set_title("Largest unexplained PSI per family (raw PSI in brackets)", fontsize=9)
    return figure_to_data_uri(figure)


def _selection_charts(summary: dict) -> list[dict]:
    """One chart per sensitive attribute: each group's selection rate per list, with intervals."""
    lists = summary["lists"]
    attributes = sorted({r["attribute"] for e in lists for r in e["selection"]})
    charts = []
    for attribute in attributes:
        groups = sorted(
            {r["group"] for e in lists for r in e["selection"] if r["attribute"] == attribute}
        )
        figure = new_figure(9.0, 2.9)
        ax = figure.add_subplot()
        x = np.arange(len(lists))
        width = 0.8 / max(len(groups), 1)
        for g, group in enumerate(groups):
            rows = [
                next(
                    (
                        r
                        for r in e["selection"]
                        if r["attribute"] == attribute and r["group"] == group
                    ),
                    None,
                )
                for e in lists
            ]
            rate = np.array([100 * _nan(r["rate"]) if r else math.nan for r in rows])
            low = np.array([100 * _nan(r["low"]) if r else math.nan for r in rows])
            high = np.array([100 * _nan(r["high"]) if r else math.nan for r in rows])
            offset = x - 0.4 + width * (g + 0.5)
            marker = "os^Dvx*P"[g % 8]
            ax.errorbar(
                offset,
                rate,
                # an interval can miss its point estimate by a rounding error: never negative
                yerr=[np.clip(rate - low, 0, None), np.clip(high - rate, 0, None)],
                fmt=marker,
                color=PALETTE[g % len(PALETTE)],
                capsize=2,
                label=str(group),
                markersize=5,
            )
        ax.set_xticks(x)
        ax.set_xticklabels([e["as_of"] for e in lists], rotation=45, ha="right", fontsize=8)
        ax.set_ylabel("Listed (% of group)", fontsize=8)
        ax.set_ylim(bottom=0)
        ax.legend(
            fontsize=7,
            frameon=False,
            ncol=min(len(groups), 6),
            loc="upper left",
            bbox_to_anchor=(0, 1.18),
        )
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", color="#eeeeee")
        charts.append({"attribute": attribute, "uri": figure_to_data_uri(figure), "colour": MUTED})
    return charts
