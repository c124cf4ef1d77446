"""The bias audit report: ``fairness.json`` (the summary) and ``bias_audit.html`` (rendered)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from vrurisk._text import level_label
from vrurisk.evaluation import (
    FAIRNESS_RATE,
    FAIRNESS_RATES,
    INTERSECTION_SEPARATOR,
    VERDICTS,
    BiasAudit,
)
from vrurisk.reports._render import (
    MUTED,
    PALETTE,
    figure_to_data_uri,
    new_figure,
    render_template,
)

FAIRNESS_JSON = "fairness.json"
BIAS_AUDIT_HTML = "bias_audit.html"


def render_bias_audit(
    audit: BiasAudit,
    *,
    title: str | None = None,
    outcome: str | None = None,
    score: str | None = None,
    demo: bool = False,
) -> str:
    """Render a :class:`~vrurisk.evaluation.BiasAudit` as one self-contained HTML page.

    Findings come first, then per operating point and attribute a chart and table of rates
    by group (with intervals) and the disparity verdicts, then calibration by group.
    ``outcome`` and ``score`` say in words what the label and score columns hold (e.g.
    "serious violence (as a suspect or victim) within 12 months of the list date"); by
    default the header names the columns. ``demo=True`` adds the DEMO banner (a list keyed
    with the published demo key).
    """
    from vrurisk import __version__

    summary = audit.to_dict()
    sections = []
    for point in summary["operating_points"]:
        overall = next(r for r in summary["overall"] if r["operating_point"] == point["name"])
        blocks = []
        for attribute in summary["attributes"]:
            rows = [
                r
                for r in summary["groups"]
                if r["operating_point"] == point["name"] and r["attribute"] == attribute
            ]
            ratios = [
                r
                for r in summary["disparities"]
                if r["operating_point"] == point["name"] and r["attribute"] == attribute
            ]
            chart = _rates_chart(rows, attribute, audit.config.ci_level)
            blocks.append({"attribute": attribute, "rows": rows, "ratios": ratios, "chart": chart})
        sections.append({"point": point, "overall": overall, "blocks": blocks})
    calibration = _calibration_blocks(audit)
    intersections = [
        _intersection_note(attribute, audit)
        for attribute in audit.attributes
        if INTERSECTION_SEPARATOR in attribute and attribute not in audit.config.reference_groups
    ]
    return render_template(
        "bias_audit.html",
        title=title or f"Bias audit of '{audit.score_column}'",
        outcome=outcome or f"the column '{audit.label_column}' (1: had the outcome)",
        score=score or f"the column '{audit.score_column}'",
        summary=summary,
        sections=sections,
        calibration=calibration,
        intersections=intersections,
        metrics=[(r.name, r.label, r.meaning) for r in FAIRNESS_RATES if r.compared],
        outcome_meaning=FAIRNESS_RATE["base_rate"].meaning,
        verdicts=VERDICTS,
        has_current="n_current" in audit.groups.columns,
        score_format="pct" if _probabilities(audit.calibration) else "num",
        ci_label=level_label(audit.config.ci_level),
        version=__version__,
        demo=demo,
    )


def _intersection_note(attribute: str, audit: BiasAudit) -> dict:
    """How an intersection's cells are compared, with one example from the audit."""
    audited = audit.config.audited_within(attribute)
    others = [a for a in attribute.split(INTERSECTION_SEPARATOR) if a != audited]
    rows = audit.disparities[audit.disparities["attribute"] == attribute]
    example = f"{rows['group'].iloc[0]} against {rows['reference'].iloc[0]}" if len(rows) else ""
    return {
        "name": attribute,
        "audited": audited,
        "others": " and ".join(others),
        "example": example or "no comparison in this audit",
    }


def write_bias_audit(audit: BiasAudit, directory: str | Path, **render_options) -> dict[str, Path]:
    """Write ``fairness.json`` and ``bias_audit.html`` into an existing ``directory``.

    Call it inside :func:`vrurisk.data.write_directory_atomically` so a bundle is never
    half-written.
    """
    directory = Path(directory)
    paths = {"json": directory / FAIRNESS_JSON, "html": directory / BIAS_AUDIT_HTML}
    text = json.dumps(audit.to_dict(), indent=2, allow_nan=False, ensure_ascii=False)
    paths["json"].write_text(text + "\n", encoding="utf-8")
    paths["html"].write_text(render_bias_audit(audit, **render_options), encoding="utf-8")
    return paths


def _rates_chart(rows: list[dict], attribute: str, level: float) -> str:
    groups = [r["group"] for r in rows]
    height = 1.2 + 0.34 * len(groups)
    figure = new_figure(9.5, height, layout=None)
    label_width = min(0.32, 0.05 + 0.0075 * max(len(g) for g in groups))
    figure.subplots_adjust(
        left=label_width, right=0.97, top=1 - 0.62 / height, bottom=0.4 / height, wspace=0.2
    )
    compared = [rate.name for rate in FAIRNESS_RATES if rate.compared]
    axes = figure.subplots(1, len(compared), sharey=True)  # each its own x scale
    positions = np.arange(len(groups))
    colours = [
        MUTED if r["small_group"] else PALETTE[1] if r["is_reference"] else PALETTE[0] for r in rows
    ]
    for ax, metric in zip(axes, compared, strict=True):
        values = np.array([np.nan if r[metric] is None else r[metric] for r in rows], dtype=float)
        lows = np.array([_or(r[f"{metric}_low"], v) for r, v in zip(rows, values, strict=True)])
        highs = np.array([_or(r[f"{metric}_high"], v) for r, v in zip(rows, values, strict=True)])
        lows, highs = (
            np.where(np.isnan(lows), values, lows),
            np.where(np.isnan(highs), values, highs),
        )
        for colour in dict.fromkeys(colours):  # one call per colour, not one per group
            mask = np.array([c == colour for c in colours]) & ~np.isnan(values)
            if not mask.any():
                continue
            ax.errorbar(
                values[mask],
                positions[mask],
                xerr=[
                    np.maximum(values[mask] - lows[mask], 0.0),
                    np.maximum(highs[mask] - values[mask], 0.0),
                ],
                fmt="o",
                color=colour,
                capsize=3,
                markersize=5,
            )
        ax.set_title(FAIRNESS_RATE[metric].label, fontsize=9)
        ax.set_xlim(0, rate_axis_top(np.concatenate([values, highs])))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
        ax.xaxis.set_major_formatter(_percent_ticks)
        ax.tick_params(labelsize=8)
        ax.grid(axis="x", color="#e5e5e5")
    axes[0].set_yticks(positions, groups)
    axes[0].invert_yaxis()
    figure.suptitle(
        f"{attribute}: rates by group with {level_label(level)} intervals "
        "(orange: reference group; grey: too small for a verdict)",
        fontsize=9,
    )
    return figure_to_data_uri(figure)


def _percent_ticks(value: float, _position) -> str:
    """Tick labels as short percentages: 0%, 0.5%, 1%, 25%."""
    return f"{round(100 * value, 6):g}%"


def rate_axis_top(values: np.ndarray) -> float:
    """Right edge of a rate axis that starts at 0: a little past the largest value or interval
    end, so rates of 0.8% and 1.5% are told apart (never past 100%; 1% when all are 0)."""
    finite = values[np.isfinite(values)]
    top = float(finite.max()) if finite.size else 0.0
    return min(1.0, top * 1.12) if top > 0 else 0.01


def _or(value, default: float) -> float:
    return default if value is None else float(value)


def _calibration_blocks(audit: BiasAudit) -> list[dict]:
    calibration = audit.calibration
    blocks = []
    if calibration.empty:
        return blocks
    numeric = calibration["mean_score"].notna().any()
    for attribute, table in calibration.groupby("attribute", sort=False):
        sizes = table.groupby("group")["n"].sum()
        shown = sizes[sizes >= audit.config.min_group_size].index
        labels = table.drop_duplicates("bin").sort_values("bin")["bin_label"].tolist()
        figure = new_figure(7.0, 3.4)
        ax = figure.subplots()
        for i, (group, rows) in enumerate(table[table["group"].isin(shown)].groupby("group")):
            ax.plot(
                rows["bin"],
                rows["observed_rate"],
                marker="o",
                color=PALETTE[i % len(PALETTE)],
                label=str(group),
            )
        if numeric and audit.groups is not None and _probabilities(calibration):
            overall = calibration[calibration["attribute"] == attribute]
            means = overall.groupby("bin")["mean_score"].mean()
            ax.plot(means.index, means.to_numpy(), "k--", label="mean score")
        ax.set_xticks(range(len(labels)), labels, fontsize=8, rotation=30 if len(labels) > 6 else 0)
        of_column = "" if audit.score_column == "score" else f" of '{audit.score_column}'"
        ax.set_xlabel(f"score band{of_column}", fontsize=9)
        ax.set_ylabel("observed outcome rate", fontsize=9)
        drawn = [np.asarray(line.get_ydata(), dtype=float) for line in ax.get_lines()]
        ax.set_ylim(0, rate_axis_top(np.concatenate([np.zeros(0), *drawn])))
        ax.yaxis.set_major_formatter(_percent_ticks)
        ax.grid(color="#e5e5e5")
        if ax.get_legend_handles_labels()[0]:  # no group large enough: no legend, no warning
            ax.legend(fontsize=8, frameon=False)
        ax.set_title(f"Observed outcome rate by score band and {attribute}", fontsize=9)
        records = table.to_dict(orient="records")
        blocks.append(
            {
                "attribute": attribute,
                "chart": figure_to_data_uri(figure),
                "rows": records,
                "hidden": sorted(set(sizes.index) - set(shown)),
            }
        )
    return blocks


def _probabilities(calibration: pd.DataFrame) -> bool:
    scores = calibration["mean_score"].dropna()
    return bool(len(scores)) and bool(scores.between(0, 1).all())
