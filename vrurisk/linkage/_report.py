"""The linkage report: a plain summary first (JSON), then HTML from a template in the package.

Nothing identifying reaches the report: agencies' ids are masked to their last two characters,
borderline pairs are described by which fields agreed, and no name, date of birth or postcode
is ever put in the summary.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pandas as pd

from vrurisk._text import plural

HISTOGRAM_ALT = "Match weight of every compared record pair, with the threshold marked"


def _clean(value):
    """JSON-able copy: NaN -> None, numpy scalars -> Python."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def linkage_summary(
    *, config, flat, people, model, rates, findings, warnings, pseudonyms_stable, seconds
) -> dict:
    """Everything the linkage report shows, as a JSON-able dict (no identifying values)."""
    from vrurisk import __version__

    sizes = flat.groupby("person_id").size()
    spans = flat.groupby("person_id")["agency"].nunique()
    by_agency = (
        flat.groupby("agency", sort=False)["linked"].agg(["size", "sum"]).reindex(config.agencies)
    )
    agencies = [
        {
            "agency": agency,
            "records": int(row["size"]),
            "linked_elsewhere": int(row["sum"]),
            "rate": float(row["sum"] / row["size"]) if row["size"] else None,
            "duplicates_merged": int(
                flat[flat["agency"] == agency].groupby("person_id").size().gt(1).sum()
            ),
        }
        for agency, row in by_agency.iterrows()
    ]
    size_counts = sizes.value_counts().sort_index()
    headline = (
        f"{plural(len(flat), 'record')} from {plural(len(config.agencies), 'agency', 'agencies')} "
        f"linked into {plural(len(people), 'person', 'people')}; "
        f"{plural(int((spans > 1).sum()), 'person', 'people')} appear in more than one agency."
    )
    expected = model.expected
    summary = {
        "title": "Record linkage report",
        "config_name": config.name,
        "config_hash": config.config_hash,
        "vrurisk_version": __version__,
        "headline": headline,
        "match_threshold": config.model.match_threshold,
        "threshold_weight": model.threshold_weight,
        "blocking_rules": [list(rule) for rule in config.blocking.rules],
        "seconds": round(seconds, 1),
        "records": int(len(flat)),
        "people": int(len(people)),
        "agencies": agencies,
        "cluster_sizes": [{"size": int(s), "people": int(n)} for s, n in size_counts.items()],
        "agencies_per_person": [
            {"agencies": int(s), "people": int(n)}
            for s, n in spans.value_counts().sort_index().items()
        ],
        "pairs_compared": model.n_pairs_compared,
        "weight_histogram": model.weight_histogram,
        "expected": expected,
        "borderline": model.borderline,
        "parameters": model.parameters,
        "probability_two_random_records_match": model.probability_two_random_records_match,
        "rates": rates.to_dict(orient="records") if not rates.empty else [],
        "findings": findings,
        "warnings": warnings,
        "splink_messages": model.messages,
        "pseudonyms": (
            "person_id is a keyed hash (key from $VRURISK_LINKAGE_KEY), stable across runs "
            "while the key and the cluster's first record stay the same."
            if pseudonyms_stable
            else "person_id is a keyed hash with a random key drawn for this run: ids are not "
            "comparable between runs (set VRURISK_LINKAGE_KEY to keep them stable)."
        ),
        "privacy": (
            "Names, dates of birth and postcodes were used only inside the linkage step. This "
            "report, the crosswalk and the people table hold none of them: agency ids are masked "
            "here, and borderline pairs are described by which fields agreed."
        ),
    }
    return _clean(summary)


@cache
def _environment():
    import jinja2

    from vrurisk.reports import report_environment

    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PackageLoader("vrurisk.linkage", "templates"),
                jinja2.PackageLoader("vrurisk.reports", "templates"),
            ]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(report_environment().filters)
    return env


def render_linkage_report(summary: dict) -> str:
    """The self-contained HTML linkage report of a :func:`linkage_summary`."""
    from vrurisk.reports import base_css

    return (
        _environment()
        .get_template("linkage_report.html")
        .render(
            base_css=base_css(),
            demo_banner=None,  # the linkage report holds no pseudonymised scores
            s=summary,
            histogram=_histogram_figure(summary),
            histogram_alt=HISTOGRAM_ALT,
            rate_groups=_rate_groups(summary["rates"]),
            version=summary["vrurisk_version"],
        )
    )


def _rate_groups(rates: list[dict]) -> list[dict]:
    """Rates grouped by agency then attribute, for the tables."""
    frame = pd.DataFrame(rates)
    if frame.empty:
        return []
    groups = []
    for (agency, attribute), part in frame.groupby(["agency", "attribute"], sort=False):
        groups.append(
            {"agency": agency, "attribute": attribute, "rows": part.to_dict(orient="records")}
        )
    return groups


def _histogram_figure(summary: dict) -> str:
    from vrurisk.reports import MUTED, PALETTE, figure_to_data_uri, new_figure

    bins = summary["weight_histogram"]
    lows = np.array([b["low"] for b in bins])
    counts = np.array([b["pairs"] for b in bins], dtype=float)
    figure = new_figure(7.5, 2.8)
    ax = figure.add_subplot()
    threshold = summary["threshold_weight"]
    colours = [PALETTE[0] if low >= math.floor(threshold) else MUTED for low in lows]
    ax.bar(lows + 0.5, np.where(counts > 0, counts, np.nan), width=0.9, color=colours)
    ax.set_yscale("log")
    ax.axvline(threshold, color=PALETTE[5], linewidth=1.5)
    ax.text(
        threshold + 0.3,
        0.95,
        f"threshold {summary['match_threshold']:.2f}\n(weight {threshold:.1f})",
        transform=ax.get_xaxis_transform(),
        va="top",
        fontsize=8,
        color=PALETTE[5],
    )
    ax.set_xlabel("match weight (log2 Bayes factor; ends include everything beyond)")
    ax.set_ylabel("record pairs (log scale)")
    ax.spines[["top", "right"]].set_visible(False)
    return figure_to_data_uri(figure)
