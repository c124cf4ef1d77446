"""Groups over time: disparity trend per group, and the panel's decisions by band and by group.

Selection rates by group (with intervals) are the ones the bias audit computed when each list
was written (its ``fairness.json``). Once a list's outcomes are known, the same audit
(:func:`vrurisk.evaluation.audit_scores`) is run again on that list as the panel saw it (the
listed people flagged) for the error rates by group: precision (share of the listed who had the
outcome) and the false negative rate (share of those with the outcome who were not listed),
with intervals and the audit's own verdicts.

A panel *overrides* the list when it decides to take no action on a listed person or says the
record is wrong (:data:`OVERRIDES`); the override rate is their share of the decisions recorded.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from vrurisk.evaluation import INTERSECTION_SEPARATOR, audit_scores
from vrurisk.monitor._performance import rate_row

#: Decisions that go against the list (the panel declined to act, or the record is wrong).
OVERRIDES = ("no_action", "record_incorrect")
#: Rates of the closed-list audit shown in the trend.
ERROR_RATES = ("precision", "false_negative_rate")
NO_DECISIONS = (
    "no panel decisions were recorded for any list, so override rates and outcomes by "
    "decision cannot be shown"
)


def selection_trend(fairness: dict | None, k: int) -> list[dict]:
    """Selection rate by group on one list, from the audit written with it."""
    if not fairness:
        return []
    points = [p["name"] for p in fairness.get("operating_points", [])]
    wanted = f"top {k}" if f"top {k}" in points else (points[0] if points else None)
    rows = []
    for row in fairness.get("groups", []):
        if row.get("operating_point") != wanted or INTERSECTION_SEPARATOR in row["attribute"]:
            continue
        rows.append(
            {
                "attribute": row["attribute"],
                "group": row["group"],
                "n": row.get("n_current", row.get("n")),
                "rate": row.get("selection_rate"),
                "low": row.get("selection_rate_low"),
                "high": row.get("selection_rate_high"),
                "is_reference": bool(row.get("is_reference")),
                "small_group": bool(row.get("small_group")),
            }
        )
    return rows


def error_rate_trend(
    scores: pd.DataFrame, k: int, outcomes: pd.Series, people: pd.DataFrame, fairness
) -> dict:
    """The bias audit of a closed list as the panel saw it: error rates by group and verdicts.

    ``people`` holds the sensitive attributes indexed by key; ``fairness`` is the config's
    :class:`~vrurisk.evaluation.FairnessConfig`.
    """
    attributes = [a for a in fairness.sensitive_attributes if a in people.columns]
    frame = scores[["key", "probability", "rank"]].copy()
    frame["outcome"] = outcomes.reindex(frame["key"].to_numpy(dtype=object)).to_numpy(dtype=float)
    frame = frame[~np.isnan(frame["outcome"].to_numpy())]
    if not attributes or frame.empty or frame["outcome"].nunique() < 2:
        return {"rates": [], "flags": [], "note": "nothing to audit on this list"}
    frame["on_list"] = frame["rank"].to_numpy() <= k
    frame["outcome"] = frame["outcome"].astype(int)
    for attribute in attributes:
        frame[attribute] = people[attribute].reindex(frame["key"].to_numpy(dtype=object)).to_numpy()
    config = fairness.model_copy(update={"top_k": (), "thresholds": (), "intersections": False})
    audit = audit_scores(
        frame.reset_index(drop=True),
        score_col="probability",
        label_col="outcome",
        sensitive=attributes,
        flag="on_list",
        config=config,
        name="the closed list",
    )
    rates = []
    for row in audit.groups.to_dict(orient="records"):
        for metric in ERROR_RATES:
            rates.append(
                {
                    "attribute": row["attribute"],
                    "group": row["group"],
                    "metric": metric,
                    "n": row["n"],
                    "rate": row[metric],
                    "low": row[f"{metric}_low"],
                    "high": row[f"{metric}_high"],
                    "is_reference": bool(row["is_reference"]),
                    "small_group": bool(row["small_group"]),
                }
            )
    flags = [
        {
            k: row[k]
            for k in ("attribute", "group", "reference", "metric", "ratio", "ci_low", "ci_high")
        }
        for row in audit.flags.to_dict(orient="records")
    ]
    return {"rates": rates, "flags": flags, "note": ""}


def decision_summary(
    decisions: pd.DataFrame | None,
    k: int,
    people: pd.DataFrame,
    outcomes: pd.Series | None,
) -> dict | None:
    """The panel's decisions on one list: by rank band, by group, and outcomes by decision.

    None when no decisions were recorded for the list.
    """
    if decisions is None or decisions.empty:
        return None
    d = decisions.copy()
    d["decision"] = d["decision"].astype(str)
    d["override"] = d["decision"].isin(OVERRIDES)
    quarter = max(1, math.ceil(k / 4))
    band_start = ((d["rank"].astype(int) - 1) // quarter) * quarter + 1
    d["band"] = [f"ranks {s:,} to {min(s + quarter - 1, k):,}" for s in band_start]
    out = {
        "n": int(len(d)),
        "overrides": _override_row(d),
        "by_decision": [],
        "by_band": [
            {"band": band, **_override_row(part)}
            for band, part in sorted(
                d.groupby("band", sort=False), key=lambda item: item[1]["rank"].min()
            )
        ],
        "by_group": [],
    }
    for attribute in people.columns:
        groups = people[attribute].reindex(d["key"]).astype("string").fillna("missing")
        for group, part in d.groupby(groups.to_numpy(), sort=True):
            out["by_group"].append({"attribute": attribute, "group": group, **_override_row(part)})
    for decision, part in d.groupby("decision", sort=True):
        row = {"decision": decision, "n": int(len(part))}
        if outcomes is not None:
            row["outcome"] = rate_row(outcomes.reindex(part["key"]).to_numpy(dtype=float))
        out["by_decision"].append(row)
    return out


def _override_row(part: pd.DataFrame) -> dict:
    row = rate_row(part["override"].to_numpy(dtype=float))
    return {"n": row["n_known"], "n_override": row["events"], **row}
