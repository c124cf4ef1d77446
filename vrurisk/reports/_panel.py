"""The panel pack: the ranked list a multi-agency panel reads, with reasons for every person.

:func:`panel_summary` computes everything the page shows as plain data (tested directly);
:func:`render_panel` only turns that summary into one self-contained HTML file. Each person's
contribution chart is drawn with plain HTML bars (fast for hundreds of people, readable without
images); the global importance chart is an embedded PNG.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from vrurisk.evaluation import EXPLANATION_METHODS as METHODS
from vrurisk.reports._render import PALETTE, figure_to_data_uri, new_figure, render_template

#: Contributions shown in each person's chart.
BARS_PER_PERSON = 6

HOW_TO_USE = (
    "This list is a prompt for professional judgement, not a decision. It ranks young people "
    "by an estimated chance of being involved in serious violence (as a suspect or a victim) "
    "in the period after the as-of date, from records held by partner agencies. The reasons "
    "describe what raised or lowered each estimate; they are not causes and may reflect how "
    "often agencies record contact as much as behaviour. Before any action, the panel checks "
    "each case against what practitioners know, records its own decision and reasons, and "
    "remembers that most people on the list will not go on to be involved in serious violence."
)
HANDLING = (
    "OFFICIAL-SENSITIVE. Keys are pseudonyms: re-identification is only through the "
    "authorised lookup held by the data controller. Do not copy this pack outside the panel."
)
DEMO_HANDLING = (
    "DEMO. Keys use vrurisk's published demo key: anyone can re-identify them, so this pack "
    "protects nobody and is for synthetic data only."
)


def panel_summary(
    scores: pd.DataFrame,
    reasons: pd.DataFrame,
    contributions: pd.DataFrame,
    *,
    global_importance: pd.Series,
    manifest: Iterable = (),
    as_of: str,
    cohort_size: int,
    k: int,
    model: Mapping | None = None,
    outcome: str = "serious violence as a suspect or victim within 12 months",
    units: str = "log-odds",
    method: str = "",
    fairness: Mapping | None = None,
    labels: Mapping[str, str] | None = None,
    demo: bool = False,
    groups: pd.DataFrame | None = None,
    networks: list | None = None,
) -> dict:
    """Everything the panel pack shows, as plain data.

    Parameters
    ----------
    scores : pandas.DataFrame
        One row per person with columns ``key``, ``probability``, ``rank`` and ``percentile``.
        The ``k`` best-ranked rows are listed.
    reasons : pandas.DataFrame
        From :func:`vrurisk.evaluation.plain_language_reasons`, its ``row`` column holding keys.
    contributions : pandas.DataFrame
        Per-person contributions indexed by key (at least the listed people).
    global_importance : pandas.Series
        Mean absolute contribution per feature.
    manifest : list of FeatureSpec
        For feature descriptions.
    as_of : str
        The as-of date of the list.
    cohort_size, k : int
        People scored and people listed.
    model : mapping, optional
        ``name``, ``version``, ``kind``, ``calibration``, ``uri`` of the model that scored.
    outcome : str
        What the probability is the probability of, in words.
    units : str
        Units of ``contributions`` (from the explanations).
    method : str
        How they were computed (a key of :data:`vrurisk.evaluation._explanations.METHODS`).
    fairness : mapping, optional
        ``n_flagged`` and ``findings`` (list of str) from the bias audit of this list.
    labels : mapping, optional
        Short labels for features in the charts (default: the feature descriptions).
    groups : pandas.DataFrame, optional
        Groups at risk (:func:`vrurisk.scoring._groups.group_table`); the first
        :data:`GROUPS_SHOWN` are shown.
    networks : list of dict, optional
        Each listed person's network (``key``, ``rank``, ``network``), drawn as a small SVG.

    Returns
    -------
    dict
    """
    listed = scores.sort_values("rank", kind="stable").head(k)
    descriptions = {spec.name: spec.description for spec in manifest}
    labels = dict(labels or {})
    by_person = {key: group for key, group in reasons.groupby("row", sort=False)}
    listed_keys = list(listed["key"])
    shown = contributions.reindex(listed_keys)
    scale = float(np.nanmax(np.abs(shown.to_numpy()))) if shown.size else 0.0
    people = []
    for row in listed.itertuples(index=False):
        own = by_person.get(row.key)
        people.append(
            {
                "rank": int(row.rank),
                "key": str(row.key),
                "probability": float(row.probability),
                "probability_text": _percent(row.probability),
                "percentile": float(row.percentile),
                "reasons": []
                if own is None
                else [
                    {"text": r.reason, "direction": r.direction, "strength": r.strength}
                    for r in own.sort_values("rank").itertuples(index=False)
                ],
                "bars": _bars(shown.loc[row.key], scale, descriptions, labels)
                if row.key in shown.index
                else [],
            }
        )
    importance = [
        {
            "feature": name,
            "description": descriptions.get(name, name),
            "value": float(value),
        }
        for name, value in global_importance.head(15).items()
    ]
    base_rate = float(scores["probability"].mean()) if len(scores) else float("nan")
    return {
        "title": f"Panel pack: early identification list at {as_of}",
        "as_of": as_of,
        "cohort_size": int(cohort_size),
        "k": int(min(k, len(scores))),
        "outcome": outcome,
        "mean_probability": base_rate,
        "mean_probability_text": _percent(base_rate),
        "model": dict(model or {}),
        "units": units,
        "method": METHODS.get(method, "SHAP values"),
        "how_to_use": HOW_TO_USE,
        "handling": DEMO_HANDLING if demo else HANDLING,
        "demo": demo,
        "people": people,
        "global_importance": importance,
        "fairness": dict(fairness or {}),
        "groups": _groups(groups),
        "networks": _networks(networks),
    }


def _networks(networks: list | None) -> dict | None:
    from vrurisk.reports._ego import ego_legend, ego_svg

    if networks is None:
        return None
    return {
        "legend": ego_legend(),
        "people": [
            {
                "rank": n["rank"],
                "key": n["key"],
                "svg": ego_svg(n["network"]),
                "associates": sum(node["hop"] == 1 for node in n["network"]["nodes"])
                + n["network"]["hidden"],
                "hidden": n["network"]["hidden"],
            }
            for n in networks
        ],
    }


#: Groups shown in the panel pack (all are in ``groups.parquet``).
GROUPS_SHOWN = 15


def _groups(groups: pd.DataFrame | None) -> list[dict] | None:
    if groups is None:
        return None
    return [
        {
            "group": str(g.group),
            "size": int(g.size),
            "scored": int(g.scored),
            "expected": f"{g.expected_involved:.1f}",
            "suspect": int(g.recent_violence_suspect),
            "victim": int(g.recent_violence_victim),
            "on_list": int(g.on_list),
            "reason": str(g.reason),
        }
        for g in groups.head(GROUPS_SHOWN).itertuples(index=False)
    ]


def render_panel(summary: Mapping) -> str:
    """The panel pack as one self-contained HTML page."""
    chart = ""
    if summary["global_importance"]:
        chart = importance_chart(
            [item["description"] for item in summary["global_importance"]],
            [item["value"] for item in summary["global_importance"]],
            xlabel=f"mean |contribution| ({summary['units']})",
        )
    return render_template(
        "panel.html", s=summary, importance_chart=chart, demo=summary.get("demo", False)
    )


def importance_chart(labels: list[str], values: list[float], *, xlabel: str) -> str:
    """A horizontal bar chart, largest at the top, as an embedded PNG data URI."""
    figure = new_figure(7.5, 0.9 + 0.28 * len(labels))
    axis = figure.add_subplot()
    positions = list(range(len(labels)))[::-1]
    axis.barh(positions, values, color=PALETTE[0])
    axis.set_yticks(positions, [_shorten(label) for label in labels], fontsize=8)
    axis.set_xlabel(xlabel, fontsize=8)
    axis.tick_params(axis="x", labelsize=8)
    for side in ("top", "right"):
        axis.spines[side].set_visible(False)
    return figure_to_data_uri(figure)


def _shorten(label: str, width: int = 60) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def _bars(row: pd.Series, scale: float, descriptions: Mapping, labels: Mapping) -> list[dict]:
    values = row.dropna()
    values = values[values != 0]
    top = values.reindex(values.abs().sort_values(ascending=False, kind="stable").index)
    top = top.head(BARS_PER_PERSON)
    return [
        {
            "label": labels.get(name, descriptions.get(name, name)),
            "value": float(value),
            "direction": "raises" if value > 0 else "lowers",
            "width": 0.0 if scale <= 0 else round(100 * abs(float(value)) / scale, 1),
        }
        for name, value in top.items()
    ]


def _percent(value: float) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    if value < 0.001:
        return "<0.1%"
    return f"{100 * value:.1f}%"
