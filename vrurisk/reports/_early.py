"""The panel pack's early-identification section: who on the list is already open to a
statutory service, the highest risk among those known to no service, and who turns 18 soon.

The marks are columns of the scores (``open_to_statutory_service``, ``statutory_services``,
``turns_18_soon``; see :func:`vrurisk.scoring.early_identification`); the note says what they
rest on and, out loud, when nothing configured occurs in the data.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

MARKS = ("open_to_statutory_service", "statutory_services", "turns_18_soon")


def early_section(scores: pd.DataFrame, k: int, note: Mapping | None) -> dict | None:
    """What the section shows (None when the scores carry no marks).

    Parameters
    ----------
    scores : pandas.DataFrame
        The whole cohort with ``key``, ``probability``, ``rank`` and the marks.
    k : int
        The panel's list size.
    note : mapping
        From :func:`vrurisk.scoring.early_identification`.

    Returns
    -------
    dict
        ``services`` (what counts, in words), ``warning``, ``partial``, ``listed_open`` and
        ``listed_turning_18`` (rank and key of listed people), ``n_listed_open``,
        ``n_cohort_open`` and ``unknown`` (the ``k`` highest-ranked people known to no
        service: rank, key, score, whether listed, whether turning 18 soon).
    """
    if note is None or not set(MARKS) <= set(scores.columns):
        return None
    ordered = scores.sort_values("rank", kind="stable")
    listed = ordered.head(k)
    services = [t.replace("_", " ") for t in note.get("event_types", [])]
    services += [f"any record from {s.replace('_', ' ')}" for s in note.get("sources", [])]
    unknown = ordered[~ordered["open_to_statutory_service"].astype(bool)].head(k)
    return {
        "services": services,
        "open_days": note.get("open_days"),
        "warning": note.get("warning"),
        "partial": note.get("partial"),
        "n_listed_open": int(listed["open_to_statutory_service"].sum()),
        "n_cohort_open": int(ordered["open_to_statutory_service"].sum()),
        "listed_open": [
            {"rank": int(r.rank), "key": str(r.key), "services": r.statutory_services}
            for r in listed[listed["open_to_statutory_service"]].itertuples(index=False)
        ],
        "listed_turning_18": [
            {"rank": int(r.rank), "key": str(r.key)}
            for r in listed[listed["turns_18_soon"]].itertuples(index=False)
        ],
        "unknown": [
            {
                "rank": int(r.rank),
                "key": str(r.key),
                "score": f"{100 * r.probability:.1f}%",
                "listed": int(r.rank) <= k,
                "turns_18_soon": bool(r.turns_18_soon),
            }
            for r in unknown.itertuples(index=False)
        ],
    }
