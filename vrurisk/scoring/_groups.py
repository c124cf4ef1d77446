"""Groups at risk: communities, street groups and co-offending clusters at an as-of date.

Each group is ranked by the expected number of its scored members involved in serious violence
in the horizon: the sum of their calibrated probabilities (people outside the cohort have no
score and add nothing; the table says how many were scored). Groups come from links dated
before the as-of date only. Members appear only as pseudonymised keys; groups smaller than the
minimum size are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse import csgraph

from vrurisk.features.blocks import (
    communities,
    day_array,
    graph_at,
    incident_links,
    index_links,
    person_priority,
    to_day,
)

#: Groups with fewer members than this are not shown (default of ``scoring.group_min_size``).
MIN_GROUP_SIZE = 5

KINDS = {
    "community": "network community",
    "street_group": "street group",
    "co_offending": "co-offending cluster",
}

COLUMNS = [
    "kind",
    "group",
    "size",
    "scored",
    "expected_involved",
    "recent_violence_suspect",
    "recent_violence_victim",
    "on_list",
    "reason",
    "members",
]


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected-component label per person of the links (a, b); -1 for people with none."""
    if not len(a):
        return np.full(n, -1, dtype=np.int64)
    adj = sp.csr_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    _, labels = csgraph.connected_components(adj, directed=False)
    linked = np.zeros(n, dtype=bool)
    linked[a] = linked[b] = True
    return np.where(linked, labels, -1).astype(np.int64)


def _typed_links(dataset, day: int, types: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    links = dataset.links
    if "link_type" not in links.columns or not len(links):
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    keep = np.array(links["link_type"].isin(types), dtype=bool)
    keep &= day_array(links["link_date"]) < day
    return (
        links["idx_a"].to_numpy()[keep].astype(np.int64),
        links["idx_b"].to_numpy()[keep].astype(np.int64),
    )


def group_labels(dataset, as_of, network) -> dict[str, np.ndarray]:
    """Per kind of group, a label per person (-1: in no group of that kind) at ``as_of``."""
    day = to_day(as_of)
    graph = graph_at(index_links(dataset, network), day, network)
    community = np.where(
        graph.degree > 0, communities(graph, network, person_priority(dataset)), -1
    )
    community = np.where(graph.degree > 0, community, -1)
    n = dataset.n_people
    street = _components(n, *_typed_links(dataset, day, ("group",)))
    a, b = _typed_links(dataset, day, ("co_offending",))
    if network.incident_links:
        implied = incident_links(dataset, network.max_incident_size)
        live = (implied["day"].to_numpy() < day) & (implied["until"].to_numpy() >= day)
        a = np.concatenate([a, implied["a"].to_numpy()[live]])
        b = np.concatenate([b, implied["b"].to_numpy()[live]])
    return {"community": community, "street_group": street, "co_offending": _components(n, a, b)}


def group_table(
    labels: dict[str, np.ndarray],
    flags: dict[str, np.ndarray],
    person_idx: np.ndarray,
    key: np.ndarray,
    probability: np.ndarray,
    on_list: np.ndarray,
    *,
    min_size: int = MIN_GROUP_SIZE,
    horizon_words: str = "the horizon",
    window_words: str = "recently",
) -> pd.DataFrame:
    """One row per group of at least ``min_size`` people, most expected involvement first.

    Parameters
    ----------
    labels : dict of str to array
        From :func:`group_labels`: a group label per person (-1: none) for each kind.
    flags : dict of str to array
        From :func:`~vrurisk.features._network.violence_flags`: ``suspect`` and ``victim`` per
        person (recent violence).
    person_idx, key, probability, on_list : arrays
        The scored cohort: each scored person's position in the people table, pseudonymised
        key, calibrated probability and whether they are on the panel's list.
    min_size : int
        Smallest group shown (members counted over everyone, scored or not).

    Returns
    -------
    pandas.DataFrame
        Columns ``kind``, ``group``, ``size``, ``scored``, ``expected_involved`` (the sum of
        scored members' probabilities), ``recent_violence_suspect``,
        ``recent_violence_victim``, ``on_list``, ``reason`` and ``members`` (keys of scored
        members, best-scored first).
    """
    rows = []
    person_idx = np.asarray(person_idx, dtype=np.int64)
    probability = np.asarray(probability, dtype=float)
    listed_flag = np.asarray(on_list, dtype=float)
    # every per-group figure is one bincount and the members one stable sort (a loop over
    # groups comparing every person's label cost groups x people: hours at 3M people)
    order = np.argsort(-probability, kind="stable")
    for kind, label in labels.items():
        label = np.asarray(label, dtype=np.int64)
        if not (label >= 0).any():
            continue
        n_groups = int(label.max()) + 1
        sizes = np.bincount(label[label >= 0], minlength=n_groups)
        big = np.flatnonzero(sizes >= min_size)
        if not len(big):
            continue
        counted = {}
        for role in ("suspect", "victim"):
            flag = np.asarray(flags[role], dtype=float)
            counted[role] = np.bincount(label[label >= 0], flag[label >= 0], n_groups)
        member_label = label[person_idx]
        in_group = member_label >= 0
        expected = np.bincount(member_label[in_group], probability[in_group], n_groups)
        listed = np.bincount(member_label[in_group], listed_flag[in_group], n_groups)
        # scored members grouped by label, best-scored first within each group
        ranked = order[in_group[order]]
        ranked = ranked[np.argsort(member_label[ranked], kind="stable")]
        bounds = np.searchsorted(member_label[ranked], np.arange(n_groups + 1))
        for number, g in enumerate(big, start=1):
            scored = ranked[bounds[g] : bounds[g + 1]]
            total = float(expected[g])
            sus, vic = int(counted["suspect"][g]), int(counted["victim"][g])
            on = int(round(listed[g]))
            rows.append(
                {
                    "kind": KINDS[kind],
                    "group": f"{KINDS[kind]} {number}",
                    "size": int(sizes[g]),
                    "scored": len(scored),
                    "expected_involved": total,
                    "recent_violence_suspect": sus,
                    "recent_violence_victim": vic,
                    "on_list": on,
                    "reason": (
                        f"{len(scored)} of its {sizes[g]} members are in the cohort; together "
                        f"about {total:.1f} of them are expected to be involved in serious "
                        f"violence in {horizon_words}; violence {window_words}: {sus} as suspect, "
                        f"{vic} as victim; {on} on the list"
                    ),
                    "members": [str(k) for k in key[scored]],
                }
            )
    table = pd.DataFrame(rows, columns=COLUMNS)
    table = table.sort_values(["expected_involved", "size"], ascending=False, kind="stable")
    table["group"] = _renumber(table)
    return table.reset_index(drop=True)


def _renumber(table: pd.DataFrame) -> list[str]:
    """Name groups by kind and rank (``street group 1`` is the street group most at risk), so
    names carry no internal label."""
    seen: dict[str, int] = {}
    names = []
    for kind in table["kind"]:
        seen[kind] = seen.get(kind, 0) + 1
        names.append(f"{kind} {seen[kind]}")
    return names
