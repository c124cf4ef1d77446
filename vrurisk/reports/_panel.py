"""The panel pack: the ranked list a multi-agency panel reads, with reasons for every person.

:func:`panel_summary` computes everything the page shows as plain data (tested directly);
:func:`render_panel` only turns that summary into one self-contained HTML file. Each person's
contribution chart, and the chart of what drives the scores overall, is drawn with plain HTML
bars (small and fast for hundreds of people, readable without images).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from vrurisk.evaluation import EXPLANATION_METHODS as METHODS
from vrurisk.evaluation import family_contributions, main_families
from vrurisk.features import FAMILIES, family_map
from vrurisk.reports._early import early_section
from vrurisk.reports._render import render_template

#: Contributions shown in each person's chart.
BARS_PER_PERSON = 6
#: Feature-level reasons listed per person (the detail under the family reasons).
N_FEATURE_REASONS = 3
#: Family reasons (those that raise risk) given first for each person.
N_MAIN_FAMILIES = 3
#: Features shown under each family in the detail (the rest are counted, not drawn).
FEATURES_PER_FAMILY = 6
#: Feature contributions smaller than this (under 2% of the odds) are counted, not drawn.
SMALLEST_DRAWN = 0.02
#: Features quoted as evidence under each main family reason.
EVIDENCE_PER_FAMILY = 2
#: A person's own records listed under each main family reason (newest first).
RECORDS_PER_REASON = 4
#: Families whose records are any of the person's own records (how much agencies recorded).
ANY_RECORD_FAMILIES = ("agency_contact",)
#: People of the closed list compared with each listed person ("scored most like them").
SIMILAR_N = 50
#: Level of the interval around the outcome rate among them.
SIMILAR_LEVEL = 0.9
#: Clauses of a feature description that give its value for "none" (for analysts, not panels).
SENTINEL = re.compile(
    r";\s*-?\d[\d,.]* if none[^;()]*|\s*\((?:-?\d[\d,.]*|[\w ]*?)\s*:\s*(?:none|no)\b[^)]*\)"
)
CHALLENGE = (
    "A record can be wrong, out of date or about someone else. A practitioner who believes a "
    "record behind a reason is wrong says so at the panel, records the decision 'record "
    "incorrect' for that key, and asks the agency that holds the record to check and correct "
    "it; the person is not acted on through this list until it is checked. The person "
    "themself can ask the data controller named in the model card for the records held about "
    "them (UK GDPR right of access) and for wrong ones to be corrected (right to "
    "rectification), and can object to being listed."
)

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
    reason_scale: float = 1.0,
    reference: pd.DataFrame | None = None,
    outcome_as_of: str | None = None,
    changes: Mapping | None = None,
    out_of_range: Mapping[str, list] | None = None,
    early: Mapping | None = None,
    records: Mapping[str, list] | None = None,
    decision_codes: Mapping | None = None,
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
        Short labels for features in the charts (default: the feature descriptions without
        their sentinel values, e.g. "3650 if none").
    demo : bool
        The list is keyed with the published demo key.
    reason_scale : float
        Multiplies contributions before a family's strength is judged (the calibrator's slope,
        as for :func:`~vrurisk.evaluation.plain_language_reasons`).
    reference : pandas.DataFrame, optional
        The closed list (``score``, ``outcome``) whose outcomes are known: for each listed person
        the outcome rate among the people scored most like them there, with an interval.
    outcome_as_of : str, optional
        The date of that closed list.
    changes : mapping, optional
        What changed since the previous list (from
        :func:`~vrurisk.scoring._history.list_changes`).
    out_of_range : mapping, optional
        Key -> features whose value lies outside the training range; their reasons are marked.
    early : mapping, optional
        What the scores' statutory-service marks rest on (from
        :func:`vrurisk.scoring.early_identification`): the early-identification section.
    records : mapping, optional
        Key -> the person's own records (``date``, ``source``, ``event_type``, ``role``,
        ``family``), newest first (:attr:`~vrurisk.scoring.ScoredCohort.records`): each main
        reason lists those of its family.
    decision_codes : mapping, optional
        ``codes``, ``reason_codes``, ``reviewer_roles`` the panel may record
        (:func:`~vrurisk.scoring.decision_codes`): the pack says how to record decisions.

    Returns
    -------
    dict
    """
    listed = scores.sort_values("rank", kind="stable").head(k)
    outside = {str(k): set(v) for k, v in (out_of_range or {}).items()}
    descriptions = {spec.name: panel_label(spec.description) for spec in manifest}
    labels = dict(labels or {})
    by_person = {key: group for key, group in reasons.groupby("row", sort=False)}
    listed_keys = list(listed["key"])
    shown = contributions.reindex(listed_keys)
    scale = float(np.nanmax(np.abs(shown.to_numpy()))) if shown.size else 0.0
    families = family_contributions(shown, manifest) if shown.size else pd.DataFrame()
    family_scale = float(np.nanmax(np.abs(families.to_numpy()))) if families.size else 0.0
    features_of = family_map(manifest)
    similar = _similar_scores(reference, list(listed["probability"]))
    people = []
    for row in listed.itertuples(index=False):
        own = by_person.get(row.key)
        texts = {} if own is None else dict(zip(own["feature"], own["reason"], strict=True))
        explained = row.key in shown.index and row.key in families.index
        people.append(
            {
                "rank": int(row.rank),
                "key": str(row.key),
                "probability": float(row.probability),
                "probability_text": _percent(row.probability),
                "percentile": float(row.percentile),
                "similar": similar.get(float(row.probability)),
                "change": _change_words(changes, row.key),
                "previous_decision": ""
                if changes is None
                else changes.get("previous_decisions", {}).get(row.key, ""),
                "reasons": []
                if own is None
                else [
                    {
                        "text": r.reason,
                        "direction": r.direction,
                        "strength": r.strength,
                        "out_of_range": r.feature in outside.get(str(row.key), ()),
                    }
                    for r in own.sort_values("rank").head(N_FEATURE_REASONS).itertuples(index=False)
                ],
                "out_of_range": sorted(
                    descriptions.get(f, f) for f in outside.get(str(row.key), ())
                ),
                "main": _main_reasons(
                    families.loc[row.key],
                    shown.loc[row.key],
                    texts,
                    features_of,
                    reason_scale,
                    units,
                    (records or {}).get(str(row.key), []),
                )
                if explained
                else [],
                "families": _family_bars(
                    families.loc[row.key],
                    shown.loc[row.key],
                    family_scale,
                    texts,
                    descriptions,
                    labels,
                    features_of,
                )
                if explained
                else [],
                "bars": _bars(shown.loc[row.key], scale, descriptions, labels)
                if row.key in shown.index
                else [],
            }
        )
    top = global_importance.head(15)
    largest = float(top.max()) if len(top) else 0.0
    importance = [
        {
            "feature": name,
            "description": descriptions.get(name, name),
            "value": float(value),
            "width": 0.0 if not largest > 0 else round(100 * float(value) / largest, 1),
        }
        for name, value in top.items()
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
        "bar_scale": family_scale,
        "bar_scale_text": _scale_words(family_scale, units),
        "similar_note": _similar_note(reference, outcome_as_of),
        "challenge": CHALLENGE,
        "early": early_section(scores, k, early),
        "decision_codes": None if decision_codes is None else dict(decision_codes),
        "changes": None
        if changes is None
        else {
            "previous_as_of": changes["previous_as_of"],
            "summary": changes["summary"],
            "left": list(changes["left"]),
            "decisions_recorded": changes.get("decisions_recorded", False),
        },
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
    """The panel pack as one self-contained HTML page.

    Every chart is plain HTML bars (no embedded images): 50 listed people with every family
    and feature one click away, their records and network pictures come to about 250 KB.
    """
    return render_template("panel.html", s=summary, demo=summary.get("demo", False))


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


def panel_label(description: str) -> str:
    """A feature description without the value it takes for "none" (an analyst's detail).

    >>> panel_label("days since the last knife offence; 3650 if none in the last 10 years")
    'days since the last knife offence'
    >>> panel_label("steps to the nearest victim in the last 12 months (4: none within 3)")
    'steps to the nearest victim in the last 12 months'
    >>> panel_label("PageRank centrality, scaled so their average is 1 (0: no links)")
    'PageRank centrality, scaled so their average is 1'
    """
    return SENTINEL.sub("", description).strip()


def _main_reasons(family_row, feature_row, texts, features_of, scale, units, records=()):
    """The families that raise this person's estimate, each with the features and the
    person's own records behind it."""
    main = main_families(family_row, n=N_MAIN_FAMILIES, scale=scale, units=units)
    for item in main:
        own_records = [
            r
            for r in records
            if r["family"] == item["family"] or item["family"] in ANY_RECORD_FAMILIES
        ]
        item["records"] = own_records[:RECORDS_PER_REASON]
        item["n_more_records"] = max(0, len(own_records) - RECORDS_PER_REASON)
        own = _in_family(feature_row, features_of, item["family"])
        sign = 1 if item["direction"] == "raises" else -1
        own = own[own * sign > 0].sort_values(ascending=sign < 0, kind="stable")
        item["evidence"] = [texts[name] for name in own.index if name in texts][
            :EVIDENCE_PER_FAMILY
        ]
    return main


def _in_family(feature_row: pd.Series, features_of: Mapping, family: str) -> pd.Series:
    return feature_row[
        [features_of.get(name, "other_records") == family for name in feature_row.index]
    ]


def _family_bars(family_row, feature_row, scale, texts, descriptions, labels, features_of):
    """Every family with a contribution, raising first, each with its features' bars."""
    values = family_row[family_row != 0].dropna().sort_values(ascending=False, kind="stable")
    out = []
    for family, value in values.items():
        own = _in_family(feature_row, features_of, family)
        own = own[own != 0].dropna()
        own = own.reindex(own.abs().sort_values(ascending=False, kind="stable").index)
        drawn = own[own.abs() >= SMALLEST_DRAWN].head(FEATURES_PER_FAMILY)
        out.append(
            {
                "label": FAMILIES.get(family, family),
                "n_more": len(own) - len(drawn),
                **_bar(float(value), scale),
                "features": [
                    {
                        "label": texts.get(name) or labels.get(name, descriptions.get(name, name)),
                        **_bar(float(v), scale),
                    }
                    for name, v in drawn.items()
                ],
            }
        )
    return out


def _bar(value: float, scale: float) -> dict:
    return {
        "value": value,
        "direction": "raises" if value > 0 else "lowers",
        "arrow": "▲" if value > 0 else "▼",
        "width": 0.0 if scale <= 0 else round(min(100.0, 100 * abs(value) / scale), 1),
    }


def _scale_words(scale: float, units: str) -> str:
    if not scale > 0:
        return ""
    text = f"a full half-bar is {scale:.2f} {units}"
    if units == "log-odds":
        text += f" (odds multiplied or divided by {math.exp(scale):.1f} in the model)"
    return text


def _similar_scores(reference: pd.DataFrame | None, probabilities: list[float]) -> dict:
    """Probability -> (n, outcomes, rate, low, high) among the SIMILAR_N closest scores."""
    from scipy.stats import binomtest

    if reference is None or not len(reference):
        return {}
    ref = reference.sort_values("score", kind="stable")
    score = ref["score"].to_numpy(dtype=float)
    outcome = ref["outcome"].to_numpy(dtype=float)
    n = min(SIMILAR_N, len(ref))
    out = {}
    for p in set(probabilities):
        centre = int(np.searchsorted(score, p))
        start = int(min(max(0, centre - n // 2), len(ref) - n))
        hits = int(outcome[start : start + n].sum())
        low, high = binomtest(hits, n).proportion_ci(SIMILAR_LEVEL, method="wilson")
        out[float(p)] = {
            "n": n,
            "outcomes": hits,
            "text": f"{_percent(hits / n)} ({_percent(low)} to {_percent(high)})",
            "range": f"scored {_percent(score[start])} to {_percent(score[start + n - 1])}",
        }
    return out


def _similar_note(reference: pd.DataFrame | None, outcome_as_of: str | None) -> str:
    if reference is None or not len(reference):
        return ""
    n = min(SIMILAR_N, len(reference))
    when = f"the list at {outcome_as_of}" if outcome_as_of else "the latest list"
    return (
        f"How sure: of the {n} people scored most like this person on {when} (whose outcome "
        f"window has closed), the share who had the outcome, with a {SIMILAR_LEVEL:.0%} "
        "interval. It shows how far a score near this one can be trusted as a rate for a "
        "group; it is not this person's own chance, and the ranking of people with close "
        "scores is not reliable."
    )


def _change_words(changes: Mapping | None, key) -> str:
    """ "new", "new (was rank 140)", "up 12", "down 3" or "same" against the previous list."""
    if changes is None:
        return ""
    if key in changes["moves"]:
        move = changes["moves"][key]
        return "same" if move == 0 else f"up {-move}" if move < 0 else f"down {move}"
    was = changes["previous_rank"].get(key)
    return "new" if was is None else f"new (was rank {was:,})"
